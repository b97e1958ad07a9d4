package io.ctiserver.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.events.Json;
import io.ctiserver.server.storage.journal.Journal;
import io.ctiserver.server.storage.testing.Rows;
import io.ctiserver.server.storage.testing.TestDatabases;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The writer, the journal and the schema on a real H2 and a real PostgreSQL. */
class StorageTest {

    @TempDir
    Path dir;

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    static List<Row> sampleRows() {
        List<Row> rows = new ArrayList<>();
        rows.add(Rows.call("c1", "+1 (555) 100-1", "support", "PJSIP/a1", "answered", 4, 60, T0));
        rows.add(Rows.call("c2", "5551002", "sales", null, "abandoned", 30, 0, T0.plusSeconds(60)));
        rows.add(new Row.AgentInterval("pbx", "PJSIP/a1", "A1", "on_call", null, null, T0.toEpochMilli() - 60_000,
                T0.toEpochMilli()));
        rows.add(new Row.Disposition("pbx", "c1", "agent1", "SOLD", true, "ok", "sale", new BigDecimal("49.90"),
                T0.toEpochMilli() + 10_000));
        rows.add(new Row.Survey("c1", "PJSIP/a1", "A1", "5551001", 5, T0.toEpochMilli() + 20_000));
        rows.add(new Row.Audit("a-1", T0.toEpochMilli(), "agent1", "agent", "hangup", "c1", "ok", null));
        rows.add(new Row.RouteDecision("r-1", T0.toEpochMilli(), "c1", "c1", "c1", "5551001", "support", null, false,
                "default queue", false, 120));
        return rows;
    }

    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void everyKindOfRowReachesItsTable(TestDatabases kind) throws Exception {
        StorageConfig config = kind.config(dir);
        try (Storage s = Storage.start(config)) {
            for (Row r : sampleRows()) {
                assertTrue(s.offer(r));
            }
            await(() -> s.writer().written() == 7, "7 rows written");
            assertEquals("ok", s.health().status());
            assertEquals(0, s.health().journalDepth());
            try (Connection c = s.database().connection()) {
                assertEquals(2, count(c, "call_records"));
                assertEquals(1, count(c, "agent_states"));
                assertEquals(1, count(c, "dispositions"));
                assertEquals(1, count(c, "surveys"));
                assertEquals(1, count(c, "audit_log"));
                assertEquals(1, count(c, "route_decisions"));
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT caller_norm, medium, record_json FROM call_records WHERE call_id = 'c1'")) {
                    assertTrue(rs.next());
                    assertEquals("15551001", rs.getString(1));
                    assertEquals("voice", rs.getString(2));
                    assertEquals("+1 (555) 100-1", Json.mapper().readTree(rs.getString(3)).get("callerNumber").asText());
                }
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT outcome, amount FROM dispositions")) {
                    assertTrue(rs.next());
                    assertEquals("sale", rs.getString(1));
                    assertEquals(0, new BigDecimal("49.90").compareTo(rs.getBigDecimal(2)));
                }
            }
        }
    }

    /**
     * A journal left by a crash: the sample rows, one of them twice, and a last line cut in the middle. Read twice
     * (two starts on copies of the same journal): every whole entry lands once, the torn one is skipped.
     */
    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void journalReplayIsIdempotentAndReadsUpToATornLine(TestDatabases kind) throws Exception {
        StorageConfig config = kind.config(dir);
        StringBuilder journal = new StringBuilder();
        for (Row r : sampleRows()) {
            journal.append(Json.mapper().writeValueAsString(r)).append('\n');
        }
        journal.append(Json.mapper().writeValueAsString(sampleRows().get(0))).append('\n');
        String torn = Json.mapper().writeValueAsString(Rows.call("c3", "5551003", "support", null, "abandoned", 9,
                0, T0));
        journal.append(torn, 0, torn.length() / 2);
        Path journalDir = Path.of(config.journalDir());
        Files.createDirectories(journalDir);
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy);
        Files.writeString(journalDir.resolve("journal-0000000000000001.jnl"), journal, StandardCharsets.UTF_8);
        Files.writeString(copy.resolve("journal-0000000000000001.jnl"), journal, StandardCharsets.UTF_8);

        for (Path jd : List.of(journalDir, copy)) {
            StorageConfig c = new StorageConfig(true, config.url(), config.user(), config.password(), null, null,
                    null, jd.toString(), null, null, null, null, null, null, null, null);
            try (Storage s = Storage.start(c)) {
                await(() -> s.writer().written() == 8 && s.health().journalDepth() == 0, "journal replayed");
                try (Connection conn = s.database().connection()) {
                    assertEquals(2, count(conn, "call_records"));
                    assertEquals(1, count(conn, "agent_states"));
                    assertEquals(1, count(conn, "dispositions"));
                    assertEquals(1, count(conn, "surveys"));
                    assertEquals(1, count(conn, "audit_log"));
                    assertEquals(1, count(conn, "route_decisions"));
                }
            }
            try (var files = Files.list(jd)) {
                assertEquals(0, files.filter(f -> f.toString().contains("0000000000000001")).count(),
                        "the replayed segment is deleted once written");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void journalReaderStopsAtTheLastWholeLine() throws IOException {
        Path jd = dir.resolve("j");
        Files.createDirectories(jd);
        Files.writeString(jd.resolve("journal-0000000000000001.jnl"), "one\ntwo\nthr", StandardCharsets.UTF_8);
        try (Journal j = new Journal(jd, 1 << 20)) {
            assertEquals(2, j.depth());
            assertEquals(List.of("one", "two"), j.read(10));
            assertEquals(List.of(), j.read(10));
            assertEquals(1, j.tornLinesSkipped());
            j.append(List.of("four\n".getBytes(StandardCharsets.UTF_8)));
            assertEquals(List.of("four"), j.read(10));
            j.commit();
            assertEquals(0, j.depth());
        }
    }

    static long count(Connection c, String table) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
