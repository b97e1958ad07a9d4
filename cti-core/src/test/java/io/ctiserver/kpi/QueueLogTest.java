package io.ctiserver.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.events.CallResult;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing queue_log and computing the reporting tool's figures from it. */
class QueueLogTest {

    private static final double EPS = 1e-9;

    /** Lines as app_queue writes them (log_membername_as_agent = yes), for the calls of {@link #sameCallsAsEvents}. */
    private static final List<String> LOG = List.of(
            "1795420000|NONE|support|Agent 201|ADDMEMBER|",
            "1795420001|c1|support|NONE|ENTERQUEUE||5551000|1",
            "1795420003|c1|support|Agent 202|RINGNOANSWER|2000",
            "1795420011|c1|support|Agent 201|CONNECT|10|1795420011.5|2",
            "1795420111|c1|support|Agent 201|COMPLETECALLER|10|100|1",
            "1795420120|c2|support|NONE|ENTERQUEUE||5552000|1",
            "1795420150|c2|support|Agent 202|CONNECT|30|1795420150.9|1",
            "1795420350|c2|support|Agent 202|BLINDTRANSFER|300|from-internal|30|200|1",
            "1795420400|c3|support|NONE|ENTERQUEUE||5553000|1",
            "1795420403|c3|support|NONE|ABANDON|1|1|3",
            "1795420410|c4|support|NONE|ENTERQUEUE||5554000|1",
            "1795420435|c4|support|NONE|ABANDON|1|1|25",
            "1795420440|c5|sales|NONE|ENTERQUEUE||5555000|1",
            "1795420455|c5|sales|NONE|ABANDON|1|1|15",
            "1795420500|c6|sales|NONE|ENTERQUEUE||5556000|1",
            "1795420620|c6|sales|NONE|EXITWITHTIMEOUT|1|1|120",
            "1795420700|c7|sales|NONE|ENTERQUEUE||5557000|1",
            "1795420700|NONE|sales|Agent 203|PAUSE|lunch",
            "1795420800|c8|sales|NONE|ENTERQUEUE||5558000|1");

    @Test
    void parsesFieldsAndKeepsBadLinesWithTheirNumbers() {
        QueueLog log = QueueLog.parse(List.of(
                "1795420011.123456|c1|support|Agent 201|CONNECT|10|1795420011.5|2",
                "",
                "garbage",
                "17x5|c1|support|NONE|ENTERQUEUE",
                "1795420011|c1|support|NONE|",
                "1795420012|c1|support|NONE|ENTERQUEUE"));
        assertEquals(2, log.entries().size());
        QueueLog.Entry e = log.entries().get(0);
        assertEquals(1795420011L, e.epochSeconds());
        assertEquals("c1", e.callId());
        assertEquals("Agent 201", e.agent());
        assertEquals("CONNECT", e.event());
        assertEquals(10, e.number(1, -1));
        assertEquals("1795420011.5", e.data(2));
        assertEquals(-1, e.number(2, -1), "not a whole number");
        assertEquals("", e.data(9));
        assertEquals(List.of(), log.entries().get(1).data());
        assertEquals(List.of(3, 4, 5), log.errors().stream().map(QueueLog.Error::lineNumber).toList());
        assertTrue(log.errors().get(0).reason().contains("fields"), log.errors().get(0).reason());
        assertTrue(log.errors().get(1).reason().contains("epoch"), log.errors().get(1).reason());
    }

    @Test
    void reportingFiguresFromQueueLogAlone() {
        QueueLogKpis k = QueueLogKpis.of(QueueLog.parse(LOG).entries(), KpiSettings.defaults());
        KpiFigures t = k.total();
        assertEquals(6, k.calls(), "c1..c6; c7 and c8 are still waiting: not counted");
        assertEquals(5, t.offered());
        assertEquals(2, t.answered());
        assertEquals(2, t.abandoned());
        assertEquals(1, t.shortAbandoned());
        assertEquals(1, t.unanswered());
        assertEquals(20.0, t.asaSeconds(), EPS);
        assertEquals(150.0, t.ahtSeconds(), EPS, "talk only: queue_log has no wrap-up");
        assertEquals(100.0 / 3, t.serviceLevelPercent(), EPS);
        assertEquals(40.0, t.abandonRatePercent(), EPS);
        assertEquals(3, k.queues().get("support").offered());
        assertEquals(2, k.queues().get("sales").offered());
        assertEquals(1L, k.handledByAgent().get("Agent 201"));
        assertEquals(200.0, k.avgTalkByAgent().get("Agent 202"), EPS);
        assertEquals(1L, k.ringNoAnswerByAgent().get("Agent 202"));
    }

    @Test
    void aTimeRangeCountsCallsByTheirFinalLine() {
        List<QueueLog.Entry> entries = QueueLog.parse(LOG).entries();
        QueueLogKpis k = QueueLogKpis.between(entries, KpiSettings.defaults(),
                Instant.ofEpochSecond(1795420111), Instant.ofEpochSecond(1795420403));
        assertEquals(2, k.total().answered(), "c1 ends at the start (inclusive), c2 inside");
        assertEquals(0, k.total().shortAbandoned(), "c3 ends at the end (exclusive)");
    }

    /**
     * The engine and the reporting tool agree when fed the same calls (the engine from call records, the tool
     * from queue_log): same definitions, two independent countings.
     */
    @Test
    void sameCallsAsEventsGiveTheSameFigures() {
        KpiEngine engine = new KpiEngine();
        engine.onEvent(Events.answered(111, "c1", "support", 10, 100, Events.A1));
        engine.onEvent(Events.answered(350, "c2", "support", 30, 200, Events.A2));
        engine.onEvent(Events.abandoned(403, "c3", "support", 3));
        engine.onEvent(Events.abandoned(435, "c4", "support", 25));
        engine.onEvent(Events.abandoned(455, "c5", "sales", 15));
        engine.onEvent(Events.ended(620, "c6", "sales", "5556000", CallResult.UNANSWERED, 120, 0, null));
        KpiSnapshot s = engine.refresh();
        QueueLogKpis k = QueueLogKpis.of(QueueLog.parse(LOG).entries(), KpiSettings.defaults());
        assertEquals(withoutOutcomeData(k.total()), withoutOutcomeData(s.window()));
        assertEquals(withoutOutcomeData(k.queues().get("sales")),
                withoutOutcomeData(s.queue("sales").orElseThrow().window()));
    }

    /** The call figures only: queue_log has no occupancy, dispositions, repeat callers or surveys. */
    static List<Object> withoutOutcomeData(KpiFigures f) {
        return List.of(f.offered(), f.answered(), f.abandoned(), f.shortAbandoned(), f.unanswered(), f.other(),
                f.answeredWithinThreshold(), f.abandonedAfterThreshold(), String.valueOf(f.serviceLevelPercent()),
                String.valueOf(f.asaSeconds()), f.maxWaitAnsweredSeconds(), String.valueOf(f.abandonRatePercent()),
                String.valueOf(f.ahtSeconds()), String.valueOf(f.avgAbandonWaitSeconds()));
    }
}
