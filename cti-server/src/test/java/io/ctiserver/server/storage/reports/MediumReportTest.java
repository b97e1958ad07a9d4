package io.ctiserver.server.storage.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.contact.ContactKpis;
import io.ctiserver.contact.Medium;
import io.ctiserver.server.storage.Row;
import io.ctiserver.server.storage.Storage;
import io.ctiserver.server.storage.StorageConfig;
import io.ctiserver.server.storage.schema.Database;
import io.ctiserver.server.storage.schema.RowWriter;
import io.ctiserver.server.storage.testing.Rows;
import io.ctiserver.server.storage.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stored interval and agent reports per medium (migration V4): chats and emails counted beside calls, each medium
 * in rows of its own with the per-medium definitions of docs/kpis.md, on a real H2 and a real PostgreSQL.
 */
class MediumReportTest {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final long FIFTEEN = Duration.ofMinutes(15).toMillis();
    /** Chat T 60 s (120 s in queue vip), email T 4 h, as omni.kpi would give them. */
    static final ContactKpis.Settings THRESHOLDS = new ContactKpis.Settings(20, 60, 4.0, Map.of("vip", 120), Map.of());

    @TempDir
    Path dir;

    /** The 10:00 interval's rows: two calls, six chats (one in vip), three emails, one bot-only chat. */
    static List<Row> rows() {
        return List.of(
                Rows.call("v1", "5551001", "support", "PJSIP/a1", "answered", 10, 100, T0.plusSeconds(120)),
                Rows.call("v2", "5551002", "support", null, "abandoned", 40, 0, T0.plusSeconds(300)),
                Rows.contact("ch1", Medium.CHAT, "support", "agent1", "answered", 30, 300, T0.plusSeconds(600)),
                Rows.contact("ch2", Medium.CHAT, "support", "agent1", "answered", 90, 200, T0.plusSeconds(700)),
                Rows.contact("ch3", Medium.CHAT, "support", null, "abandoned", 120, 0, T0.plusSeconds(800)),
                // 10 s: a chat has no short abandon (no misdial to leave out)
                Rows.contact("ch4", Medium.CHAT, "support", null, "abandoned", 10, 0, T0.plusSeconds(810)),
                // an agent closed it without a reply: unanswered, not the agent's
                Rows.contact("ch5", Medium.CHAT, "support", "agent2", "unanswered", 50, 40, T0.plusSeconds(820)),
                Rows.contact("ch6", Medium.CHAT, "vip", "agent1", "answered", 90, 100, T0.plusSeconds(830)),
                Rows.contact("em1", Medium.EMAIL, "support", "agent9", "answered", 3 * 3600, 600, T0.plusSeconds(840)),
                Rows.contact("em2", Medium.EMAIL, "support", "agent9", "answered", 5 * 3600, 300, T0.plusSeconds(850)),
                Rows.contact("em3", Medium.EMAIL, "support", null, "unanswered", 3600, 0, T0.plusSeconds(860)),
                // a chat the bot kept to itself has no queue: not a queue contact
                Rows.contact("bot1", Medium.CHAT, null, "Assistant", "answered", 0, 0, T0.plusSeconds(870)));
    }

