package io.ctiserver.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.capture.CaptureReader;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallRecord;
import io.ctiserver.testing.Captures;
import io.ctiserver.tracker.Tracker;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Real Asterisk 22 captures through a tracker into the engine: what the figures say about one real call. */
class KpiCaptureReplayTest {

    private record Replay(KpiSnapshot snapshot, List<CallRecord> records) {
    }

    private static Replay replay(String capture) {
        Tracker tracker = new Tracker("pbx1");
        KpiEngine engine = new KpiEngine();
        List<CallRecord> records = new ArrayList<>();
        tracker.addListener(engine);
        tracker.addListener(e -> {
            if (e instanceof CallEnded ended) {
                records.add(ended.record());
            }
        });
        CaptureReader.readAll(Captures.file(capture), "pbx1").forEach(tracker::onMessage);
        return new Replay(engine.refresh(), records);
    }

    @Test
    void capture02IsOneAnsweredCall() {
        Replay r = replay("02_queue_call_answered_by_agent.txt");
        CallRecord call = r.records().stream().filter(c -> c.queue() != null).findFirst().orElseThrow();
        KpiFigures w = r.snapshot().window();
        assertEquals(1, w.offered());
        assertEquals(1, w.answered());
        assertEquals(0, w.abandoned() + w.shortAbandoned() + w.unanswered());
        // AgentConnect HoldTime 2, AgentComplete TalkTime 8, Wrapuptime 0 in the capture.
        assertEquals(2.0, w.asaSeconds(), 1e-9);
        assertEquals(100.0, w.serviceLevelPercent(), 1e-9);
        assertEquals(8.0, w.ahtSeconds(), 1e-9);
        assertEquals(0.0, w.abandonRatePercent(), 1e-9);
        KpiSnapshot.AgentKpis agent = r.snapshot().agent(call.agentInterface()).orElseThrow();
        assertEquals(1, agent.window().handled());
        assertTrue(agent.window().onCallSeconds() >= 0);
        assertEquals(1, r.snapshot().queue(call.queue()).orElseThrow().window().answered());
        assertEquals(r.snapshot(), replay("02_queue_call_answered_by_agent.txt").snapshot(), "deterministic");
    }

    @Test
    void r1HoldByRedirectCountsTheWholeTimeWithTheAgentInAht() {
        Replay r = replay("R1_cti_hold_unhold.txt");
        KpiFigures w = r.snapshot().window();
        assertEquals(1, w.answered());
        // queue_log says COMPLETEAGENT|2|10 (app_queue closes the call at the unhold); the agent was on it 13 s.
        assertEquals(13.0, w.ahtSeconds(), 1e-9);
        assertEquals(13.0, w.avgTalkSeconds(), 1e-9);
        assertEquals(2.0, w.asaSeconds(), 1e-9);
        assertTrue(w.avgHoldSeconds() != null && w.avgHoldSeconds() >= 0);
        assertEquals(r.records().get(0).heldSeconds(), (long) Math.floor(w.avgHoldSeconds()),
                "the hold the record reports");
    }

    @Test
    void capture03IsOneAbandonedCall() {
        Replay r = replay("03_queue_call_abandoned.txt");
        CallRecord call = r.records().stream().filter(c -> c.queue() != null).findFirst().orElseThrow();
        KpiFigures w = r.snapshot().window();
        assertEquals(0, w.answered());
        // QueueCallerAbandon HoldTime 14: over the 5 s short-abandon threshold, within T = 20 s.
        assertEquals(14, call.waitSeconds());
        assertEquals(1, w.offered());
        assertEquals(1, w.abandoned());
        assertEquals(0, w.shortAbandoned());
        assertEquals(0, w.abandonedAfterThreshold());
        assertEquals(100.0, w.abandonRatePercent(), 1e-9);
        assertEquals(14.0, w.avgAbandonWaitSeconds(), 1e-9);
        assertNull(w.serviceLevelPercent(), "nothing answered, nothing abandoned after T");
        // With a 15 s threshold the same call is a short abandon: not offered at all.
        Tracker tracker = new Tracker("pbx1");
        KpiEngine lenient = new KpiEngine(KpiSettings.defaults().withShortAbandonSeconds(15));
        tracker.addListener(lenient);
        CaptureReader.readAll(Captures.file("03_queue_call_abandoned.txt"), "pbx1").forEach(tracker::onMessage);
        KpiFigures s = lenient.refresh().window();
        assertEquals(0, s.offered());
        assertEquals(1, s.shortAbandoned());
        assertNull(s.abandonRatePercent());
    }

    @Test
    void everyCaptureReplaysWithoutError() {
        for (var file : Captures.all()) {
            Tracker tracker = new Tracker("pbx1");
            KpiEngine engine = new KpiEngine();
            tracker.addListener(engine);
            CaptureReader.readAll(file, "pbx1").forEach(tracker::onMessage);
            KpiFigures w = engine.refresh().window();
            assertEquals(w.offered(), w.answered() + w.abandoned() + w.unanswered() + w.other(), file.toString());
        }
    }
}
