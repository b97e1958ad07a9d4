package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
        server = DemoServers.start(DemoServers.withPassword(DemoServers.config(), PASSWORD));
    }

    @Test
    void routingWhatIfOverRestIsForSupervisorsAndExplainsTheDecision() throws Exception {
        int port = server.gateway().port();
        try (DesktopClient supervisor = DesktopClient.login(port, "supervisor", PASSWORD);
             DesktopClient agent = DesktopClient.login(port, "agent201", PASSWORD)) {
            DesktopClient.Rest vip = supervisor.get("/api/route?number=5551001&IVR_CHOICE=2");
            assertEquals(200, vip.status(), vip.body().toString());
            assertEquals("support", vip.body().path("queue").asText());
            assertTrue(vip.body().path("vip").asBoolean(), vip.body().toString());
            assertEquals("C-1001", vip.body().path("customer").path("id").asText());

            DesktopClient.Rest sales = supervisor.get("/api/route?number=5550000&dialed=6000");
            assertEquals("sales", sales.body().path("queue").asText(), "the skill rule for 6000: " + sales.body());

            assertEquals(400, supervisor.get("/api/route?number=5551001&time=yesterday").status());
            assertEquals(400, supervisor.get("/api/route").status());
            assertEquals(403, agent.get("/api/route?number=5551001").status());
        }
    }

    private static JsonNode awaitKpis(DesktopClient desk, int answered) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            DesktopClient.Rest r = desk.get("/api/kpis");
            assertEquals(200, r.status(), r.body().toString());
            if (r.body().path("today").path("answered").asInt() >= answered || System.nanoTime() > deadline) {
                return r.body();
            }
            Thread.sleep(100);
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

            // The KPI engine counted the call once it ended; an agent reads only their own figures.
            JsonNode kpis = awaitKpis(supervisor, 1);
            assertTrue(kpis.path("today").path("answered").asInt() >= 1, kpis.toString());
            DesktopClient.Rest own = rungDesk.get("/api/kpis");
            assertEquals(200, own.status());
            assertEquals(rung, own.body().path("agent").path("iface").asText(), own.body().toString());
            assertTrue(own.body().path("today").isMissingNode(), "an agent sees no centre-wide figures");

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
