package io.ctiserver.server.ami.bench;

import ch.qos.logback.classic.Level;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.cli.UsageException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * {@code bench ami [--events N] [--rounds R] [--slow-events M] [--slow-us U] [--captures DIR]}.
 *
 * <p>Streams N realistic Asterisk 22 events ({@link BenchStream}) over loopback from an in-process server into, in
 * turn: a raw byte scan (the limit), our decoder alone, our full pipeline ({@code AmiClient}: decoder, bounded queue,
 * PBX thread, a light consumer) and asterisk-java's {@code DefaultManagerConnection}. Each is run R times, interleaved,
 * after a warm-up; the median events/s of each and the ratios are printed. Then M events go into a consumer that
 * spends U µs per event, through our client and through asterisk-java, and what each lost is counted.
 */
public final class AmiBenchRunner {

    private AmiBenchRunner() {
    }

    public static int run(List<String> argv) throws Exception {
        CliArgs args = CliArgs.parse(argv, Set.of("events", "rounds", "slow-events", "slow-us", "captures", "calls", "only"),
                Set.of());
        if (!args.positional().isEmpty()) {
            throw new UsageException("bench ami takes no positional argument: " + args.positional());
        }
        long events = positive(args, "events", 2_000_000);
        int rounds = (int) positive(args, "rounds", 3);
        long slowEvents = positive(args, "slow-events", 200_000);
        long slowNanos = (long) (args.getDouble("slow-us", 20) * 1000);
        int calls = (int) positive(args, "calls", 1024);
        Path captures = capturesDir(args.get("captures", null));
        String only = args.get("only", null);

        quietLogs();
        BenchStream stream = BenchStream.load(captures, calls);
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf(Locale.ROOT, "bench ami: %,d events per run (%d bytes/event on average; %d distinct calls"
                        + " renumbered from captures 02/03/06/08), %d rounds, median; %d cores, load average %.2f%n",
                events, stream.bytesPerEvent(), calls, rounds, cores, loadAverage());

        try (AmiBench bench = new AmiBench(stream)) {
            if (only != null) {
                return runOnly(bench, only, events, rounds);
            }
            long warm = Math.min(events, 300_000);
            System.out.println("warming up ...");
            for (int i = 0; i < 2; i++) {
                bench.rawScan(warm);
                bench.decoder(warm);
                bench.pipeline(warm, new AmiBench.CountingConsumer(warm, 0));
                bench.asteriskJava(warm / 3, 0);
            }

            List<Double> raw = new ArrayList<>();
            List<Double> decoder = new ArrayList<>();
            List<Double> pipeline = new ArrayList<>();
            List<Double> aj = new ArrayList<>();
            long ajLostFast = 0;
            for (int r = 1; r <= rounds; r++) {
                raw.add(bench.rawScan(events));
                decoder.add(bench.decoder(events));
                AmiBench.Result p = bench.pipeline(events, new AmiBench.CountingConsumer(events, 0));
                pipeline.add(p.eventsPerSecond());
                AmiBench.Result a = bench.asteriskJava(events, 0);
                aj.add(a.eventsPerSecond());
                ajLostFast += a.lost();
                System.out.printf(Locale.ROOT, "round %d: raw %,.0f  decoder %,.0f  pipeline %,.0f (lost %d)"
                                + "  asterisk-java %,.0f (lost %d) events/s%n", r, raw.get(r - 1),
                        decoder.get(r - 1), p.eventsPerSecond(), p.lost(), a.eventsPerSecond(), a.lost());
            }
            double mRaw = median(raw);
            double mDec = median(decoder);
            double mPipe = median(pipeline);
            double mAj = median(aj);
            System.out.println();
            System.out.printf(Locale.ROOT, "%-44s %,14.0f events/s%n", "(a) raw byte scan (the limit)", mRaw);
            System.out.printf(Locale.ROOT, "%-44s %,14.0f events/s   %.2fx raw scan   [target >= 0.5x: %s]%n",
                    "(b) AmiDecoder", mDec, mDec / mRaw, mDec / mRaw >= 0.5 ? "met" : "MISSED");
            System.out.printf(Locale.ROOT, "%-44s %,14.0f events/s   %.2fx raw scan   %.2fx asterisk-java"
                            + "   [target >= 4x: %s]%n", "(c) full pipeline (AmiClient + queue + consumer)", mPipe,
                    mPipe / mRaw, mPipe / mAj, mPipe / mAj >= 4 ? "met" : "MISSED");
            System.out.printf(Locale.ROOT, "%-44s %,14.0f events/s   %.2fx raw scan%s%n",
                    "(d) asterisk-java DefaultManagerConnection", mAj, mAj / mRaw,
                    ajLostFast > 0 ? "   (lost " + ajLostFast + " events over the rounds)" : "");

            System.out.printf(Locale.ROOT, "%nslow consumer: %,d events, %.1f µs of CPU per event%n", slowEvents,
                    slowNanos / 1000.0);
            AmiBench.Result ours = bench.pipeline(slowEvents, new AmiBench.CountingConsumer(slowEvents, slowNanos));
            System.out.printf(Locale.ROOT, "%-44s lost %,d (%.1f%%), %,.0f events/s, reading paused %,d times"
                            + "   [target 0 lost: %s]%n", "AmiClient", ours.lost(), 100.0 * ours.lost() / slowEvents,
                    ours.eventsPerSecond(), ours.pauses(), ours.lost() == 0 ? "met" : "MISSED");
            AmiBench.Result theirs = bench.asteriskJava(slowEvents, slowNanos);
            System.out.printf(Locale.ROOT, "%-44s lost %,d (%.1f%%), %,.0f events/s delivered%n",
                    "asterisk-java DefaultManagerConnection", theirs.lost(), 100.0 * theirs.lost() / slowEvents,
                    theirs.eventsPerSecond());
            System.out.printf(Locale.ROOT, "%nload average at the end: %.2f%n", loadAverage());
        }
        return 0;
    }

