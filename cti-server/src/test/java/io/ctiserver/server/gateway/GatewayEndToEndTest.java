package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.run.CtiServer;
import io.ctiserver.server.run.DemoServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Desktop commands through the whole server: WebSocket -> gateway -> AMI client -> PBX simulator, and the effect
 * back through the tracker's events to the desktops.
 */
class GatewayEndToEndTest {

    private static final String PASSWORD = "e2e-gateway";
    /**
     * A simulated agent answers 90 % of its rings (the demo's answerShare 0.9, from the simulator's seeded random
     * draws, which earlier tests move along): app_queue then rings the next agent after its timeout.
     */
    private static final int ANSWER_WAIT_SECONDS = 45;
    private static CtiServer server;

    @BeforeAll
    static void start() throws Exception {
        server = DemoServers.start(DemoServers.withPassword(DemoServers.config(), PASSWORD));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static WsClient desktop(String user) throws Exception {
        int port = server.gateway().port();
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/api/login"))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"" + user + "\",\"password\":\"" + PASSWORD + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        Fixture.contract("POST", "/api/login", r);
        assertEquals(200, r.statusCode(), r.body());
        WsClient c = WsClient.connect(port, "token=" + Json.MAPPER.readTree(r.body()).get("token").asText());
        c.next("welcome");
        c.next("snapshot");
        return c;
    }

    @Test
    void pauseAndUnpauseComeBackAsAgentStateAndAsteriskRefusalsAreExplained() throws Exception {
        try (WsClient agent = desktop("agent203")) {
            JsonNode r = agent.command("p", "{\"command\":\"pause\",\"reason\":\"Lunch\"}");
            assertTrue(r.get("ok").asBoolean(), r.toString());
            JsonNode paused = agent.next(m -> m.path("type").asText().equals("agent.state")
                    && m.path("payload").path("agent").path("state").asText().equals("paused"), "paused");
            assertEquals("Lunch", paused.path("payload").path("agent").path("pausedReason").asText());
            assertEquals("Local/203@agents/n", paused.path("payload").path("agent").path("iface").asText());

            r = agent.command("u", "{\"command\":\"unpause\"}");
            assertTrue(r.get("ok").asBoolean(), r.toString());
            agent.next(m -> m.path("type").asText().equals("agent.state")
                    && m.path("payload").path("agent").path("state").asText().equals("available"), "available");

            // Agent 203 is not a member of support: Asterisk's own words come back.
            r = agent.command("x", "{\"command\":\"pause\",\"queue\":\"support\",\"reason\":\"Lunch\"}");
            assertEquals("pbx_refused", r.path("error").path("code").asText(), r.toString());
            assertEquals("Interface not found", r.path("error").path("asteriskMessage").asText());
        }
    }

    @Test
    void theAgentHangsUpTheirCallAfterASupervisorBargedAndOthersWereRefused() throws Exception {
        try (WsClient sup = desktop("supervisor");
             WsClient a201 = desktop("agent201");
             WsClient a202 = desktop("agent202")) {
            Map<String, WsClient> byIface = Map.of("Local/201@agents/n", a201, "Local/202@agents/n", a202);
            server.simulator().placeInboundCall("5551002", "5000", "1", 600.0, 0);

            JsonNode answered = sup.next(m -> m.path("type").asText().equals("call.answered")
                    && byIface.containsKey(m.path("payload").path("call").path("agentInterface").asText()),
                    "call.answered at 201 or 202");
            String callId = answered.path("payload").path("call").path("callId").asText();
            String iface = answered.path("payload").path("call").path("agentInterface").asText();
            WsClient owner = byIface.get(iface);
            WsClient other = owner == a201 ? a202 : a201;

            JsonNode refused = other.command("h1", "{\"command\":\"hangup\",\"callId\":\"" + callId + "\"}");
            assertEquals("forbidden", refused.path("error").path("code").asText(), refused.toString());

            JsonNode barge = sup.command("b", "{\"command\":\"monitor.barge\",\"callId\":\"" + callId + "\"}");
            assertTrue(barge.get("ok").asBoolean(), barge.toString());
            JsonNode spying = sup.next(m -> m.path("type").asText().equals("monitoring.started"), "monitoring.started");
            assertEquals(callId, spying.path("payload").path("callId").asText(), spying.toString());

            JsonNode hangup = owner.command("h2", "{\"command\":\"hangup\",\"callId\":\"" + callId + "\"}");
            assertTrue(hangup.get("ok").asBoolean(), hangup.toString());
            JsonNode ended = owner.next(m -> m.path("type").asText().equals("call.ended")
                    && m.path("payload").path("callId").asText().equals(callId), "call.ended");
            JsonNode record = ended.path("payload").path("record");
            assertEquals("answered", record.path("result").asText(), record.toString());
            assertEquals(iface, record.path("agentInterface").asText());
            assertEquals("agent", record.path("endedBy").asText(), record.toString());
        }
    }

    @Test
    void aBlindTransferFromTheDesktopIsSeenAsCallTransferred() throws Exception {
        try (WsClient sup = desktop("supervisor")) {
            server.simulator().placeInboundCall("5551003", "5000", "1", 600.0, 0);
            JsonNode answered = sup.next(m -> m.path("type").asText().equals("call.answered")
                    && m.path("payload").path("call").path("callerNumber").asText().equals("5551003"),
                    "call.answered", ANSWER_WAIT_SECONDS);
            String callId = answered.path("payload").path("call").path("callId").asText();
            String iface = answered.path("payload").path("call").path("agentInterface").asText();
            String user = iface.equals("PJSIP/agent1") ? "agent1" : "agent" + iface.substring(6, 9);
            try (WsClient owner = desktop(user)) {
                JsonNode r = owner.command("t", "{\"command\":\"transfer.blind\",\"callId\":\"" + callId
                        + "\",\"target\":\"300\"}");
                assertTrue(r.get("ok").asBoolean(), r.toString());
                JsonNode t = owner.next(m -> m.path("type").asText().equals("call.transferred"), "call.transferred");
                assertEquals(callId, t.path("payload").path("call").path("callId").asText());
                assertEquals("blind", t.path("payload").path("transfer").path("kind").asText(), t.toString());
                assertEquals("300", t.path("payload").path("transfer").path("target").asText(), t.toString());
            }
        }
    }

    @Test
    void clickToDialRingsTheAgentAndTheCallShowsOnTheirDesktop() throws Exception {
        try (WsClient agent = desktop("agent204")) {
            JsonNode r = agent.command("d", "{\"command\":\"dial\",\"number\":\"5559999\"}");
            assertTrue(r.get("ok").asBoolean(), r.toString());
            JsonNode call = agent.next(m -> m.path("type").asText().startsWith("call.")
                    && m.toString().contains("5559999"), "a call event for the dialled number");
            JsonNode c = call.path("payload").path("call");
            assertEquals("Local/204@agents/n", c.path("agentInterface").asText(), call.toString());
            JsonNode end = agent.command("h", "{\"command\":\"hangup\",\"callId\":\""
                    + c.path("callId").asText() + "\"}");
            assertTrue(end.get("ok").asBoolean(), end.toString());
            agent.next(m -> m.path("type").asText().equals("call.ended"), "call.ended");
        }
    }

    @Test
    void anAttendedTransferIsCancelledByHangingUpTheConsultationLeg() throws Exception {
        try (WsClient sup = desktop("supervisor")) {
            server.simulator().placeInboundCall("5551004", "5000", "1", 600.0, 0);
            JsonNode answered = sup.next(m -> m.path("type").asText().equals("call.answered")
                    && m.path("payload").path("call").path("callerNumber").asText().equals("5551004"),
                    "call.answered", ANSWER_WAIT_SECONDS);
            String callId = answered.path("payload").path("call").path("callId").asText();
            String iface = answered.path("payload").path("call").path("agentInterface").asText();
            String user = iface.equals("PJSIP/agent1") ? "agent1" : "agent" + iface.substring(6, 9);
            try (WsClient owner = desktop(user)) {
                JsonNode r = owner.command("a", "{\"command\":\"transfer.attended\",\"callId\":\"" + callId
                        + "\",\"target\":\"3\"}");
                assertTrue(r.get("ok").asBoolean(), r.toString());
                // The consultation leg shows as a transfer_target party once the target answers.
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (server.state().call(callId).map(c -> c.parties().stream()
                        .noneMatch(p -> p.role() == io.ctiserver.events.Party.Role.TRANSFER_TARGET)).orElse(true)) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("no consultation leg: " + server.state().call(callId));
                    }
                    Thread.sleep(20);
                }
                r = owner.command("c", "{\"command\":\"transfer.cancel\",\"callId\":\"" + callId + "\"}");
                assertTrue(r.get("ok").asBoolean(), r.toString());
                deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (server.state().call(callId).map(c -> c.parties().stream()
                        .anyMatch(p -> p.role() == io.ctiserver.events.Party.Role.TRANSFER_TARGET)).orElse(false)) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("the consultation leg stayed: " + server.state().call(callId));
                    }
                    Thread.sleep(20);
                }
                assertTrue(server.state().call(callId).isPresent(), "the customer's call goes on");
                assertEquals(iface, server.state().call(callId).get().agentInterface());
            }
        }
    }
}
