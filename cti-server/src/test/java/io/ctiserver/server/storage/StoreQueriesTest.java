package io.ctiserver.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.events.Json;
import io.ctiserver.server.storage.history.CallHistoryStore;
import io.ctiserver.server.storage.history.CallHistoryStore.Query;
import io.ctiserver.server.storage.history.CallHistoryStore.Visibility;
import io.ctiserver.server.storage.reports.BreakSchedule;
import io.ctiserver.server.storage.testing.Rows;
import io.ctiserver.server.storage.testing.TestDatabases;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** History queries, recent calls and the interval reports on a real H2 and a real PostgreSQL. */
class StoreQueriesTest {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void historyPagesNewestFirstWithFiltersAndVisibility(TestDatabases kind) throws Exception {
        try (Storage s = Storage.start(kind.config(dir))) {
            for (int i = 0; i < 25; i++) {
                String agent = i % 2 == 0 ? "PJSIP/a1" : "PJSIP/a2";
                String queue = i % 5 == 0 ? "sales" : "support";
                s.offer(Rows.call("h" + i, "+1 555-100" + (i % 3), queue, agent, i % 4 == 3 ? "abandoned" : "answered",
                        5, 60, T0.plusSeconds(60L * i)));
            }
            s.offer(new Row.Disposition("pbx", "h24", "agent1", "RESOLVED", true, null, null, null,
                    T0.toEpochMilli()));
            StorageTest.await(() -> s.writer().written() == 26, "rows written");
            CallHistoryStore h = s.history();
            Instant from = T0.minus(Duration.ofHours(1));
            Instant to = T0.plus(Duration.ofHours(1));

            List<String> ids = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                CallHistoryStore.Page p = h.calls(new Query(from, to, null, null, null, null, 10, cursor, null));
                for (CallHistoryStore.StoredCall c : p.calls()) {
                    ids.add(Json.mapper().readTree(c.record()).get("callId").asText());
                }
                cursor = p.nextCursor();
                pages++;
            } while (cursor != null);
            assertEquals(3, pages);
            assertEquals(25, ids.size());
            assertEquals(25, new HashSet<>(ids).size());
            assertEquals("h24", ids.get(0), "newest first");
            assertEquals("h0", ids.get(24));

            // number normalised: "+1 555-1000" and "15551000" are the same caller (h0, h3, h6, ...)
            List<CallHistoryStore.StoredCall> byNumber = h.calls(new Query(from, to, "15551000", null, null, null,
                    50, null, null)).calls();
            assertEquals(9, byNumber.size());
            assertEquals(5, h.calls(new Query(from, to, null, null, "sales", null, 50, null, null)).calls().size());
            assertEquals(6, h.calls(new Query(from, to, null, null, null, "abandoned", 50, null, null)).calls().size());
            assertEquals(13, h.calls(new Query(from, to, null, "PJSIP/a1", null, null, 50, null, null)).calls()
                    .size());
            // an agent sees their own calls and those of their queues
            Visibility a2 = new Visibility("PJSIP/a2", List.of("sales"));
            List<CallHistoryStore.StoredCall> seen = h.calls(new Query(from, to, null, null, null, null, 50, null, a2))
                    .calls();
            assertEquals(12 + 3, seen.size(), "12 calls of a2 and the 3 sales calls a1 took (h0, h10, h20)");
            assertTrue(h.call("h0", a2).isPresent());
            assertTrue(h.call("h2", a2).isEmpty(), "a1's support call");
            assertEquals("RESOLVED", h.call("h24", Visibility.ALL).orElseThrow().disposition().code());
            assertThrows(IllegalArgumentException.class,
                    () -> h.calls(new Query(from, to, null, null, null, null, 10, "garbage!", null)));

