package io.ctiserver.server.storage.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ctiserver.server.storage.Row;
import io.ctiserver.server.storage.schema.Database;
import io.ctiserver.server.storage.schema.RowWriter;
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

/**
 * Past its bound of callers waiting for the look-up of their earlier calls, the aggregator recomputes every interval
 * of the window before the new calls instead: the same repeat-caller figures, on a real H2 and PostgreSQL.
 */
class RepeatCallerSweepTest {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void beyondTheBoundTheWholeWindowIsRecomputed(TestDatabases kind) throws Exception {
        var config = kind.config(dir).withDefaults();
        try (Database db = new Database(config)) {
            db.ensureSchema();
            IntervalAggregator agg = new IntervalAggregator(db, 20, 5, 1); // one pending caller at most
            agg.repeatWindow(Duration.ofHours(4));
            List<Row> first = List.of(
                    Rows.call("a1", "5553001", "support", "PJSIP/a1", "answered", 5, 60, T0.plusSeconds(60)),
                    Rows.call("b1", "5553002", "support", "PJSIP/a1", "answered", 5, 60, T0.plusSeconds(960)),
                    Rows.call("c1", "5553003", "support", "PJSIP/a1", "answered", 5, 60, T0.plusSeconds(1860)));
            write(db, agg, first);
            // calls in the 10:00, 10:15 and 10:30 intervals; two of the three callers are over the bound: every
            // interval from 4 h before their first start (10:14:55 - 4 h: the 06:00 interval) to the 10:30 one
            assertEquals(19, agg.runAll());
            // three callers call back two hours later: one is looked up, the other two overflow into the sweep
            List<Row> later = List.of(
                    Rows.call("a2", "5553001", "sales", null, "abandoned", 30, 0, T0.plus(Duration.ofHours(2))),
                    Rows.call("b2", "5553002", "sales", null, "abandoned", 30, 0, T0.plus(Duration.ofHours(2))),
                    Rows.call("c2", "5553003", "sales", null, "abandoned", 30, 0, T0.plus(Duration.ofHours(2))));
            write(db, agg, later);
            agg.runAll();
            ReportStore reports = new ReportStore(db, config);
            List<Map<String, Object>> rows = reports.intervals(T0, T0.plus(Duration.ofMinutes(45)), "support", null,
                    Duration.ofMinutes(15).toMillis());
            assertEquals(3, rows.size());
            for (Map<String, Object> r : rows) { // each first call in its own interval, the two swept ones too
                assertEquals(1L, r.get("repeatCalls"), r.toString());
                assertEquals(0.0, (Double) r.get("fcrRepeatPercent"), 1e-9);
            }
        }
    }

    private static void write(Database db, IntervalAggregator agg, List<Row> rows) throws Exception {
        try (Connection c = db.connection()) {
            new RowWriter(db.dialect()).write(c, rows);
        }
        agg.touched(rows);
    }
}
