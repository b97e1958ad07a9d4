package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.server.sim.PbxSimulator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Phones and presence over real sockets: desktops on the WebSocket, the server's AMI link, the simulator's phones.
 * Answer by NOTIFY (a phone that obeys, one that ignores it, devices that cannot), click-to-dial with the auto-answer
 * header on the originated leg, DND and forwarding in AstDB honoured by the dialplan, presence snapshot and changes
 * across a reconnect.
 */
class PhonesEndToEndTest {

    private static final String PASSWORD = "phones-pass";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static CtiServer server;
    private static PbxSimulator sim;

    @BeforeAll
    static void start() throws Exception {
        ObjectNode root = DemoServers.withPassword(DemoServers.config(), PASSWORD);
        ObjectNode phones = root.putObject("phones");
        phones.set("devices", JSON.valueToTree(List.of(
                Map.of("device", "PJSIP/agent1", "vendor", "yealink", "users", List.of("agent1")),
                Map.of("device", "PJSIP/201", "vendor", "snom", "users", List.of("agent201")),
                Map.of("device", "PJSIP/203", "vendor", "generic", "users", List.of("agent203")))));
        phones.set("agentPresence", JSON.valueToTree(Map.of("agent201", List.of("PJSIP/agent1"))));
        server = DemoServers.start(root);
        sim = server.simulator();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static JsonNode command(DesktopClient d, Map<String, Object> fields) throws Exception {
        return d.command(fields, WAIT);
    }

    private static void awaitChannel(Predicate<String> p, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sim.channels().stream().noneMatch(p)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no channel: " + what + "; have " + sim.channels());
            }
            Thread.sleep(20);
        }
    }

    private static void awaitNoChannel(Predicate<String> p) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sim.channels().stream().anyMatch(p)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("channels still up: " + sim.channels());
            }
            Thread.sleep(20);
        }
    }

    private static Predicate<String> startsWith(String prefix) {
        return ch -> ch.startsWith(prefix);
    }

    @Test
    void answerFromTheDesktopByNotifyAndClearRefusalsWhereThePhoneCannot() throws Exception {
        int port = server.gateway().port();
        try (DesktopClient agent1 = DesktopClient.login(port, "agent1", PASSWORD);
             DesktopClient agent202 = DesktopClient.login(port, "agent202", PASSWORD);
             DesktopClient agent203 = DesktopClient.login(port, "agent203", PASSWORD)) {
            sim.setAgentBehaviour("PJSIP/agent1", "noanswer", 2);
            sim.phoneBehaviour("agent1", true, true);
            try {
                // Plain click-to-dial (no auto-answer): the phone rings until answered from the desktop.
                assertTrue(command(agent1, Map.of("command", "dial", "number", "5550100")).path("ok").asBoolean());
                awaitChannel(startsWith("PJSIP/agent1-"), "agent1's phone ringing");
                awaitPresence(agent1, "PJSIP/agent1", "ringing");
                JsonNode r = command(agent1, Map.of("command", "phone.answer"));
                assertTrue(r.path("ok").asBoolean(), r.toString());
                assertEquals("talk", r.path("data").path("event").asText());
                // Answered, the originate goes on: the number is dialled on the trunk.
                awaitChannel(startsWith("PJSIP/trunk-"), "the dialled number after the answer");
                assertEquals("talk", last(sim.phoneNotifies("agent1")));
                hangUpEverything();

                // A phone that ignores the NOTIFY: the command is sent (Asterisk says "NOTIFY sent"), nothing answers.
                sim.phoneBehaviour("agent1", false, true);
                assertTrue(command(agent1, Map.of("command", "dial", "number", "5550100")).path("ok").asBoolean());
                awaitChannel(startsWith("PJSIP/agent1-"), "agent1's phone ringing again");
                awaitPresence(agent1, "PJSIP/agent1", "ringing");
                assertTrue(command(agent1, Map.of("command", "phone.answer")).path("ok").asBoolean());
                Thread.sleep(1_000);
                assertTrue(sim.channels().stream().noneMatch(startsWith("PJSIP/trunk-")), sim.channels().toString());
                assertTrue(sim.channels().stream().anyMatch(startsWith("PJSIP/agent1-")));
                hangUpEverything();

                // Nothing ringing: refused before anything is sent.
                awaitPresence(agent1, "PJSIP/agent1", "not_in_use");
                JsonNode idle = command(agent1, Map.of("command", "phone.answer"));
                assertEquals("not_found", idle.path("error").path("code").asText(), idle.toString());

                // Devices that cannot: a Local interface, and a PJSIP phone without an answer NOTIFY.
                JsonNode local = command(agent202, Map.of("command", "phone.answer"));
                assertEquals("not_supported", local.path("error").path("code").asText(), local.toString());
                assertTrue(local.path("error").path("message").asText().contains("only PJSIP phones"));
                JsonNode generic = command(agent203, Map.of("command", "phone.answer"));
                assertEquals("not_supported", generic.path("error").path("code").asText(), generic.toString());
                assertTrue(generic.path("error").path("message").asText().contains("no answer NOTIFY"),
                        generic.toString());
            } finally {
                sim.phoneBehaviour("agent1", true, true);
                sim.setAgentBehaviour("PJSIP/agent1", "answer", 2);
                hangUpEverything();
            }
        }
    }

    @Test
    void clickToDialPutsTheAutoAnswerHeaderOnTheOriginatedLegAndThePhoneAnswersByItself() throws Exception {
        int port = server.gateway().port();
        try (DesktopClient agent1 = DesktopClient.login(port, "agent1", PASSWORD)) {
            sim.setAgentBehaviour("PJSIP/agent1", "noanswer", 2);
            try {
                int before = sim.phoneInvites("agent1").size();
                JsonNode r = command(agent1, Map.of("command", "phone.dial", "number", "5550199"));
                assertTrue(r.path("ok").asBoolean(), r.toString());
                assertTrue(r.path("data").path("autoAnswer").asBoolean());
                // The agent never picks up (noanswer), yet the phone answers: the header did it.
                awaitChannel(startsWith("PJSIP/trunk-"), "the number dialled after the auto-answer");
                List<Map<String, String>> invites = sim.phoneInvites("agent1");
                assertEquals(before + 1, invites.size());
                assertEquals(Map.of("Call-Info", "answer-after=0"), invites.get(invites.size() - 1));
            } finally {
                sim.setAgentBehaviour("PJSIP/agent1", "answer", 2);
                hangUpEverything();
            }
        }
    }

    @Test
    void holdThroughThePhoneKeepsTheCallAndHangupEndsTheOwnLeg() throws Exception {
        int port = server.gateway().port();
        try (DesktopClient agent1 = DesktopClient.login(port, "agent1", PASSWORD)) {
            try {
                assertTrue(command(agent1, Map.of("command", "phone.dial", "number", "5550142")).path("ok")
                        .asBoolean());
                JsonNode answered = agent1.await(f -> f.path("type").asText().equals("call.answered"), WAIT,
                        "the click-to-dial call connected");
                String callId = answered.path("payload").path("call").path("callId").asText();

                JsonNode hold = command(agent1, Map.of("command", "phone.hold", "callId", callId));
                assertEquals("notify", hold.path("data").path("method").asText(), hold.toString());
                JsonNode held = agent1.await(f -> f.path("type").asText().equals("call.held"), WAIT, "call.held");
                assertEquals(callId, held.path("payload").path("call").path("callId").asText());
                awaitPresence(agent1, "PJSIP/agent1", "on_hold");
                assertTrue(sim.channels().stream().anyMatch(startsWith("PJSIP/trunk-")), "the other party stays");

                assertTrue(command(agent1, Map.of("command", "phone.unhold", "callId", callId)).path("ok")
                        .asBoolean());
                JsonNode back = agent1.await(f -> f.path("type").asText().equals("call.retrieved"), WAIT,
                        "call.retrieved");
                assertEquals(callId, back.path("payload").path("call").path("callId").asText(), "the same call");
                assertEquals(List.of("hold", "talk"), sim.phoneNotifies("agent1").subList(
                        sim.phoneNotifies("agent1").size() - 2, sim.phoneNotifies("agent1").size()));

                JsonNode hangup = command(agent1, Map.of("command", "phone.hangup", "callId", callId));
                assertTrue(hangup.path("data").path("channel").asText().startsWith("PJSIP/agent1-"),
                        hangup.toString());
                agent1.await(f -> f.path("type").asText().equals("call.ended"), WAIT, "call.ended");
            } finally {
                hangUpEverything();
            }
        }
    }

    @Test
    void dndAndForwardingAreKeptInAstDbAnnouncedAndHonouredByTheDialplan() throws Exception {
        int port = server.gateway().port();
        try (DesktopClient agent201 = DesktopClient.login(port, "agent201", PASSWORD);
             DesktopClient supervisor = DesktopClient.login(port, "supervisor", PASSWORD);
             DesktopClient agent1 = DesktopClient.login(port, "agent1", PASSWORD)) {
            try {
                JsonNode on = command(agent201, Map.of("command", "phone.dnd.set", "enabled", true));
                assertTrue(on.path("ok").asBoolean(), on.toString());
                JsonNode ev = agent201.await(f -> f.path("type").asText().equals("phone.dnd"), WAIT, "phone.dnd");
                assertEquals("201", ev.path("payload").path("extension").asText());
                assertTrue(ev.path("payload").path("enabled").asBoolean());
                supervisor.await(f -> f.path("type").asText().equals("phone.dnd"), WAIT, "phone.dnd at the supervisor");
                assertEquals("1", sim.astDb().get("CTI_DND/201"));

                // agent1 calls 201: DND answers busy, 201 never rings.
                assertTrue(command(agent1, Map.of("command", "phone.dial", "number", "201")).path("ok").asBoolean());
                awaitChannel(startsWith("PJSIP/agent1-"), "agent1's leg");
                awaitNoChannel(startsWith("PJSIP/agent1-"));
                assertTrue(sim.channels().stream().noneMatch(startsWith("Local/201@agents-")));

                // DND off, forward unconditionally to 5559999: the call goes out on the trunk instead.
                assertTrue(command(agent201, Map.of("command", "phone.dnd.set", "enabled", false)).path("ok")
                        .asBoolean());
                JsonNode fwd = command(agent201, Map.of("command", "phone.forward.set", "kind", "unconditional",
                        "target", "5559999"));
                assertTrue(fwd.path("ok").asBoolean(), fwd.toString());
                JsonNode fev = agent201.await(f -> f.path("type").asText().equals("phone.forward"), WAIT,
                        "phone.forward");
                assertEquals("5559999", fev.path("payload").path("target").asText());
                assertEquals("5559999", sim.astDb().get("CTI_FWD/201/unconditional"));
                JsonNode settings = command(agent201, Map.of("command", "phone.settings"));
                assertFalse(settings.path("data").path("dnd").asBoolean(), settings.toString());
                assertEquals("5559999", settings.path("data").path("forward").path("unconditional").asText());

                assertTrue(command(agent1, Map.of("command", "phone.dial", "number", "201")).path("ok").asBoolean());
                awaitChannel(startsWith("PJSIP/trunk-"), "the forwarded leg on the trunk");
                assertTrue(sim.channels().stream().noneMatch(startsWith("Local/201@agents-")));

                // Refusals: an agent may not set another agent's phone; a bad kind is a clear error.
                JsonNode other = command(agent1, Map.of("command", "phone.dnd.set", "enabled", true,
                        "agent", "agent201"));
                assertEquals("forbidden", other.path("error").path("code").asText());
                JsonNode bad = command(agent201, Map.of("command", "phone.forward.set", "kind", "sometimes"));
                assertEquals("invalid_field", bad.path("error").path("code").asText());
            } finally {
                command(agent201, Map.of("command", "phone.forward.set", "kind", "unconditional", "target", ""));
                command(agent201, Map.of("command", "phone.dnd.set", "enabled", false));
                hangUpEverything();
            }
        }
    }

    /** The feature codes of dialplans/cti-phones.conf: set on the phone, told to the desktops as from a desktop. */
    @Test
    void dndAndForwardsSetOnThePhoneReachTheDesktops() throws Exception {
        int port = server.gateway().port();
        try (DesktopClient agent201 = DesktopClient.login(port, "agent201", PASSWORD);
             DesktopClient supervisor = DesktopClient.login(port, "supervisor", PASSWORD)) {
            try {
                sim.dialFeatureCode("201", "201", "*78");
                JsonNode dnd = agent201.await(f -> f.path("type").asText().equals("phone.dnd"), WAIT, "phone.dnd");
                JsonNode p = dnd.path("payload");
                assertEquals("201", p.path("extension").asText());
                assertEquals("PJSIP/201", p.path("device").asText());
                assertTrue(p.path("enabled").asBoolean());
                assertEquals("phone", p.path("source").asText());
                assertFalse(p.hasNonNull("by"), "no user set it: " + p);
                supervisor.await(f -> f.path("type").asText().equals("phone.dnd"), WAIT, "phone.dnd at the supervisor");
                assertEquals("1", sim.astDb().get("CTI_DND/201"));
                assertTrue(command(agent201, Map.of("command", "phone.settings")).path("data").path("dnd")
                        .asBoolean(), "the desktop reads what the phone set");

                sim.dialFeatureCode("201", "201", "*725551234");
                JsonNode fwd = agent201.await(f -> f.path("type").asText().equals("phone.forward"), WAIT,
                        "phone.forward");
                assertEquals("unconditional", fwd.path("payload").path("kind").asText());
                assertEquals("5551234", fwd.path("payload").path("target").asText());
                assertEquals("5551234", sim.astDb().get("CTI_FWD/201/unconditional"));

                sim.dialFeatureCode("201", "201", "*73");
                JsonNode off = agent201.await(f -> f.path("type").asText().equals("phone.forward"), WAIT,
                        "phone.forward off");
                assertFalse(off.path("payload").hasNonNull("target"), "forward off: " + off);
                sim.dialFeatureCode("201", "201", "*79");
                JsonNode dndOff = agent201.await(f -> f.path("type").asText().equals("phone.dnd"), WAIT,
                        "phone.dnd off");
                assertFalse(dndOff.path("payload").path("enabled").asBoolean());
                assertEquals("0", sim.astDb().get("CTI_DND/201"));
            } finally {
                command(agent201, Map.of("command", "phone.forward.set", "kind", "unconditional", "target", ""));
                command(agent201, Map.of("command", "phone.dnd.set", "enabled", false));
                hangUpEverything();
            }
        }
    }

    @Test
    void presenceSnapshotThenChangesAndADesktopThatReconnectsMidStreamMissesNothing() throws Exception {
        int port = server.gateway().port();
        try (DesktopClient supervisor = DesktopClient.login(port, "supervisor", PASSWORD);
             DesktopClient agent201 = DesktopClient.login(port, "agent201", PASSWORD)) {
            JsonNode welcome = supervisor.await(f -> f.path("type").asText().equals("welcome"), WAIT, "welcome");
            supervisor.send(Map.of("type", "subscribe", "id", "p1", "presence", true));
            JsonNode snap = supervisor.await(f -> f.path("type").asText().equals("presence.snapshot"), WAIT,
                    "presence.snapshot");
            List<String> ids = new ArrayList<>();
            snap.path("payload").path("entries").forEach(e -> ids.add(e.path("id").asText()));
            assertTrue(ids.containsAll(List.of("PJSIP/201", "PJSIP/202", "PJSIP/agent1")), ids.toString());
            JsonNode p202 = find(snap.path("payload").path("entries"), "PJSIP/202");
            assertEquals("registered", p202.path("registration").asText(), p202.toString());

            sim.unregisterPhone("202");
            JsonNode gone = supervisor.await(presence("PJSIP/202", "unavailable"), WAIT, "202 unavailable");
            assertEquals("unregistered", gone.path("payload").path("registration").asText());
            long seq = gone.path("seq").asLong();

            // The desktop goes away; meanwhile the phone registers again.
            supervisor.drop();
            sim.registerPhone("202", "sip:202@10.0.0.202:5060");
            Thread.sleep(300);
            supervisor.resume(welcome.path("session").asText(), seq);
            // Replayed from the session's buffer: every event after lastSeq, in order, none twice, none missing
            // (Created, Reachable, then the device state NOT_INUSE).
            List<Long> seqs = new ArrayList<>();
            JsonNode back = supervisor.await(f -> {
                if (f.has("seq")) {
                    seqs.add(f.path("seq").asLong());
                }
                return presence("PJSIP/202", "not_in_use").test(f);
            }, WAIT, "202 back, replayed");
            assertEquals(seq + 1, seqs.get(0), "the first event after lastSeq: " + seqs);
            for (int i = 1; i < seqs.size(); i++) {
                assertEquals(seqs.get(i - 1) + 1, seqs.get(i), "no gap, no repeat: " + seqs);
            }
            assertEquals("registered", back.path("payload").path("registration").asText());
            assertEquals("sip:202@10.0.0.202:5060", back.path("payload").path("contacts").get(0).path("uri")
                    .asText());

            // An agent sees its own phone and what the config allows, over REST too.
            DesktopClient.Rest own = agent201.get("/api/presence");
            assertEquals(200, own.status());
            List<String> seen = new ArrayList<>();
            own.body().path("entries").forEach(e -> seen.add(e.path("id").asText()));
            assertTrue(seen.containsAll(List.of("PJSIP/201", "PJSIP/agent1")), seen.toString());
            assertFalse(seen.contains("PJSIP/202"), seen.toString());
            DesktopClient.Rest all = supervisor.get("/api/presence");
            assertTrue(all.body().path("entries").size() >= 5, all.body().toString());
            assertEquals("Agent 201", all.body().path("names").path("PJSIP/201").asText(), "display names for the filter");
        }
    }

    private static Predicate<JsonNode> presence(String id, String state) {
        return f -> f.path("type").asText().equals("presence") && f.path("payload").path("id").asText().equals(id)
                && f.path("payload").path("state").asText().equalsIgnoreCase(state);
    }

    private static void awaitPresence(DesktopClient d, String id, String state) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            DesktopClient.Rest r = d.get("/api/presence");
            JsonNode e = find(r.body().path("entries"), id);
            if (e != null && e.path("state").asText().equalsIgnoreCase(state)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(id + " never " + state + ": " + r.body());
            }
            Thread.sleep(20);
        }
    }

    private static JsonNode find(JsonNode entries, String id) {
        for (JsonNode e : entries) {
            if (e.path("id").asText().equals(id)) {
                return e;
            }
        }
        return null;
    }

    private static String last(List<String> l) {
        return l.isEmpty() ? null : l.get(l.size() - 1);
    }

    private static void hangUpEverything() throws Exception {
        try (var ami = new java.net.Socket("127.0.0.1", sim.amiPort())) {
            var out = ami.getOutputStream();
            StringBuilder sb = new StringBuilder("Action: Login\r\nUsername: cti\r\nSecret: cti\r\n\r\n");
            for (String ch : sim.channels()) {
                sb.append("Action: Hangup\r\nChannel: ").append(ch).append("\r\n\r\n");
            }
            sb.append("Action: Logoff\r\n\r\n");
            out.write(sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            ami.getInputStream().readAllBytes();
        }
        awaitNoChannel(ch -> true);
    }
}
