package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.gateway.auth.Role;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void bindsTheGatewaySectionWithDefaults() throws Exception {
        ServerConfig config = ServerConfig.of(ServerConfig.mapper().readTree("""
                {"gateway": {
                  "crmUrlTemplate": "https://crm.example/c/{customerId}",
                  "users": [
                    {"username": "agent201", "password": "pbkdf2$1000$c2FsdA$aGFzaA", "role": "agent",
                     "iface": "Local/201@agents/n", "memberName": "Agent 201", "queues": ["support"]},
                    {"username": "crm", "password": "pbkdf2$1000$c2FsdA$aGFzaA", "role": "integration",
                     "mayDialForAgents": true}
                  ],
                  "dialplan": {"holdExten": "moh"}
                }}"""));
        GatewayConfig g = config.section("gateway", GatewayConfig.class, GatewayConfig.defaults());
        assertEquals(8080, g.port(), "a missing port is 8080, not an ephemeral 0");
        assertEquals(65536, g.maxFrameBytes());
        assertEquals(Role.AGENT, g.users().get(0).role());
        assertEquals("Local/201@agents/n", g.users().get(0).iface());
        assertTrue(g.users().get(1).mayDialForAgents());
        assertEquals("moh", g.dialplan().holdExten());
        assertEquals("cti-hold", g.dialplan().holdContext());
        assertTrue(g.users().get(0).toString().indexOf("pbkdf2") < 0, "no hash in toString");
        assertEquals(8080, config.section("nothing", GatewayConfig.class, GatewayConfig.defaults()).port());
    }

    @Test
    void aPortInUseFailsTheStartAndReleasesWhatStarted() throws Exception {
        try (Fixture first = new Fixture()) {
            GatewayConfig same = new GatewayConfig("127.0.0.1", first.port(), null, null, Fixture.users(), 0, null, 0,
                    0, 0, 0, 0, 0, 0, 0, 0, "pbx1", null);
            Gateway second = Gateway.builder().config(same).stateView(new FakeStateView()).build();
            Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, second::start);
            assertTrue(e instanceof java.net.BindException, e.toString());
            assertTrue(Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("gateway-fanout"))
                    .count() <= 1, "the second gateway's fan-out thread was stopped");
        }
    }
}
