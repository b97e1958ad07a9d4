package io.ctiserver.server.bench;

import io.ctiserver.server.cli.UsageException;
import io.ctiserver.server.cli.Verb;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench NAME [FLAGS]}: the benchmarks anyone can rerun. Each reports its figures as ratios against a baseline
 * measured in the same run.
 */
public final class BenchCommand implements Verb {

    /** A benchmark: takes its own flags, prints its report, returns the exit status. */
    public interface Benchmark {
        String summary();

        int run(List<String> args) throws Exception;
    }

    private final Map<String, Benchmark> benchmarks = new LinkedHashMap<>();

    public BenchCommand() {
        benchmarks.put("ami", new io.ctiserver.server.ami.AmiBenchmark());
        benchmarks.put("tracker", new io.ctiserver.server.replay.TrackerBenchmark());
        benchmarks.put("agi", new io.ctiserver.server.agi.AgiBenchmark());
        benchmarks.put("ws", new io.ctiserver.server.gateway.bench.WsBenchmark());
        benchmarks.put("sim", new io.ctiserver.server.sim.SimBenchmark());
        benchmarks.put("kpi", new io.ctiserver.server.kpi.KpiBenchmark());
        benchmarks.put("resync", new io.ctiserver.server.ami.bench.ResyncBench());
        benchmarks.put("presence", new io.ctiserver.server.gateway.bench.PresenceBenchmark());
        benchmarks.put("inbox", new io.ctiserver.server.gateway.bench.InboxBenchmark());
        benchmarks.put("chat", new io.ctiserver.server.omni.bench.ChatBenchmark());
        benchmarks.put("fuzz", new io.ctiserver.server.fuzz.FuzzBenchmark());
        benchmarks.put("soak", new io.ctiserver.server.run.SoakBenchmark());
        benchmarks.put("store", new io.ctiserver.server.storage.bench.StoreBenchmark());
    }

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "benchmarks: " + String.join(", ", benchmarks.keySet());
    }

    @Override
    public String usage() {
        StringBuilder sb = new StringBuilder("usage: java -jar cti-server.jar bench NAME [FLAGS]\n\nbenchmarks:\n");
        benchmarks.forEach((name, b) -> sb.append(String.format("  %-6s %s%n", name, b.summary())));
        return sb.toString();
    }

    @Override
    public int run(List<String> args) throws Exception {
        if (args.isEmpty()) {
            throw new UsageException("which benchmark? one of " + benchmarks.keySet());
        }
        Benchmark b = benchmarks.get(args.get(0));
        if (b == null) {
            throw new UsageException("unknown benchmark '" + args.get(0) + "'; one of " + benchmarks.keySet());
        }
        return b.run(args.subList(1, args.size()));
    }
}
