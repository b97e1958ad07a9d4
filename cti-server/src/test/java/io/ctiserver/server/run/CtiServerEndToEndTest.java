package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.gateway.auth.PasswordHash;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole server as {@code run} starts it, over real sockets: the simulator places a call, FastAGI routes it, the
 * AMI client and tracker follow it, and desktops on the WebSocket see the pop, the answer and the call record.
 */
class CtiServerEndToEndTest {

    private static final String PASSWORD = "e2e-pass";
    private static CtiServer server;

    @BeforeAll
    static void start() throws Exception {
        ObjectNode root = (ObjectNode) ServerConfig.mapper().readTree(
                CtiServerEndToEndTest.class.getResourceAsStream(ServerConfig.DEMO_RESOURCE));
        String hash = PasswordHash.hash(PASSWORD.toCharArray(), 1000);
        root.withObject("/sim").put("amiPort", 0).put("arrivalsPerSecond", 0.0).put("agiTimeoutMs", 5000);
        root.withObject("/agi").put("port", 0);
        ObjectNode gateway = root.withObject("/gateway");
        gateway.put("port", 0);
        gateway.withArray("users").forEach(u -> ((ObjectNode) u).put("password", hash));
        server = CtiServer.start(ServerConfig.of(root));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (server.amiClient(CtiServer.DEMO_PBX).state() != AmiLinkState.FULLY_BOOTED) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("AMI link to the simulator never came up");
            }
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aRoutedCallPopsAtTheRungAgentOnlyAndEndsWithItsRecord() throws Exception {
        int port = server.gateway().port();
        try (DesktopClient supervisor = DesktopClient.login(port, "supervisor", PASSWORD);
             DesktopClient agent201 = DesktopClient.login(port, "agent201", PASSWORD);
             DesktopClient agent202 = DesktopClient.login(port, "agent202", PASSWORD)) {

            // John Doe (5551001) is a gold customer in the demo directory; he picks IVR option 2 and talks 1 s.
            server.simulator().placeInboundCall("5551001", "5000", "2", 1.0, 0);

            JsonNode pop = supervisor.await(f -> f.path("type").asText().equals("call.offered")
                    && !f.path("payload").path("agentInterface").isMissingNode()
                    && !f.path("payload").path("agentInterface").isNull(), Duration.ofSeconds(20), "the agent pop");
            JsonNode p = pop.path("payload");
            assertEquals("5551001", p.path("callerNumber").asText());
            assertEquals("support", p.path("queue").asText());
            assertTrue(p.path("vip").asBoolean(), "gold customer is VIP: " + p);
            assertEquals("John Doe", p.path("customer").path("name").asText(), "customer record from routing: " + p);
            assertEquals("2", p.path("data").path("IVR_CHOICE").asText(), "IVR data handed to the agent: " + p);
            assertTrue(p.path("crmUrl").asText().contains("C-1001"), p.path("crmUrl").asText());
            String rung = p.path("agentInterface").asText();
            String callId = p.path("callId").asText();

            DesktopClient rungDesk = rung.equals("Local/201@agents/n") ? agent201 : agent202;
            DesktopClient otherDesk = rungDesk == agent201 ? agent202 : agent201;
            JsonNode agentPop = rungDesk.await(f -> f.path("type").asText().equals("call.offered")
                    && f.path("payload").path("callId").asText().equals(callId), Duration.ofSeconds(10),
                    "the pop at the rung agent " + rung);
            assertEquals("John Doe", agentPop.path("payload").path("customer").path("name").asText());

            JsonNode ended = rungDesk.await(f -> f.path("type").asText().equals("call.ended"),
                    Duration.ofSeconds(30), "call.ended");
            JsonNode record = ended.path("payload").path("record").isMissingNode()
                    ? ended.path("payload") : ended.path("payload").path("record");
            assertEquals(callId, record.path("callId").asText(), record.toString());
            assertEquals("answered", record.path("result").asText(), record.toString());
            assertEquals(rung, record.path("agentInterface").asText(), record.toString());
            assertEquals("support", record.path("queue").asText());
            assertEquals("2", record.path("data").path("IVR_CHOICE").asText());

            List<JsonNode> leaked = otherDesk.drain().stream()
                    .filter(f -> f.path("payload").path("callId").asText().equals(callId)
                            || f.path("payload").path("call").path("callId").asText().equals(callId))
                    .toList();
            assertFalse(leaked.stream().anyMatch(f -> f.path("type").asText().equals("call.offered")
                            && f.path("payload").path("agentInterface").asText().equals(rung)),
                    "the other agent must not get the rung agent's pop: " + leaked);
        }
    }
}