    static void wire(IntervalAggregator agg) {
        agg.contactThresholds(THRESHOLDS);
        agg.contactAgents(u -> u.equals("agent1") ? List.of("pbx", "PJSIP/a1") : null);
    }

    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void chatsAndEmailsCountPerMediumBesideCallsAndAcrossARestart(TestDatabases kind) throws Exception {
        StorageConfig config = kind.config(dir);
        List<Row> rows = rows();
        try (Storage s = Storage.start(config)) {
            wire(s.aggregator());
            rows.forEach(s::offer);
            await(() -> s.writer().written() == rows.size(), "rows written");
            s.aggregator().runAll();

            List<Map<String, Object>> q = s.reports().intervals(T0, T0.plusMillis(FIFTEEN), null, null, FIFTEEN);
            assertEquals(List.of("voice/null", "voice/support", "chat/null", "chat/support", "chat/vip", "email/null",
                    "email/support"), q.stream().map(r -> r.get("medium") + "/" + r.get("queue")).toList(),
                    "each medium in rows of its own, its total first");

            Map<String, Object> voice = find(q, "voice", "support");
            assertEquals(2L, voice.get("offered"), "the calls alone, as before media");
            assertEquals(1L, voice.get("answered"));
            assertEquals(1L, voice.get("abandoned"));
            assertEquals(50.0, (Double) voice.get("serviceLevelPercent"), 1e-9, "1 within 20 s / (1 + 1 after T)");
            assertTrue((Integer) voice.get("agentsNeeded") >= 1);

            Map<String, Object> chat = find(q, "chat", "support");
            assertEquals(5L, chat.get("offered"), "answered + abandoned + unanswered");
            assertEquals(2L, chat.get("answered"));
            assertEquals(2L, chat.get("abandoned"));
            assertEquals(0L, chat.get("shortAbandoned"));
            assertEquals(1L, chat.get("unanswered"));
            assertEquals(100.0 / 3, (Double) chat.get("serviceLevelPercent"), 1e-9,
                    "ch1 within 60 s / (2 answered + ch3 abandoned after 60 s)");
            assertEquals(60.0, (Double) chat.get("asaSeconds"), 1e-9, "to the first reply: (30 + 90) / 2");
            assertEquals(250.0, (Double) chat.get("ahtSeconds"), 1e-9, "handle, accept to close: (300 + 200) / 2");
            assertEquals(40.0, (Double) chat.get("abandonRatePercent"), 1e-9);
            assertNull(chat.get("agentsNeeded"), "Erlang C is for calls, one at a time");
            assertNull(chat.get("occupancyPercent"));

            assertEquals(100.0, (Double) find(q, "chat", "vip").get("serviceLevelPercent"), 1e-9,
                    "90 s is within vip's 120 s");
            Map<String, Object> chatTotal = find(q, "chat", null);
            assertEquals(6L, chatTotal.get("offered"), "the bot-only chat is not a queue contact");
            assertEquals(50.0, (Double) chatTotal.get("serviceLevelPercent"), 1e-9, "(ch1 + ch6) / (3 + 1)");
            assertNull(chatTotal.get("occupancyPercent"), "agent states are voice");

            Map<String, Object> email = find(q, "email", "support");
            assertEquals(3L, email.get("offered"));
            assertEquals(50.0, (Double) email.get("serviceLevelPercent"), 1e-9, "3 h within 4 h, 5 h not");
            assertEquals(4.0 * 3600, (Double) email.get("asaSeconds"), 1e-9);

            // one medium asked for: its rows only, the same figures
            List<Map<String, Object>> onlyChat = s.reports().intervals(T0, T0.plusMillis(FIFTEEN), null, null,
                    "chat", FIFTEEN);
            assertEquals(q.subList(2, 5), onlyChat);
            assertEquals(q.subList(0, 2), s.reports().intervals(T0, T0.plusMillis(FIFTEEN), null, null, "voice",
                    FIFTEEN));

            // the agent report: one row per agent and medium; agent1's chats under the interface of its calls
            List<Map<String, Object>> agents = s.reports().agents(T0, T0.plus(Duration.ofHours(1)));
            Map<String, Object> a1voice = agent(agents, "PJSIP/a1", "voice");
            assertEquals(1L, a1voice.get("handled"));
            Map<String, Object> a1chat = agent(agents, "PJSIP/a1", "chat");
            assertEquals("pbx", a1chat.get("pbx"));
            assertEquals(3L, a1chat.get("handled"), "ch1, ch2, ch6");
            assertEquals(70.0, (Double) a1chat.get("asaSeconds"), 1e-9);
            assertEquals(200.0, (Double) a1chat.get("ahtSeconds"), 1e-9, "(300 + 200 + 100) / 3");
            assertEquals(Map.of(), a1chat.get("pausedSecondsByReason"));
            Map<String, Object> a9 = agent(agents, "agent9", "email");
            assertEquals("", a9.get("pbx"), "a user without an interface keeps its username");
            assertEquals(2L, a9.get("handled"));
            assertTrue(agents.stream().noneMatch(a -> "agent2".equals(a.get("agent"))), "unanswered is no agent's");
            assertEquals(List.of(a1chat), s.reports().agents(T0, T0.plus(Duration.ofHours(1)), "chat").stream()
                    .filter(a -> a.get("agent").equals("PJSIP/a1")).toList());
            List<Map<String, Object>> a1rows = s.reports().intervals(T0, T0.plus(Duration.ofHours(1)), null,
                    "PJSIP/a1", FIFTEEN);
            assertEquals(List.of("voice", "chat"), a1rows.stream().map(r -> r.get("medium")).toList());
            assertEquals(3L, a1rows.get(1).get("handled"));

            // recomputed: the same (idempotent)
            s.aggregator().touched(rows);
            s.aggregator().runAll();
            assertEquals(q, s.reports().intervals(T0, T0.plusMillis(FIFTEEN), null, null, FIFTEEN));
        }
        // a restart: a new aggregator, one more chat in the same interval; the interval is recomputed from every row
        try (Storage s = Storage.start(config)) {
            wire(s.aggregator());
            Row late = Rows.contact("ch7", Medium.CHAT, "support", "agent1", "answered", 20, 60, T0.plusSeconds(880));
            s.offer(late);
            // in the database, where the aggregator reads it (stored() also answers from rows on their way)
            await(() -> s.writer().drained(), "row written");
            s.aggregator().runAll();
            List<Map<String, Object>> q = s.reports().intervals(T0, T0.plusMillis(FIFTEEN), null, null, FIFTEEN);
            Map<String, Object> chat = find(q, "chat", "support");
            assertEquals(6L, chat.get("offered"));
            assertEquals(3L, chat.get("answered"));
            assertEquals(50.0, (Double) chat.get("serviceLevelPercent"), 1e-9, "ch1, ch7 / (3 + 1)");
            assertEquals(2L, find(q, "voice", "support").get("offered"), "the calls still there");
            assertEquals(3L, find(q, "email", "support").get("offered"));
            assertEquals(4L, agent(s.reports().agents(T0, T0.plus(Duration.ofHours(1))), "PJSIP/a1", "chat")
                    .get("handled"));
        }
    }

    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void intervalsStoredBeforeTheMigrationBecomeVoice(TestDatabases kind) throws Exception {
        StorageConfig config = kind.config(dir).withDefaults();
        try (Database db = new Database(config)) {
            Flyway.configure().dataSource(db.dataSource()).locations("classpath:db/migration").target("3").load()
                    .migrate();
            try (Connection c = db.connection(); Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO interval_queue (interval_ms, queue, offered, answered, abandoned, "
                        + "short_abandoned, unanswered, other, answered_within_t, abandoned_after_t, wait_answered_s, "
                        + "max_wait_answered_s, wait_abandoned_s, talk_s, wrap_up_s, transfers, dispositions, "
                        + "resolved, surveys, satisfied, score_sum, sales, sales_amount) VALUES (" + T0.toEpochMilli()
                        + ", 'support', 4, 3, 1, 0, 0, 0, 2, 1, 30, 20, 40, 300, 0, 0, 0, 0, 0, 0, 0, 0, 0)");
                st.executeUpdate("INSERT INTO interval_agent (interval_ms, pbx, agent, agent_name, handled, "
                        + "wait_answered_s, talk_s, transfers, available_ms, ringing_ms, on_call_ms, wrap_up_ms, "
                        + "paused_ms, dispositions, resolved, surveys, satisfied, score_sum, sales, sales_amount) "
                        + "VALUES (" + T0.toEpochMilli() + ", 'pbx', 'PJSIP/a1', 'A1', 3, 30, 300, 0, 600000, 0, "
                        + "300000, 0, 0, 0, 0, 0, 0, 0, 0, 0)");
            }
            db.ensureSchema(); // V4
            try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT medium FROM interval_queue UNION ALL SELECT medium FROM interval_agent");
                 ResultSet rs = ps.executeQuery()) {
                List<String> media = new ArrayList<>();
                while (rs.next()) {
                    media.add(rs.getString(1));
                }
                assertEquals(List.of("voice", "voice"), media);
            }
            ReportStore reports = new ReportStore(db, config);
            List<Map<String, Object>> q = reports.intervals(T0, T0.plusMillis(FIFTEEN), null, null, FIFTEEN);
            Map<String, Object> support = find(q, "voice", "support");
            assertEquals(4L, support.get("offered"));
            assertEquals(50.0, (Double) support.get("serviceLevelPercent"), 1e-9);
            assertEquals(100.0 / 3, (Double) find(q, "voice", null).get("occupancyPercent"), 1e-9);
            assertEquals("voice", agent(reports.agents(T0, T0.plusMillis(FIFTEEN)), "PJSIP/a1", "voice")
                    .get("medium"));
            // a chat in the same interval now has a row of its own beside the old voice row
            IntervalAggregator agg = new IntervalAggregator(db, 20, 5);
            wire(agg);
            List<Row> chat = List.of(Rows.contact("ch1", Medium.CHAT, "support", "agent1", "answered", 30, 300,
                    T0.plusSeconds(600)));
            try (Connection c = db.connection()) {
                new RowWriter(db.dialect()).write(c, chat);
            }
            agg.touched(chat);
            agg.runAll();
            assertEquals(1L, find(reports.intervals(T0, T0.plusMillis(FIFTEEN), null, null, FIFTEEN), "chat",
                    "support").get("answered"));
        }
    }

    /**
     * Past the aggregator's bound of callers waiting for the repeat-call look-up, it recomputes every interval of the
     * window before the new calls: those intervals keep their chats and emails.
     */
    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void theBoundedSweepKeepsTheContactsOfTheIntervalsItRecomputes(TestDatabases kind) throws Exception {
        var config = kind.config(dir).withDefaults();
        try (Database db = new Database(config)) {
            db.ensureSchema();
            IntervalAggregator agg = new IntervalAggregator(db, 20, 5, 1); // one pending caller at most
            wire(agg);
            agg.repeatWindow(Duration.ofHours(4));
            List<Row> first = new ArrayList<>(rows());
            first.add(Rows.call("b1", "5553002", "support", "PJSIP/a1", "answered", 5, 60, T0.plusSeconds(960)));
            first.add(Rows.contact("ch8", Medium.CHAT, "support", "agent1", "answered", 5, 60, T0.plusSeconds(970)));
            write(db, agg, first);
            agg.runAll();
            ReportStore reports = new ReportStore(db, config);
            List<Map<String, Object>> before = reports.intervals(T0, T0.plus(Duration.ofMinutes(30)), null, null,
                    FIFTEEN);
            // the same callers call back two hours later: one is looked up, the other overflows into the sweep
            List<Row> later = List.of(
                    Rows.call("a2", "5551001", "sales", null, "abandoned", 30, 0, T0.plus(Duration.ofHours(2))),
                    Rows.call("b2", "5553002", "sales", null, "abandoned", 30, 0, T0.plus(Duration.ofHours(2))));
            write(db, agg, later);
            int recomputed = agg.runAll();
            assertTrue(recomputed >= 16, "the whole 4-hour window before b2, 07:45 to 12:00: " + recomputed);
            List<Map<String, Object>> after = reports.intervals(T0, T0.plus(Duration.ofMinutes(30)), null, null,
                    FIFTEEN);
            assertEquals(strip(before), strip(after), "the contacts' rows survive the sweep unchanged");
            assertEquals(1L, find(after, "voice", "support").get("repeatCalls"), "v1 was called back");
            Map<String, Object> q2chat = after.stream().filter(r -> r.get("intervalStart").equals(
                    T0.plusMillis(FIFTEEN)) && "chat".equals(r.get("medium")) && "support".equals(r.get("queue")))
                    .findFirst().orElseThrow();
            assertEquals(1L, q2chat.get("answered"));
        }
    }

    /** The rows without the repeat-call figures (which the call backs change on purpose). */
    private static List<Map<String, Object>> strip(List<Map<String, Object>> rows) {
        return rows.stream().map(r -> {
            Map<String, Object> m = new java.util.LinkedHashMap<>(r);
            m.remove("repeatCalls");
            m.remove("fcrRepeatPercent");
            return m;
        }).toList();
    }

    private static void write(Database db, IntervalAggregator agg, List<Row> rows) throws Exception {
        try (Connection c = db.connection()) {
            new RowWriter(db.dialect()).write(c, rows);
        }
        agg.touched(rows);
    }

    static Map<String, Object> find(List<Map<String, Object>> rows, String medium, String queue) {
        return rows.stream().filter(r -> r.get("intervalStart").equals(T0) && medium.equals(r.get("medium"))
                && Objects.equals(queue, r.get("queue"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + medium + " row of " + queue + " in " + rows));
    }

    static Map<String, Object> agent(List<Map<String, Object>> rows, String agent, String medium) {
        return rows.stream().filter(r -> agent.equals(r.get("agent")) && medium.equals(r.get("medium"))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + medium + " row of " + agent + " in " + rows));
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