            List<CallHistoryStore.RecentCall> recent = h.recentCalls("+1 (555) 1000", 5);
            assertEquals(List.of("h24", "h21", "h18", "h15", "h12"), recent.stream()
                    .map(CallHistoryStore.RecentCall::callId).toList());
            assertEquals("RESOLVED", recent.get(0).disposition());
            assertEquals(T0.plusSeconds(60L * 24 - 65), recent.get(0).date());
        }
    }

    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void intervalReportCountsWithTheKpiDefinitions(TestDatabases kind) throws Exception {
        try (Storage s = Storage.start(kind.config(dir))) {
            long t = T0.toEpochMilli();
            List<Row> rows = List.of(
                    Rows.call("r1", "5551001", "support", "PJSIP/a1", "answered", 10, 100, T0.plusSeconds(120)),
                    Rows.call("r2", "5551002", "support", "PJSIP/a1", "answered", 30, 50, T0.plusSeconds(300)),
                    Rows.call("r3", "5551003", "support", null, "abandoned", 40, 0, T0.plusSeconds(400)),
                    Rows.call("r4", "5551004", "support", null, "abandoned", 2, 0, T0.plusSeconds(500)),
                    Rows.call("r5", "5551005", "support", null, "unanswered", 60, 0, T0.plusSeconds(600)),
                    Rows.call("r6", "5551006", "sales", "PJSIP/a2", "answered", 5, 200, T0.plusSeconds(1000)),
                    new Row.Disposition("pbx", "r1", "agent1", "SOLD", true, null, "up_sell",
                            new BigDecimal("10.50"), t + 130_000),
                    new Row.Disposition("pbx", "r2", "agent1", "CALLBACK", false, null, "none", null, t + 310_000),
                    new Row.Survey("r1", "PJSIP/a1", "A1", "5551001", 5, t + 200_000),
                    new Row.Survey("r2", "PJSIP/a1", "A1", "5551002", 2, t + 400_000),
                    new Row.AgentInterval("pbx", "PJSIP/a1", "A1", "available", null, null, t, t + 600_000),
                    new Row.AgentInterval("pbx", "PJSIP/a1", "A1", "on_call", null, null, t + 600_000, t + 780_000),
                    new Row.AgentInterval("pbx", "PJSIP/a1", "A1", "wrap_up", null, "support", t + 780_000,
                            t + 840_000),
                    new Row.AgentInterval("pbx", "PJSIP/a1", "A1", "paused", "lunch", null, t + 840_000,
                            t + 1_200_000));
            rows.forEach(s::offer);
            StorageTest.await(() -> s.writer().written() == rows.size(), "rows written");
            s.aggregator().runAll();

            List<Map<String, Object>> q = s.reports().intervals(T0, T0.plus(Duration.ofHours(1)), null, null,
                    Duration.ofMinutes(15).toMillis());
            Map<String, Object> support = find(q, T0, "support");
            assertEquals(4L, support.get("offered"), "2 answered + 1 abandoned + 1 unanswered; the 2 s abandon is short");
            assertEquals(2L, support.get("answered"));
            assertEquals(1L, support.get("abandoned"));
            assertEquals(1L, support.get("shortAbandoned"));
            assertEquals(1L, support.get("unanswered"));
            assertEquals(100.0 * 1 / 3, (Double) support.get("serviceLevelPercent"), 1e-9,
                    "1 answered within 20 s / (2 answered + 1 abandoned after 20 s)");
            assertEquals(20.0, (Double) support.get("asaSeconds"), 1e-9);
            assertEquals((150 + 60) / 2.0, (Double) support.get("ahtSeconds"), 1e-9, "talk plus the 60 s of wrap-up");
            assertEquals(50.0, (Double) support.get("fcrPercent"), 1e-9);
            assertEquals(50.0, (Double) support.get("csatPercent"), 1e-9);
            assertEquals(1L, support.get("sales"));
            assertEquals(0, new BigDecimal("10.50").compareTo((BigDecimal) support.get("salesAmount")));
            assertEquals(50.0, (Double) support.get("conversionPercent"), 1e-9);
            assertTrue((Integer) support.get("agentsNeeded") >= 1);
            assertNull(support.get("occupancyPercent"), "not per queue");

            Map<String, Object> total = find(q, T0, null);
            assertEquals(4L, total.get("offered"), "the sales call ended at 10:16:40, in the next interval");
            assertEquals(100.0 * (180 + 60) / (180 + 60 + 600), (Double) total.get("occupancyPercent"), 1e-9);

            // an hour is its four quarters added up
            List<Map<String, Object>> hour = s.reports().intervals(T0, T0.plus(Duration.ofHours(1)), "support",
                    null, Duration.ofHours(1).toMillis());
            assertEquals(1, hour.size());
            assertEquals(4L, hour.get(0).get("offered"));

            List<Map<String, Object>> agents = s.reports().agents(T0, T0.plus(Duration.ofHours(1)));
            Map<String, Object> a1 = agents.stream().filter(a -> "PJSIP/a1".equals(a.get("agent"))).findFirst()
                    .orElseThrow();
            assertEquals(2L, a1.get("handled"));
            assertEquals(360L, a1.get("pausedSeconds"));
            assertEquals(Map.of("lunch", 360L), a1.get("pausedSecondsByReason"));
            assertEquals(100.0, (Double) a1.get("conversionPercent") * 2, 1e-9);

            // recomputing gives the same figures (idempotent)
            s.aggregator().touched(rows);
            s.aggregator().runAll();
            assertEquals(q, s.reports().intervals(T0, T0.plus(Duration.ofHours(1)), null, null,
                    Duration.ofMinutes(15).toMillis()));
        }
    }

    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void firstCallResolutionByRepeatCallerCountsLaterCallsAndSurvivesARestart(TestDatabases kind) throws Exception {
        StorageConfig config = kind.config(dir);
        Instant q1 = T0; // the 10:00 interval
        long fifteen = Duration.ofMinutes(15).toMillis();
        try (Storage s = Storage.start(config)) {
            s.aggregator().repeatWindow(Duration.ofHours(2));
            List<Row> first = List.of(
                    Rows.call("c1", "5552001", "support", "PJSIP/a1", "answered", 5, 60, T0.plusSeconds(300)),
                    Rows.call("c3", "5552002", "support", "PJSIP/a1", "answered", 5, 60, T0.plusSeconds(360)),
                    Rows.call("c5", "", "support", "PJSIP/a1", "answered", 5, 60, T0.plusSeconds(420)),
                    Rows.call("c6", "5552003", "support", "PJSIP/a1", "answered", 5, 60, T0.plusSeconds(480)));
            first.forEach(s::offer);
            StorageTest.await(() -> s.writer().written() == first.size(), "rows written");
            s.aggregator().runAll();
            Map<String, Object> before = find(s.reports().intervals(q1, q1.plusMillis(fifteen), "support", null,
                    fifteen), q1, "support");
            assertEquals(0L, before.get("repeatCalls"));
            assertEquals(100.0, (Double) before.get("fcrRepeatPercent"), 1e-9,
                    "3 answered calls with a number (c5 has none), none called back yet");

            List<Row> later = List.of(
                    // c1's caller calls sales 1 h 25 min after c1 ended, in another interval, and abandons: a repeat
                    Rows.call("c2", "5552001", "sales", null, "abandoned", 60, 0, T0.plus(Duration.ofMinutes(91))),
                    // c3's caller calls back 2 h 24 min later: outside the 2-hour window
                    Rows.call("c4", "5552002", "support", "PJSIP/a2", "answered", 5, 60,
                            T0.plus(Duration.ofMinutes(150))),
                    // c6's caller dials an extension, not a queue: no repeat
                    Rows.call("c7", "5552003", null, "PJSIP/a2", "answered", 0, 60, T0.plus(Duration.ofMinutes(30))));
            later.forEach(s::offer);
            StorageTest.await(() -> s.writer().written() == first.size() + later.size(), "rows written");
            s.aggregator().runAll();
            Map<String, Object> after = find(s.reports().intervals(q1, q1.plusMillis(fifteen), "support", null,
                    fifteen), q1, "support");
            assertEquals(1L, after.get("repeatCalls"), "c1, whose caller called back after its interval ended");
            assertEquals(100.0 * 2 / 3, (Double) after.get("fcrRepeatPercent"), 1e-9);
        }
        // a restart: the aggregator starts with no memory; the stored calls are enough
        try (Storage s = Storage.start(config)) {
            s.aggregator().repeatWindow(Duration.ofHours(2));
            Row c8 = Rows.call("c8", "5552003", "support", "PJSIP/a2", "answered", 5, 60,
                    T0.plus(Duration.ofMinutes(70)));
            s.offer(c8);
            StorageTest.await(() -> s.writer().drained(), "row written");
            s.aggregator().runAll();
            List<Map<String, Object>> day = s.reports().intervals(q1, q1.plus(Duration.ofDays(1)), null, null,
                    Duration.ofDays(1).toMillis());
            Map<String, Object> support = find(day, Instant.parse("2026-11-23T00:00:00Z"), "support");
            assertEquals(2L, support.get("repeatCalls"), "c1 and now c6 (called back by c8 after the restart)");
            assertEquals(100.0 * 3 / 5, (Double) support.get("fcrRepeatPercent"), 1e-9,
                    "answered with a number: c1, c3, c6, c4, c8, of which c1 and c6 were called back");
            Map<String, Object> total = find(day, Instant.parse("2026-11-23T00:00:00Z"), null);
            assertEquals(2L, total.get("repeatCalls"));
            Map<String, Object> a1 = agent(s.reports().agents(q1, q1.plus(Duration.ofDays(1))), "PJSIP/a1");
            assertEquals(2L, a1.get("repeatCalls"), "both repeats count against the agent who took the first call");
            assertEquals(100.0 / 3, (Double) a1.get("fcrRepeatPercent"), 1e-9);
        }
    }

    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void agentReportMeasuresAdherenceToThePlannedBreaks(TestDatabases kind) throws Exception {
        // lunch 12:00-12:45 in Paris (UTC+1 in November) = 11:00-11:45 UTC, for the team and for a5 by name
        BreakSchedule schedule = new BreakSchedule("Europe/Paris",
                Map.of("sales", List.of("PJSIP/a1", "PJSIP/a4", "PJSIP/a6")),
                List.of(new BreakSchedule.Break("mon-fri", "12:00", "12:45", "lunch", null, List.of("sales")),
                        new BreakSchedule.Break(null, "12:00", "12:45", null, List.of("PJSIP/a5"), null)));
        try (Storage s = Storage.start(kind.config(dir).withSchedule(schedule))) {
            Instant day = Instant.parse("2026-11-23T00:00:00Z"); // a Monday
            List<Row> rows = List.of(
                    // a1: at work for the first 10 minutes of lunch, paused 11:10-11:50 (5 min late back), coffee
                    state("PJSIP/a1", "available", null, "10:00", "11:10"),
                    state("PJSIP/a1", "paused", "lunch", "11:10", "11:50"),
                    state("PJSIP/a1", "available", null, "11:50", "12:00"),
                    state("PJSIP/a1", "paused", "coffee", "12:00", "12:05"),
                    // a2: no planned break, paused half an hour
                    state("PJSIP/a2", "paused", "lunch", "11:00", "11:30"),
                    // a3 (no break for it either) logged out over lunch: nothing scheduled, nothing paused
                    state("PJSIP/a3", "logged_out", null, "10:00", "13:00"),
                    state("PJSIP/a3", "available", null, "13:00", "14:00"),
                    // a4: paused in the window with another reason, then worked through the rest of it
                    state("PJSIP/a4", "paused", "coffee", "11:00", "11:20"),
                    state("PJSIP/a4", "on_call", null, "11:20", "11:45"),
                    // a5: a pause without a reason, exactly the planned break (any reason fits)
                    state("PJSIP/a5", "paused", null, "11:00", "11:45"),
                    // a6: logged off for lunch, back at 11:30 and paused for lunch till its end
                    state("PJSIP/a6", "logged_out", null, "11:00", "11:30"),
                    state("PJSIP/a6", "paused", "Lunch", "11:30", "11:45"));
            rows.forEach(s::offer);
            StorageTest.await(() -> s.writer().written() == rows.size(), "rows written");
            s.aggregator().runAll();

            List<Map<String, Object>> agents = s.reports().agents(day, day.plus(Duration.ofDays(1)));
            assertAdherence(agents, "PJSIP/a1", 45 * 60, 35 * 60, 10 * 60, 100.0 * 35 / (45 + 10));
            assertEquals(40L * 60 + 5 * 60, agent(agents, "PJSIP/a1").get("pausedSeconds"),
                    "actual pause time = in + out of adherence");
            assertAdherence(agents, "PJSIP/a2", 0, 0, 30 * 60, 0.0);
            assertAdherence(agents, "PJSIP/a3", 0, 0, 0, null);
            assertAdherence(agents, "PJSIP/a4", 45 * 60, 0, 20 * 60, 0.0);
            assertAdherence(agents, "PJSIP/a5", 45 * 60, 45 * 60, 0, 100.0);
            assertAdherence(agents, "PJSIP/a6", 15 * 60, 15 * 60, 0, 100.0);

            // the weekend has no planned break for the team: the same pause on Saturday is out of adherence
            Instant saturday = Instant.parse("2026-11-28T00:00:00Z");
            s.offer(new Row.AgentInterval("pbx", "PJSIP/a1", "A1", "paused", "lunch", null,
                    saturday.plus(Duration.ofHours(11)).toEpochMilli(),
                    saturday.plus(Duration.ofHours(12)).toEpochMilli()));
            StorageTest.await(() -> s.writer().written() == rows.size() + 1, "rows written");
            s.aggregator().runAll();
            assertAdherence(s.reports().agents(saturday, saturday.plus(Duration.ofDays(1))), "PJSIP/a1", 0, 0, 3600,
                    0.0);
        }
    }

    private static Row state(String agent, String state, String reason, String from, String to) {
        Instant day = Instant.parse("2026-11-23T00:00:00Z");
        return new Row.AgentInterval("pbx", agent, agent, state, reason, null,
                day.plus(Duration.between(java.time.LocalTime.MIN, java.time.LocalTime.parse(from))).toEpochMilli(),
                day.plus(Duration.between(java.time.LocalTime.MIN, java.time.LocalTime.parse(to))).toEpochMilli());
    }

    private static Map<String, Object> agent(List<Map<String, Object>> agents, String agent) {
        return agents.stream().filter(a -> agent.equals(a.get("agent"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + agent + " in " + agents));
    }

    private static void assertAdherence(List<Map<String, Object>> agents, String agent, long scheduled, long in,
                                        long out, Double percent) {
        Map<String, Object> a = agent(agents, agent);
        assertEquals(scheduled, a.get("scheduledPauseSeconds"), agent + " scheduled");
        assertEquals(in, a.get("pausedInScheduleSeconds"), agent + " in adherence");
        assertEquals(out, a.get("pausedOutOfScheduleSeconds"), agent + " out of adherence");
        if (percent == null) {
            assertNull(a.get("pauseAdherencePercent"), agent);
        } else {
            assertEquals(percent, (Double) a.get("pauseAdherencePercent"), 1e-9, agent);
        }
    }

    private static Map<String, Object> find(List<Map<String, Object>> rows, Instant start, String queue) {
        return rows.stream().filter(r -> r.get("intervalStart").equals(start)
                && java.util.Objects.equals(r.get("queue"), queue)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + start + " " + queue + " in " + rows));
    }
}
