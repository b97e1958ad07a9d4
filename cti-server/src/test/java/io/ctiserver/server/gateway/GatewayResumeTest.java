package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A desktop that drops and reconnects gets exactly what it missed, or a snapshot when that is gone. */
class GatewayResumeTest {

    static AgentStateChanged pauseEvent(int i) {
        return pauseEvent(i, "reason-" + i);
    }

    static AgentStateChanged pauseEvent(int i, String reason) {
        AgentView a = new AgentView("pbx1", Fixture.AGENT_201, "Agent 201", AgentState.PAUSED, reason,
                List.of("support"), null, Instant.parse("2026-11-23T10:00:00Z").plusSeconds(i));
        return new AgentStateChanged("pbx1", a.since(), a, AgentState.AVAILABLE);
    }

    static GatewayConfig config(int buffer) {
        return new GatewayConfig("127.0.0.1", 0, null, null, Fixture.users(), 0, null, 0, 0, buffer, 0, 0, 0, 0, 0,
                0, "pbx1", null);
    }

    @Test
    void resumeDeliversExactlyTheMissedEventsWhileEventsKeepFlowing() throws Exception {
        int total = 3000;
        try (Fixture f = new Fixture(config(8192))) {
            String token = f.login("agent201");
            WsClient first = WsClient.connect(f.port(), "token=" + token);
            String session = first.next("welcome").get("session").asText();
            first.next("snapshot");

            Thread tracker = new Thread(() -> {
                for (int i = 1; i <= total; i++) {
                    f.gateway.onEvent(pauseEvent(i));
                }
            }, "fake-tracker");
            tracker.start();

            // seq -> pausedReason, from both connections
            TreeMap<Long, String> seen = new TreeMap<>();
            List<Long> duplicates = new ArrayList<>();
            long last = 0;
            while (last < 500) {
                JsonNode e = first.next("agent.state");
                last = e.get("seq").asLong();
                if (seen.put(last, e.get("payload").get("agent").get("pausedReason").asText()) != null) {
                    duplicates.add(last);
                }
            }
            first.close(); // the desktop crashes, events keep coming

            WsClient second = WsClient.connect(f.port(), "token=" + token + "&session=" + session + "&lastSeq=" + last);
            JsonNode welcome = second.next("welcome");
            assertEquals(session, welcome.get("session").asText());
            while (seen.isEmpty() || seen.lastKey() < total) {
                JsonNode m = second.next(x -> x.has("seq"), "an event");
                assertFalse(m.path("type").asText().equals("snapshot"), "the buffer held every missed event");
                long seq = m.get("seq").asLong();
                if (seen.put(seq, m.get("payload").get("agent").get("pausedReason").asText()) != null) {
                    duplicates.add(seq);
                }
            }
            tracker.join();
            second.close();

            assertTrue(duplicates.isEmpty(), "duplicated: " + duplicates);
            assertEquals(total, seen.size(), "lost events");
            for (long s = 1; s <= total; s++) {
                assertEquals("reason-" + s, seen.get(s), "seq " + s + " carries event " + s);
            }
        }
    }

    @Test
    void resumeBeyondTheBufferGetsAResyncSnapshot() throws Exception {
        try (Fixture f = new Fixture(config(16))) {
            String token = f.login("agent201");
            WsClient first = WsClient.connect(f.port(), "token=" + token);
            String session = first.next("welcome").get("session").asText();
            first.next("snapshot");
            f.gateway.onEvent(pauseEvent(1));
            assertEquals(1, first.next("agent.state").get("seq").asLong());
            first.close();

            for (int i = 2; i <= 100; i++) {
                f.gateway.onEvent(pauseEvent(i));
            }
            // Wait until the fan-out has buffered all 100 (the desktop is away: nothing to read yet).
            var s = f.gateway.sessions().find(session);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (s.seq() < 100 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            f.state.agents.put(Fixture.AGENT_201, pauseEvent(100).agent());

            WsClient second = WsClient.connect(f.port(), "token=" + token + "&session=" + session + "&lastSeq=1");
            second.next("welcome");
            JsonNode snap = second.next(m -> m.has("seq"), "snapshot");
            assertEquals("snapshot", snap.get("type").asText());
            assertTrue(snap.get("resync").asBoolean());
            assertEquals(100, snap.get("seq").asLong());
            assertEquals("reason-100", snap.get("agents").get(0).get("pausedReason").asText());

            f.gateway.onEvent(pauseEvent(101));
            assertEquals(101, second.next("agent.state").get("seq").asLong());
            second.close();
        }
    }

    @Test
    void anotherUsersSessionIsNeverResumed() throws Exception {
        try (Fixture f = new Fixture(config(64))) {
            WsClient a = WsClient.connect(f.port(), "token=" + f.login("agent201"));
            String session = a.next("welcome").get("session").asText();
            WsClient b = WsClient.connect(f.port(), "token=" + f.login("agent202") + "&session=" + session
                    + "&lastSeq=0");
            JsonNode welcome = b.next("welcome");
            assertFalse(session.equals(welcome.get("session").asText()));
            assertTrue(b.next("snapshot").get("resync").asBoolean());
            a.close();
            b.close();
        }
    }
}
