package io.ctiserver.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ctiserver.server.storage.testing.Rows;
import io.ctiserver.server.storage.testing.TestDatabases;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The purge keeps each table's rows for its own retention, on H2 and PostgreSQL. */
class RetentionTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void rowsOlderThanTheirTablesRetentionGo(TestDatabases kind) throws Exception {
        StorageConfig base = kind.config(dir);
        StorageConfig c = new StorageConfig(true, base.url(), base.user(), base.password(), null, null, null,
                base.journalDir(), null, null, null, null, null, null,
                new StorageConfig.Retention(10, null, 100, 5, null, null, null, null), null);
        Instant now = Instant.parse("2026-11-23T12:00:00Z");
        // the storage's own clock is "now" too, so that its daily purge at start-up agrees with this test's
        try (Storage s = Storage.start(c, java.time.Clock.fixed(now, java.time.ZoneOffset.UTC))) {
            List<Row> rows = List.of(
                    Rows.call("old", "5551", "support", null, "abandoned", 9, 0, now.minus(Duration.ofDays(11))),
                    Rows.call("new", "5552", "support", null, "abandoned", 9, 0, now.minus(Duration.ofDays(9))),
                    new Row.Audit("a-old", now.minus(Duration.ofDays(6)).toEpochMilli(), "u", "agent", "x", null,
                            "ok", null),
                    new Row.Audit("a-new", now.minus(Duration.ofDays(4)).toEpochMilli(), "u", "agent", "x", null,
                            "ok", null));
            rows.forEach(s::offer);
            StorageTest.await(() -> s.writer().written() == rows.size(), "rows written");
            s.aggregator().runAll(); // two intervals of 11 and 9 days ago: within the 100 days of intervals

            // (the purge the storage runs by itself when idle may have been first: what is left is what counts)
            Map<String, Long> purged = s.retention().purge(now.toEpochMilli());
            assertEquals(0L, purged.get("interval_queue"));
            try (Connection conn = s.database().connection()) {
                assertEquals(1, StorageTest.count(conn, "call_records"));
                assertEquals(1, StorageTest.count(conn, "audit_log"));
                assertEquals(2, StorageTest.count(conn, "interval_queue"));
            }
            assertEquals(2L, s.retention().purge(now.plus(Duration.ofDays(200)).toEpochMilli())
                    .get("interval_queue"), "past the intervals' own retention");
        }
    }
}