    /** {@code --only raw|decoder|pipeline|asterisk-java}: one client alone, to profile it. */
    private static int runOnly(AmiBench bench, String mode, long events, int rounds) throws Exception {
        for (int r = 1; r <= rounds; r++) {
            double rate = switch (mode) {
                case "raw" -> bench.rawScan(events);
                case "decoder" -> bench.decoder(events);
                case "pipeline" -> bench.pipeline(events, new AmiBench.CountingConsumer(events, 0)).eventsPerSecond();
                case "asterisk-java" -> bench.asteriskJava(events, 0).eventsPerSecond();
                default -> throw new UsageException("--only takes raw, decoder, pipeline or asterisk-java");
            };
            System.out.printf(Locale.ROOT, "%s round %d: %,.0f events/s%n", mode, r, rate);
        }
        return 0;
    }

    private static long positive(CliArgs args, String flag, long fallback) {
        long v = args.getInt(flag, (int) Math.min(Integer.MAX_VALUE, fallback));
        if (v <= 0) {
            throw new UsageException("--" + flag + " must be positive");
        }
        return v;
    }

    private static Path capturesDir(String flag) {
        List<String> candidates = new ArrayList<>();
        if (flag != null) {
            candidates.add(flag);
        }
        String prop = System.getProperty("cti.captures");
        if (prop != null) {
            candidates.add(prop);
        }
        candidates.addAll(List.of("../shared/ami-captures", "shared/ami-captures", "../../shared/ami-captures"));
        for (String c : candidates) {
            Path p = Paths.get(c);
            if (Files.isRegularFile(p.resolve(BenchStream.CAPTURES.get(0)))) {
                return p;
            }
        }
        throw new UsageException("AMI captures not found in " + candidates + "; pass --captures DIR");
    }

    /** The runs open and close many connections; their INFO lines would drown the figures. */
    private static void quietLogs() {
        if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext ctx) {
            ctx.getLogger("io.ctiserver.server.ami").setLevel(Level.WARN);
            ctx.getLogger("org.asteriskjava").setLevel(Level.OFF); // it logs every event it drops
        }
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
