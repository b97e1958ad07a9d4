package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.EndedBy;
import io.ctiserver.server.gateway.commands.AuditLog;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Desktops over a real WebSocket: the pop, the call's life, supervision and authorisation. */
class GatewayDesktopTest {

    private Fixture f;

    @BeforeEach
    void start() throws Exception {
        f = new Fixture();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void agentGetsTheScreenPopWithTheCallersData() throws Exception {
        try (WsClient agent = f.desktop("agent201"); WsClient other = f.desktop("agent202")) {
            CallView ringing = Fixture.call("c1", CallState.RINGING, Fixture.AGENT_201, "Local/201@agents-00000008;1");
            f.state.put(ringing);
            f.gateway.onEvent(new CallOffered("pbx1", Instant.parse("2026-11-23T10:00:45Z"), ringing,
                    Fixture.AGENT_201, "Agent 201"));

            JsonNode pop = agent.next("call.offered");
            assertEquals(1, pop.get("seq").asLong());
            assertEquals("2026-11-23T10:00:45Z", pop.get("time").asText());
            JsonNode p = pop.get("payload");
            assertEquals("c1", p.get("callId").asText());
            assertEquals("5551001", p.get("callerNumber").asText());
            assertEquals("Alice Caller", p.get("callerName").asText());
            assertEquals("5000", p.get("dialed").asText());
            assertEquals("support", p.get("queue").asText());
            assertEquals(42, p.get("waitSeconds").asLong(), "queued at 10:00:03, offered at 10:00:45");
            assertTrue(p.get("vip").asBoolean());
            assertEquals("42", p.get("customer").get("id").asText());
            assertEquals("Alice Example", p.get("customer").get("name").asText());
            assertEquals("billing", p.get("data").get("IVR_MENU").asText());
            assertEquals("https://crm.example/customers/42?phone=5551001", p.get("crmUrl").asText());

            // The other agent's desktop saw nothing of it: its next message is the kpi-free ping answer.
            other.send("{\"type\":\"ping\"}");
            assertEquals("pong", other.received.poll(10, TimeUnit.SECONDS).get("type").asText());
        }
    }

    @Test
    void answeredThenHungUpGivesCallEndedWithTheRecord() throws Exception {
        try (WsClient agent = f.desktop("agent201")) {
            CallView c = Fixture.call("c2", CallState.CONNECTED, Fixture.AGENT_201, "Local/201@agents-00000008;1");
            f.gateway.onEvent(new CallAnswered("pbx1", Instant.parse("2026-11-23T10:00:20Z"), c));
            CallRecord record = new CallRecord("c2", "pbx1", "1795458626.45", CallDirection.INBOUND, "5551001",
                    "Alice Caller", "5000", "support", "Agent 201", Fixture.AGENT_201, CallResult.ANSWERED, 17, 8,
                    EndedBy.CALLER, List.of(), Instant.parse("2026-11-23T10:00:00Z"),
                    Instant.parse("2026-11-23T10:00:20Z"), Instant.parse("2026-11-23T10:00:28Z"), c.data());
            f.gateway.onEvent(new CallEnded("pbx1", Instant.parse("2026-11-23T10:00:28Z"), record));

            JsonNode answered = agent.next("call.answered");
            JsonNode ended = agent.next("call.ended");
            assertEquals("c2", answered.get("payload").get("call").get("callId").asText());
            assertEquals(answered.get("seq").asLong() + 1, ended.get("seq").asLong());
            JsonNode r = ended.get("payload").get("record");
            assertEquals("answered", r.get("result").asText());
            assertEquals(8, r.get("talkSeconds").asLong());
            assertEquals(17, r.get("waitSeconds").asLong());
            assertEquals("caller", r.get("endedBy").asText());
            assertEquals("Agent 201", r.get("agentName").asText());
            assertEquals("1", r.get("data").get("CTI_VIP").asText());
        }
    }

    /** R4 (click-to-dial on a real Asterisk 22) through a real tracker: the agent's own call reaches its desktop. */
    @Test
    void agentsOwnOutboundCallReachesItsDesktopLikeAnInboundOne() throws Exception {
        try (WsClient agent = f.desktop("agent1"); WsClient other = f.desktop("agent201")) {
            io.ctiserver.tracker.Tracker tracker = new io.ctiserver.tracker.Tracker("pbx1");
            tracker.addListener(f.gateway::onEvent);
            io.ctiserver.ami.capture.CaptureReader.readAll(
                    io.ctiserver.testing.Captures.file("R4_cti_click_to_dial_outbound.txt"), "pbx1")
                    .forEach(tracker::onMessage);

            JsonNode offered = agent.next("call.offered");
            assertEquals("1796281061.21", offered.get("payload").get("callId").asText());
            JsonNode answered = agent.next("call.answered");
            assertEquals("outbound", answered.get("payload").get("call").get("direction").asText());
            JsonNode ended = agent.next("call.ended");
            JsonNode r = ended.get("payload").get("record");
            assertEquals("PJSIP/agent1", r.get("agentInterface").asText());
            assertEquals("agent", r.get("endedBy").asText());
            assertEquals("5559001", r.get("dialed").asText());
            assertEquals("PJSIP/agent1", r.get("segments").get(0).get("agentInterface").asText());

            other.send("{\"type\":\"ping\"}");
            JsonNode next = other.received.poll(10, TimeUnit.SECONDS);
            while (next != null && next.get("type").asText().equals("agent.state")) {
                next = other.received.poll(10, TimeUnit.SECONDS);
            }
            assertEquals("pong", next.get("type").asText(), "another agent's desktop gets none of the call");
        }
    }

    /**
     * The server's own hold (R1), attended transfer (R2) and conference (R3) on a real Asterisk 22, through a real
     * tracker to the agent's desktop over a real WebSocket: the call events it gets, in order, and the record in
     * call.ended, each frame checked against the AsyncAPI document (on close).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "R1_cti_hold_unhold|call.offered call.answered call.held call.retrieved call.ended",
            // Atxfer holds the agent's channel and plays music to the customer until the transfer joins them to 300.
            "R2_cti_attended_transfer|call.offered call.answered call.held call.retrieved call.transferred call.ended",
            "R3_cti_conference|call.offered call.answered call.conferenced call.ended"})
    void serversOwnCommandsOnRealAsteriskReachTheDesktopAsTheProtocolSays(String capture, String types)
            throws Exception {
        try (WsClient agent = f.desktop("agent1")) {
            io.ctiserver.tracker.Tracker tracker = new io.ctiserver.tracker.Tracker("pbx1");
            tracker.addListener(f.gateway::onEvent);
            io.ctiserver.ami.capture.CaptureReader.readAll(io.ctiserver.testing.Captures.file(capture + ".txt"), "pbx1")
                    .forEach(tracker::onMessage);

            List<String> seen = new java.util.ArrayList<>();
            JsonNode m;
            do {
                m = agent.next(x -> x.path("type").asText().startsWith("call."), "a call event");
                seen.add(m.get("type").asText());
            } while (!m.get("type").asText().equals("call.ended"));
            assertEquals(List.of(types.split(" ")), seen, capture);
            JsonNode r = m.get("payload").get("record");
            assertEquals("PJSIP/agent1", r.get("agentInterface").asText());
            assertEquals("support", r.get("queue").asText());
            switch (capture) {
                case "R1_cti_hold_unhold" -> {
                    assertEquals(13, r.get("talkSeconds").asLong());
                    assertEquals("agent", r.get("endedBy").asText());
                    assertEquals(1, r.get("holds").size());
                }
                case "R2_cti_attended_transfer" -> {
                    assertEquals("attended", r.get("transfers").get(0).get("kind").asText());
                    assertEquals("3", r.get("transfers").get(0).get("target").asText());
                    assertEquals("transfer", r.get("endedBy").asText());
                }
                default -> {
                    assertEquals(11, r.get("talkSeconds").asLong());
                    assertEquals(3, r.get("conference").size());
                    assertEquals(0, r.get("transfers").size());
                }
            }
        }
    }

    @Test
    void supervisorBargesWithChanSpyOptions() throws Exception {
        f.state.put(Fixture.call("c3", CallState.CONNECTED, Fixture.AGENT_201, "Local/201@agents-00000008;1"));
        try (WsClient sup = f.desktop("sup")) {
            JsonNode r = sup.command("b1", "{\"command\":\"monitor.barge\",\"callId\":\"c3\"}");
            assertTrue(r.get("ok").asBoolean(), r.toString());
            AmiMessage a = f.ami.next();
            assertEquals("Originate", a.action());
            assertEquals("PJSIP/sup1", a.get("Channel"));
            assertEquals("ChanSpy", a.get("Application"));
            assertEquals("Local/201@agents-00000008;1,qBE", a.get("Data"));
            assertEquals("true", a.get("Async"));

            sup.command("l1", "{\"command\":\"monitor.listen\",\"callId\":\"c3\"}");
            assertEquals("Local/201@agents-00000008;1,qE", f.ami.next().get("Data"));
            sup.command("w1", "{\"command\":\"monitor.whisper\",\"callId\":\"c3\"}");
            assertEquals("Local/201@agents-00000008;1,qwE", f.ami.next().get("Data"));
        }
    }

    @Test
    void agentCannotTouchAnotherAgentsCall() throws Exception {
        f.state.put(Fixture.call("c4", CallState.CONNECTED, Fixture.AGENT_201, "Local/201@agents-00000008;1"));
        try (WsClient intruder = f.desktop("agent202")) {
            for (String cmd : List.of("hangup", "hold", "record.start")) {
                JsonNode r = intruder.command(cmd, "{\"command\":\"" + cmd + "\",\"callId\":\"c4\"}");
                assertFalse(r.get("ok").asBoolean());
                assertEquals("forbidden", r.get("error").get("code").asText());
            }
            JsonNode r = intruder.command("spy", "{\"command\":\"monitor.barge\",\"callId\":\"c4\"}");
            assertEquals("forbidden", r.get("error").get("code").asText());
            r = intruder.command("pause", "{\"command\":\"pause\",\"agent\":\"agent201\",\"reason\":\"x\"}");
            assertEquals("forbidden", r.get("error").get("code").asText());
        }
        assertTrue(f.ami.sent.isEmpty(), "nothing reached the PBX: " + f.ami.sent);
        List<AuditLog.Entry> audit = f.gateway.audit().recent();
        AuditLog.Entry last = audit.get(audit.size() - 1);
        assertEquals("agent202", last.user());
        assertEquals("pause", last.command());
        assertEquals("forbidden", last.result());
        assertTrue(audit.stream().anyMatch(e -> e.command().equals("hangup") && "c4".equals(e.target())
                && e.result().equals("forbidden")));
    }

    @Test
    void ownCallControlGoesToTheRightChannels() throws Exception {
        f.state.put(Fixture.call("c5", CallState.CONNECTED, Fixture.AGENT_201, "Local/201@agents-00000008;1"));
        try (WsClient agent = f.desktop("agent201")) {
            assertTrue(agent.command("h", "{\"command\":\"hangup\",\"callId\":\"c5\"}").get("ok").asBoolean());
            AmiMessage hangup = f.ami.next();
            assertEquals("Hangup", hangup.action());
            assertEquals("Local/201@agents-00000008;1", hangup.get("Channel"));

            assertTrue(agent.command("t", "{\"command\":\"transfer.blind\",\"callId\":\"c5\",\"target\":\"300\"}")
                    .get("ok").asBoolean());
            AmiMessage blind = f.ami.next();
            assertEquals("BlindTransfer", blind.action());
            assertEquals("Local/201@agents-00000008;1", blind.get("Channel"));
            assertEquals("300", blind.get("Exten"));
            assertEquals("transfer-targets", blind.get("Context"));
        }
    }

    @Test
    void pbxRefusalCarriesAsterisksMessage() throws Exception {
        try (WsClient agent = f.desktop("agent201")) {
            f.ami.responder = a -> AmiMessage.of("Response", "Error", "Message", "Interface not found");
            JsonNode r = agent.command("p", "{\"command\":\"pause\",\"queue\":\"support\",\"reason\":\"Lunch\"}");
            assertFalse(r.get("ok").asBoolean());
            assertEquals("pbx_refused", r.get("error").get("code").asText());
            assertEquals("Interface not found", r.get("error").get("asteriskMessage").asText());
            AmiMessage a = f.ami.next();
            assertEquals("QueuePause", a.action());
            assertEquals(Fixture.AGENT_201, a.get("Interface"));
            assertEquals("true", a.get("Paused"));
            assertEquals("Lunch", a.get("Reason"));
            assertEquals("support", a.get("Queue"));
        }
        AuditLog.Entry last = f.gateway.audit().recent().get(f.gateway.audit().recent().size() - 1);
        assertEquals("pbx_refused", last.result());
        assertEquals("Interface not found", last.detail());
    }

    @Test
    void restReadsAndCommandsShareTheHandler() throws Exception {
        f.state.put(Fixture.call("c6", CallState.CONNECTED, Fixture.AGENT_201, "Local/201@agents-00000008;1"));
        f.state.put(Fixture.call("c7", CallState.CONNECTED, Fixture.AGENT_202, "Local/202@agents-00000009;1"));
        String agent = f.login("agent201");
        String sup = f.login("sup");

        assertEquals(401, f.get("/api/calls", null).statusCode());
        assertEquals(1, Fixture.json(f.get("/api/calls", agent)).size(), "an agent reads their own calls");
        assertEquals(2, Fixture.json(f.get("/api/calls", sup)).size());
        assertEquals("c6", Fixture.json(f.get("/api/calls/c6", agent)).get("callId").asText());
        assertEquals(404, f.get("/api/calls/c7", agent).statusCode());
        assertEquals(200, f.get("/api/agents", agent).statusCode());
        assertEquals(200, f.get("/api/queues", agent).statusCode());
        assertEquals("ok", Fixture.json(f.get("/api/health", null)).get("status").asText());
        JsonNode openApi = Fixture.json(f.get("/api/openapi.json", null));
        assertTrue(openApi.get("openapi").asText().startsWith("3.1"));
        for (String path : List.of("/api/login", "/api/logout", "/api/commands", "/api/calls", "/api/calls/{id}",
                "/api/agents", "/api/queues", "/api/health", "/api/openapi.json")) {
            assertTrue(openApi.get("paths").has(path), "openapi.json describes " + path);
        }
        assertTrue(f.get("/", null).body().contains("CTI agent desktop"));
        assertEquals(404, f.get("/../../etc/passwd", null).statusCode());

        HttpResponse<String> ok = f.post("/api/commands",
                "{\"command\":\"dial\",\"number\":\"5551234\"}", agent);
        assertEquals(200, ok.statusCode(), ok.body());
        AmiMessage dial = f.ami.next();
        assertEquals("Originate", dial.action());
        assertEquals(Fixture.AGENT_201, dial.get("Channel"));
        assertEquals("from-agents", dial.get("Context"));
        assertEquals("5551234", dial.get("Exten"));
        assertEquals("1", dial.get("Priority"));
        assertEquals("\"5551234\" <5551234>", dial.get("CallerID"));
        assertEquals("true", dial.get("Async"));

        HttpResponse<String> refused = f.post("/api/commands", "{\"command\":\"hangup\",\"callId\":\"c7\"}", agent);
        assertEquals(403, refused.statusCode());
        assertEquals("forbidden", Fixture.json(refused).get("error").get("code").asText());
        assertEquals(400, f.post("/api/commands", "{\"command\":\"hangup\"}", agent).statusCode());
        assertEquals(400, f.post("/api/commands", "{not json", agent).statusCode());
        assertEquals(401, f.post("/api/login", "{\"username\":\"agent201\",\"password\":\"wrong\"}", null)
                .statusCode());
    }

    @Test
    void integrationDialsOnlyForAllowedAgents() throws Exception {
        String crm = f.login("crm");
        assertEquals(200, f.post("/api/commands", "{\"command\":\"dial\",\"number\":\"5550000\",\"agent\":\"agent201\"}",
                crm).statusCode());
        assertEquals(Fixture.AGENT_201, f.ami.next().get("Channel"));
        assertEquals(403, f.post("/api/commands", "{\"command\":\"dial\",\"number\":\"5550000\",\"agent\":\"agent202\"}",
                crm).statusCode());
        f.state.put(Fixture.call("c8", CallState.CONNECTED, Fixture.AGENT_201, "Local/201@agents-00000008;1"));
        assertEquals(403, f.post("/api/commands", "{\"command\":\"hangup\",\"callId\":\"c8\"}", crm).statusCode());
        assertNull(f.ami.sent.poll());
    }

    @Test
    void secretsNeverReachTheAuditLog() throws Exception {
        String token = f.login("agent201");
        f.post("/api/commands", "{\"command\":\"pause\",\"reason\":\"Lunch\"}", token);
        f.post("/api/login", "{\"username\":\"agent201\",\"password\":\"wrong-" + Fixture.PASSWORD + "\"}", null);
        String all = f.gateway.audit().recent().toString();
        assertTrue(all.contains("login"), all);
        assertFalse(all.contains(token), "token in audit");
        assertFalse(all.contains(Fixture.PASSWORD), "password in audit");
    }

    @Test
    void eachEventIsSerialisedOnceForAllItsDesktops() throws Exception {
        f.close();
        // No kpi tick during the test: it would be serialised too.
        f = new Fixture(new GatewayConfig("127.0.0.1", 0, null, null, Fixture.users(), 0, null, 0, 0, 0, 0, 0, 0, 0,
                0, 3_600_000, "pbx1", null));
        try (WsClient agent = f.desktop("agent201"); WsClient sup = f.desktop("sup");
             WsClient admin = f.desktop("admin"); WsClient crm = f.desktop("crm")) {
            long before = f.gateway.fanout().serialised();
            f.gateway.onEvent(GatewayResumeTest.pauseEvent(7));
            for (WsClient c : List.of(agent, sup, admin, crm)) {
                assertEquals("reason-7", c.next("agent.state").get("payload").get("agent").get("pausedReason").asText());
            }
            assertEquals(before + 1, f.gateway.fanout().serialised(), "one serialisation for four desktops");
        }
    }
}
