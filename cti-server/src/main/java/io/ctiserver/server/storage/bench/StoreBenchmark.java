package io.ctiserver.server.storage.bench;

import io.ctiserver.events.Json;
import io.ctiserver.routing.PhoneNumbers;
import io.ctiserver.server.bench.BenchCommand;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.storage.Row;
import io.ctiserver.server.storage.Storage;
import io.ctiserver.server.storage.StorageConfig;
import io.ctiserver.server.storage.history.CallHistoryStore;
import io.ctiserver.server.storage.reports.IntervalAggregator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * {@code bench store [--db h2|pg|both] [--pg-url URL --pg-user U --pg-password P] [--seconds N]
 * [--calls-per-second N] [--states-per-second N] [--history-rows N] [--history-checkpoints N,N] [--queues N]
 * [--h2-cache-mib N]}. {@code --h2-cache-mib} sets embedded H2's page cache (default {@code storage.h2CacheMiB}'s), to
 * weigh a smaller cache's heap against its query times.
 *
 * <ol>
 *   <li>Ingest: one thread plays the tracker, producing call records (serialised as the storage listener does) and
 *       agent-state rows at the given rates for {@code --seconds}, in 1 ms ticks. Baseline: the same thread with
 *       storage off (the rows built and dropped). Reported: how late the tracker's ticks run (p50/p99/max) with and
 *       without storage, the rows the database took per second, the journal depth left, how long the backlog takes
 *       to drain, and rows refused (lost; should be 0).</li>
 *   <li>History: {@code --history-rows} calls bulk-loaded (fast-forwarded: straight into the table, about five calls
 *       per caller number), then 2,000 history queries for one caller number over 30 days (p50/p99); baseline: the
 *       same number of lookups of one call by id. With {@code --history-checkpoints}, measured also at those table
 *       sizes on the way.</li>
 *   <li>Report: a day of {@code --queues} queues (a few calls per queue and 15 minutes, through the aggregator), then
 *       the day's 15-minute interval report of every queue (p50/p99 of 20); baseline: the same report for one
 *       queue.</li>
 * </ol>
 */
public final class StoreBenchmark implements BenchCommand.Benchmark {

    @Override
    public String summary() {
        return "storage: ingest at 2,000 calls/s + 10,000 agent states/s (tracker lag against storage off), history "
                + "query p99, interval report of a day of 100 queues; H2 and PostgreSQL";
    }

