package io.ctiserver.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.ami.capture.CaptureReader;
import io.ctiserver.testing.Captures;
import io.ctiserver.tracker.Tracker;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * R5: 25 real calls on Asterisk 22 (21 answered, 4 abandoned, an agent paused mid-call) replayed through the tracker
 * into the engine, against the figures a reporting tool computes from the same run's queue_log.
 */
class R5QueueLogCrossCheckTest {

    private static final String CAPTURE = "R5_traffic_with_queue_log";

    @Test
    void engineGivesQueueLogsCountsExactlyAndItsMeansWithinOneSecond() {
        Tracker tracker = new Tracker("pbx1");
        KpiEngine engine = new KpiEngine();
        tracker.addListener(engine);
        CaptureReader.readAll(Captures.file(CAPTURE + ".txt"), "pbx1").forEach(tracker::onMessage);
        KpiSnapshot snap = engine.refresh();
        QueueLogKpis truth = QueueLogKpis.of(QueueLog.read(Captures.file(CAPTURE + ".queue_log")).entries(),
                KpiSettings.defaults());

        KpiFigures want = truth.total();
        KpiFigures got = snap.window();
        assertEquals(25, truth.calls(), "the queue_log itself: 25 calls");
        assertEquals(21, want.answered());
        assertEquals(want.offered(), got.offered(), "offered");
        assertEquals(want.answered(), got.answered(), "answered");
        assertEquals(want.abandoned(), got.abandoned(), "abandoned");
        assertEquals(want.shortAbandoned(), got.shortAbandoned(), "short abandons");
        assertEquals(want.unanswered(), got.unanswered(), "unanswered");
        assertEquals(want.answeredWithinThreshold(), got.answeredWithinThreshold(), "answered within T");
        assertEquals(want.abandonedAfterThreshold(), got.abandonedAfterThreshold(), "abandoned after T");
        assertEquals(want.maxWaitAnsweredSeconds(), got.maxWaitAnsweredSeconds(), "longest answered wait");
        within(want.asaSeconds(), got.asaSeconds(), "ASA");
        within(want.avgAbandonWaitSeconds(), got.avgAbandonWaitSeconds(), "mean abandon wait");
        within(want.avgTalkSeconds(), got.avgTalkSeconds(), "mean talk");
        // queue_log knows no wrap-up; the capture's members have none, so AHT is talk on both sides.
        within(want.ahtSeconds(), got.ahtSeconds(), "AHT");

        Map<String, Long> handled = new TreeMap<>();
        Map<String, Double> talk = new TreeMap<>();
        for (KpiSnapshot.AgentKpis a : snap.agents()) {
            if (a.window().handled() > 0) {
                handled.put(a.name(), a.window().handled());
                talk.put(a.name(), a.window().avgTalkSeconds());
            }
        }
        assertEquals(Map.of("Agent 201", 9L, "Agent 202", 6L, "SIP Agent 1", 6L), truth.handledByAgent());
        assertEquals(truth.handledByAgent(), handled, "calls handled per agent");
        truth.avgTalkByAgent().forEach((agent, mean) -> within(mean, talk.get(agent), "mean talk of " + agent));
    }

    /** queue_log: Agent 202 PAUSE|Break at +25 s while on a call, UNPAUSE at +55 s. */
    @Test
    void thePauseWithAReasonReachesTheAgentsStateAndEnds() {
        Tracker tracker = new Tracker("pbx1");
        java.util.List<io.ctiserver.events.AgentView> states = new java.util.ArrayList<>();
        tracker.addListener(e -> {
            if (e instanceof io.ctiserver.events.AgentStateChanged a && a.agent().memberName().equals("Agent 202")) {
                states.add(a.agent());
            }
        });
        CaptureReader.readAll(Captures.file(CAPTURE + ".txt"), "pbx1").forEach(tracker::onMessage);
        java.util.List<io.ctiserver.events.AgentView> paused = states.stream()
                .filter(a -> a.state() == io.ctiserver.events.AgentState.PAUSED).toList();
        assertEquals(java.util.Set.of("Break"),
                paused.stream().map(io.ctiserver.events.AgentView::pausedReason).collect(java.util.stream.Collectors.toSet()));
        java.time.Instant pausedAt = paused.get(0).since();
        io.ctiserver.events.AgentView unpaused = states.stream().filter(a -> a.since().isAfter(pausedAt)
                && a.state() != io.ctiserver.events.AgentState.PAUSED).findFirst().orElseThrow();
        assertEquals(io.ctiserver.events.AgentState.AVAILABLE, unpaused.state());
        // Paused on a call: the agent shows PAUSED from the end of that call on, until the UNPAUSE at 1796281143.
        // (A replay's clock has no fact at the UNPAUSE itself: it may run up to a few seconds behind there.)
        assertTrue(!pausedAt.isBefore(java.time.Instant.ofEpochSecond(1796281113L)), "queue_log PAUSE " + pausedAt);
        assertTrue(unpaused.since().getEpochSecond() <= 1796281143L, "queue_log UNPAUSE " + unpaused.since());
        assertEquals(1, paused.size(), "one pause");
    }

    private static void within(Double want, Double got, String what) {
        assertNotNull(want, what + " in queue_log");
        assertNotNull(got, what + " from the engine");
        assertEquals(want, got, 1.0, what);
    }
}
