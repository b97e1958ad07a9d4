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

    /**
     * R1 as a live link sees it: each message stamped with its receive time, from the recorder's timeline in
     * R1_cti_hold_unhold.notes.txt (connect 06:56:10.980, the gateway's hold 06:56:14.996, unhold 06:56:20.016, hangup
     * 06:56:24.034). A plain replay has no fact for the hold's and the unhold's moments; a live server has.
     */
    @Test
    void r1OnALiveLinkTheRecordAndAhtSayHowLongTheCustomerWasHeld() {
        List<io.ctiserver.ami.AmiMessage> capture = CaptureReader.readAll(Captures.file("R1_cti_hold_unhold.txt"), "pbx1");
        long stamp = java.time.Instant.parse("2026-12-03T06:56:08.454Z").toEpochMilli();
        int phase = 0;
        Tracker tracker = new Tracker("pbx1");
        KpiEngine engine = new KpiEngine();
        List<CallRecord> records = new ArrayList<>();
        tracker.addListener(engine);
        tracker.addListener(e -> {
            if (e instanceof CallEnded ended) {
                records.add(ended.record());
            }
        });
        for (io.ctiserver.ami.AmiMessage m : capture) {
            String event = m.eventName() == null ? "" : m.eventName();
            if (phase == 0 && event.equals("AgentConnect")) {
                stamp = java.time.Instant.parse("2026-12-03T06:56:10.980Z").toEpochMilli();
                phase = 1;
            } else if (phase == 1 && "cti-hold".equals(m.get("Context"))) {
                stamp = java.time.Instant.parse("2026-12-03T06:56:15.000Z").toEpochMilli();
                phase = 2;
            } else if (phase == 2 && event.equals("BridgeCreate")) {
                stamp = java.time.Instant.parse("2026-12-03T06:56:20.020Z").toEpochMilli();
                phase = 3;
            } else if (phase == 3 && event.equals("Cdr")) {
                stamp = java.time.Instant.parse("2026-12-03T06:56:24.035Z").toEpochMilli();
                phase = 4;
            }
            tracker.onMessage(m.withSource("pbx1", stamp));
        }
        assertEquals(4, phase, "every moment of the timeline was found in the capture");
        assertEquals(1, records.size());
        CallRecord r = records.get(0);
        assertEquals(java.time.Instant.parse("2026-12-03T06:56:10.980Z"), r.answeredAt());
        assertEquals(13, r.talkSeconds(), "the whole time with the agent, hold included (queue_log says 10)");
        assertEquals(5, r.heldSeconds(), "hold 06:56:15.000 to unhold 06:56:20.020");
        assertEquals(1, r.holds().size());
        assertEquals("PJSIP/agent1", r.holds().get(0).by());
        assertEquals(java.time.Instant.parse("2026-12-03T06:56:15.000Z"), r.holds().get(0).startedAt());
        assertEquals(5, r.holds().get(0).seconds());
        assertEquals(13, r.segments().get(0).talkSeconds());
        KpiFigures w = engine.refresh().window();
        assertEquals(1, w.answered());
        assertEquals(13.0, w.ahtSeconds(), 1e-9);
        assertEquals(5.02, w.avgHoldSeconds(), 0.01, "hold / answered: 5.02 s");
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