    @Override
    public int run(List<String> args) throws Exception {
        CliArgs cli = CliArgs.parse(args, Set.of("db", "pg-url", "pg-user", "pg-password", "seconds",
                "calls-per-second", "states-per-second", "history-rows", "history-checkpoints", "queues", "h2-cache-mib"), Set.of());
        String which = cli.get("db", "both");
        int seconds = cli.getInt("seconds", 20);
        int cps = cli.getInt("calls-per-second", 2_000);
        int sps = cli.getInt("states-per-second", 10_000);
        int historyRows = cli.getInt("history-rows", 1_000_000);
        List<Integer> checkpoints = checkpoints(cli.get("history-checkpoints", ""), historyRows);
        int queues = cli.getInt("queues", 100);
        int h2CacheMiB = cli.getInt("h2-cache-mib", StorageConfig.DEFAULT_H2_CACHE_MIB);
        String pgUrl = cli.get("pg-url", null);
        if (!which.equals("h2") && pgUrl == null) {
            System.out.println("PostgreSQL: give --pg-url jdbc:postgresql://HOST:PORT/DB (an empty database), or "
                    + "--db h2; see docs/storage.md for a throwaway cluster");
            if (which.equals("pg")) {
                return 2;
            }
            which = "h2";
        }
        System.out.printf("ingest %,d calls/s + %,d agent states/s for %d s; history over %,d calls; report of a "
                + "day of %d queues%n", cps, sps, seconds, historyRows, queues);
        double[] baseline = tracker(row -> true, cps, sps, seconds).lag;
        System.out.printf("%nbaseline, storage off: tracker tick lag p50 %.3f ms, p99 %.3f ms, max %.1f ms%n",
                baseline[0], baseline[1], baseline[2]);
        for (String db : which.equals("both") ? List.of("h2", "pg") : List.of(which)) {
            Path dir = Files.createTempDirectory("cti-bench-store-");
            try {
                StorageConfig c = db.equals("h2")
                        ? StorageConfig.of("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath() + ";CACHE_SIZE="
                        + h2CacheMiB * 1024, "sa", "", dir.resolve("journal"))
                        : StorageConfig.of(pgUrl, cli.get("pg-user", "postgres"), cli.get("pg-password", null),
                        dir.resolve("journal"));
                System.out.printf("%n== %s ==%n", db.equals("h2") ? "H2 (embedded file, page cache " + h2CacheMiB
                        + " MiB)" : "PostgreSQL");
                try (Storage s = Storage.start(c)) {
                    s.aggregator().minGapMillis(Long.MAX_VALUE); // the report stage aggregates on its own
                    ingest(s, baseline, cps, sps, seconds);
                    history(s, checkpoints);
                    report(s, queues);
                }
            } finally {
                try (Stream<Path> w = Files.walk(dir)) {
                    w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
        return 0;
    }

    // ---- ingest --------------------------------------------------------------------------------------------------

    private record TrackerRun(double[] lag, long rows) {
    }

    /** The tracker's thread: every 1 ms tick, the rows of that millisecond, built and handed to {@code sink}. */
    private static TrackerRun tracker(Predicate<Row> sink, int cps, int sps, int seconds) throws Exception {
        long ticks = seconds * 1000L;
        double[] lags = new double[(int) ticks];
        long[] rows = {0};
        Thread t = new Thread(() -> {
            Random rnd = new Random(42);
            long start = System.nanoTime();
            double callDebt = 0;
            double stateDebt = 0;
            long simStart = Instant.parse("2026-11-23T00:00:00Z").toEpochMilli();
            for (int tick = 0; tick < ticks; tick++) {
                long due = start + tick * 1_000_000L;
                long now;
                while ((now = System.nanoTime()) < due) {
                    java.util.concurrent.locks.LockSupport.parkNanos(due - now); // no spinning on a shared machine
                }
                lags[tick] = (now - due) / 1e6;
                long simNow = simStart + tick;
                callDebt += cps / 1000.0;
                stateDebt += sps / 1000.0;
                for (; callDebt >= 1; callDebt--) {
                    sink.test(call(rnd, rows[0]++, simNow));
                }
                for (; stateDebt >= 1; stateDebt--) {
                    long n = rows[0]++;
                    sink.test(new Row.AgentInterval("bench", "PJSIP/agent" + (n % 500), "Agent " + (n % 500),
                            "available", null, null, simNow - 1000 - (n % 997), simNow));
                }
            }
        }, "bench-tracker");
        t.start();
        t.join();
        double[] sorted = lags.clone();
        Arrays.sort(sorted);
        return new TrackerRun(new double[] {pct(sorted, 50), pct(sorted, 99), sorted[sorted.length - 1]}, rows[0]);
    }

    /** A call row as the storage listener makes it: the record serialised to JSON on the tracker's thread. */
    private static Row.Call call(Random rnd, long n, long endMs) {
        String number = "555" + (1_000_000 + rnd.nextInt(200_000));
        String agent = "PJSIP/agent" + rnd.nextInt(500);
        String queue = "q" + rnd.nextInt(100);
        long wait = rnd.nextInt(60);
        long talk = 30 + rnd.nextInt(300);
        long startMs = endMs - (wait + talk) * 1000;
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("callId", "b" + n);
        rec.put("pbx", "bench");
        rec.put("linkedId", "b" + n);
        rec.put("direction", "inbound");
        rec.put("callerNumber", number);
        rec.put("callerName", null);
        rec.put("dialed", "5000");
        rec.put("queue", queue);
        rec.put("agentName", "Agent");
        rec.put("agentInterface", agent);
        rec.put("result", "answered");
        rec.put("waitSeconds", wait);
        rec.put("talkSeconds", talk);
        rec.put("endedBy", "caller");
        rec.put("transfers", List.of());
        rec.put("startedAt", Instant.ofEpochMilli(startMs));
        rec.put("answeredAt", Instant.ofEpochMilli(startMs + wait * 1000));
        rec.put("endedAt", Instant.ofEpochMilli(endMs));
        rec.put("data", Map.of("CTI_ROUTE", queue));
        String json;
        try {
            json = Json.mapper().writeValueAsString(rec);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new Row.Call("bench", "b" + n, "b" + n, "voice", "inbound", number, PhoneNumbers.normalize(number),
                agent, "Agent", queue, "answered", wait, talk, 0, startMs, startMs + wait * 1000, endMs, json);
    }

    private static void ingest(Storage s, double[] baseline, int cps, int sps, int seconds) throws Exception {
        long before = s.writer().written();
        long t0 = System.nanoTime();
        TrackerRun run = tracker(s::offer, cps, sps, seconds);
        double offerSeconds = (System.nanoTime() - t0) / 1e9;
        long writtenDuring = s.writer().written() - before;
        long depthAtEnd = s.health().journalDepth();
        long drainStart = System.nanoTime();
        while (s.writer().written() - before < run.rows() && s.health().refused() == 0) {
            Thread.sleep(10);
        }
        double drain = (System.nanoTime() - drainStart) / 1e9;
        System.out.printf("ingest: %,d rows offered in %.1f s; database took %,.0f rows/s during the run "
                        + "(%,.0f needed); journal depth at the end %,d, drained in %.1f s; refused %d%n",
                run.rows(), offerSeconds, writtenDuring / offerSeconds, (double) cps + sps, depthAtEnd, drain,
                s.health().refused());
        System.out.printf("tracker tick lag with storage: p50 %.3f ms, p99 %.3f ms, max %.1f ms "
                        + "(baseline p50 %.3f, p99 %.3f, max %.1f; p99 ratio %.2fx)%n",
                run.lag()[0], run.lag()[1], run.lag()[2], baseline[0], baseline[1], baseline[2],
                run.lag()[1] / Math.max(baseline[1], 1e-3));
    }

    // ---- history -------------------------------------------------------------------------------------------------

    /** The table sizes at which the history queries are measured: {@code --history-checkpoints} and the total. */
    private static List<Integer> checkpoints(String spec, int rows) {
        java.util.TreeSet<Integer> at = new java.util.TreeSet<>();
        for (String p : spec.split(",")) {
            if (!p.isBlank() && Integer.parseInt(p.strip()) < rows) {
                at.add(Integer.parseInt(p.strip()));
            }
        }
        at.add(rows);
        return List.copyOf(at);
    }

    /**
     * Loads the calls in steps and measures the queries at each checkpoint, so one long load also gives the figures
     * of the smaller tables (and those already printed if it is stopped). The caller numbers are those of the whole
     * load: at an early checkpoint a number has fewer calls than the five it ends with.
     */
    private static void history(Storage s, List<Integer> checkpoints) throws Exception {
        int rows = checkpoints.get(checkpoints.size() - 1);
        int numbers = Math.max(1, rows / 5);
        long end = Instant.parse("2026-11-23T00:00:00Z").toEpochMilli();
        Random load = new Random(7);
        long t0 = System.nanoTime();
        int loaded = 0;
        for (int at : checkpoints) {
            load(s, load, loaded, at, numbers, end, t0);
            loaded = at;
            System.out.printf("history: %,d calls of %,d caller numbers loaded in %.0f s%n", loaded, numbers,
                    (System.nanoTime() - t0) / 1e9);
            queries(s, loaded, numbers, end);
        }
    }

    private static void load(Storage s, Random rnd, int from, int to, int numbers, long end, long t0)
            throws Exception {
        long span = 365 * Duration.ofDays(1).toMillis();
        try (Connection c = s.database().connection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO call_records (pbx, call_id, linked_id, "
                    + "direction, caller_number, caller_norm, agent, agent_name, queue, result, wait_seconds, "
                    + "talk_seconds, transfers, started_ms, answered_ms, ended_ms, record_json) "
                    + "VALUES ('hist', ?, ?, 'inbound', ?, ?, ?, 'Agent', ?, 'answered', 10, 120, 0, ?, ?, ?, ?)")) {
                for (int i = from; i < to; i++) {
                    String number = "777" + (1_000_000 + rnd.nextInt(numbers));
                    long started = end - (long) (rnd.nextDouble() * span);
                    String id = "h" + i;
                    ps.setString(1, id);
                    ps.setString(2, id);
                    ps.setString(3, number);
                    ps.setString(4, number);
                    ps.setString(5, "PJSIP/agent" + rnd.nextInt(500));
                    ps.setString(6, "q" + rnd.nextInt(100));
                    ps.setLong(7, started);
                    ps.setLong(8, started + 10_000);
                    ps.setLong(9, started + 130_000);
                    ps.setString(10, "{\"callId\":\"" + id + "\",\"callerNumber\":\"" + number + "\"}");
                    ps.addBatch();
                    if (i % 5_000 == 4_999) {
                        ps.executeBatch();
                        c.commit();
                    }
                    if (i % 1_000_000 == 999_999) {
                        double sec = (System.nanoTime() - t0) / 1e9;
                        System.out.printf("  ... %,d calls loaded, %.0f s, %,.0f rows/s%n", i + 1, sec, (i + 1) / sec);
                    }
                }
                ps.executeBatch();
                c.commit();
            }
            if (s.database().dialect() == io.ctiserver.server.storage.schema.Dialect.POSTGRESQL) {
                try (var st = c.createStatement()) {
                    st.execute("ANALYZE call_records");
                }
                c.commit();
            }
        }
    }

    private static void queries(Storage s, int rows, int numbers, long end) throws Exception {
        CallHistoryStore h = s.history();
        Random rnd = new Random(11);
        Instant to = Instant.ofEpochMilli(end);
        Instant from = to.minus(Duration.ofDays(30));
        int n = 2_000;
        String[] number = new String[1];
        double[][] times = timePairs(n, i -> {
            h.calls(new CallHistoryStore.Query(from, to, number[0], null, null, null, 50, null, null));
        }, i -> h.call("h" + rnd.nextInt(rows), null), i -> number[0] = "777" + (1_000_000 + rnd.nextInt(numbers)));
        double[] byNumber = times[0];
        double[] byId = times[1];
        System.out.printf("history query by caller number (30 days, limit 50) over %,d calls: p50 %.2f ms, p99 %.2f "
                        + "ms; baseline, one call by id: p50 %.2f ms, p99 %.2f ms (ratio %.2fx)%n", rows,
                pct(byNumber, 50), pct(byNumber, 99), pct(byId, 50), pct(byId, 99),
                pct(byNumber, 99) / pct(byId, 99));
    }

    // ---- report --------------------------------------------------------------------------------------------------

    private static void report(Storage s, int queues) throws Exception {
        long day = Instant.parse("2026-11-22T00:00:00Z").toEpochMilli();
        Random rnd = new Random(3);
        long t0 = System.nanoTime();
        List<Row> rows = new ArrayList<>();
        int calls = 0;
        try (Connection c = s.database().connection()) {
            c.setAutoCommit(false);
            var writer = new io.ctiserver.server.storage.schema.RowWriter(s.database().dialect());
            for (int slot = 0; slot < 96; slot++) {
                long start = day + slot * IntervalAggregator.INTERVAL_MS;
                for (int q = 0; q < queues; q++) {
                    for (int k = 0; k < 3; k++) {
                        long endMs = start + rnd.nextInt((int) IntervalAggregator.INTERVAL_MS);
                        Row.Call r = call(rnd, 0, endMs);
                        rows.add(new Row.Call("rep", "r" + calls++, null, "voice", "inbound", r.callerNumber(),
                                r.callerNorm(), r.agent(), r.agentName(), "q" + q, k == 2 ? "abandoned" : "answered",
                                r.waitSeconds(), k == 2 ? 0 : r.talkSeconds(), 0, endMs - 60_000, null, endMs, "{}"));
                    }
                }
                rows.add(new Row.AgentInterval("rep", "PJSIP/agent" + slot, "A", "on_call", null, null, start,
                        start + 600_000));
                writer.write(c, rows);
                s.aggregator().touched(rows);
                rows.clear();
            }
        }
        s.aggregator().runAll();
        System.out.printf("report: a day of %d queues (%,d calls) stored and aggregated in %.0f s%n", queues, calls,
                (System.nanoTime() - t0) / 1e9);
        Instant from = Instant.ofEpochMilli(day);
        Instant to = from.plus(Duration.ofDays(1));
        long step = IntervalAggregator.INTERVAL_MS;
        int n = 20;
        int[] size = {0};
        double[][] times = timePairs(n, i -> size[0] = s.reports().intervals(from, to, null, null, step).size(),
                i -> s.reports().intervals(from, to, "q" + i, null, step), i -> { });
        double[] all = times[0];
        double[] one = times[1];
        System.out.printf("interval report, one day at 15 min, every queue (%,d rows): p50 %.1f ms, p99 %.1f ms; "
                        + "baseline, one queue: p50 %.1f ms, p99 %.1f ms (ratio %.1fx)%n", size[0], pct(all, 50),
                pct(all, 99), pct(one, 50), pct(one, 99), pct(all, 99) / pct(one, 99));
    }

    private interface Step {
        void run(int i) throws Exception;
    }

    /**
     * {@code n} timings of a query and of its baseline, run one after the other, after a first round that warms up;
     * {@code prepare} runs untimed before each pair. Returns both, sorted, in milliseconds.
     */
    private static double[][] timePairs(int n, Step query, Step baseline, Step prepare) throws Exception {
        double[] q = new double[n];
        double[] b = new double[n];
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < n; i++) {
                prepare.run(i);
                long t0 = System.nanoTime();
                query.run(i);
                long t1 = System.nanoTime();
                baseline.run(i);
                long t2 = System.nanoTime();
                q[i] = (t1 - t0) / 1e6;
                b[i] = (t2 - t1) / 1e6;
            }
        }
        Arrays.sort(q);
        Arrays.sort(b);
        return new double[][] {q, b};
    }

    private static double pct(double[] sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
