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
                bench.pipeline(warm, new AmiBench.TrackerConsumer(warm));
                bench.pipeline(warm, new AmiBench.CountingConsumer(warm, 0));
                bench.asteriskJava(warm / 3, 0);
            }

            List<AmiBench.Result> raw = new ArrayList<>();
            List<AmiBench.Result> decoder = new ArrayList<>();
            List<AmiBench.Result> pipeline = new ArrayList<>();
            List<AmiBench.Result> light = new ArrayList<>();
            AmiBench.TrackerConsumer lastTracker = null;
            List<AmiBench.Result> aj = new ArrayList<>();
            for (int r = 1; r <= rounds; r++) {
                raw.add(bench.rawScan(events));
                decoder.add(bench.decoder(events));
                lastTracker = new AmiBench.TrackerConsumer(events);
                pipeline.add(bench.pipeline(events, lastTracker));
                light.add(bench.pipeline(events, new AmiBench.CountingConsumer(events, 0)));
                aj.add(bench.asteriskJava(events, 0));
                System.out.printf(Locale.ROOT, "round %d, events/s (per CPU-second): raw %s  decoder %s"
                                + "  pipeline %s lost %d (tracker: %,d calls ended, %d live)  light %s lost %d"
                                + "  asterisk-java %s lost %d%n", r, show(raw.get(r - 1)),
                        show(decoder.get(r - 1)), show(pipeline.get(r - 1)), pipeline.get(r - 1).lost(),
                        lastTracker.callsEnded, lastTracker.liveCalls(), show(light.get(r - 1)),
                        light.get(r - 1).lost(), show(aj.get(r - 1)), aj.get(r - 1).lost());
            }
            Figures fRaw = Figures.of(raw);
            Figures fDec = Figures.of(decoder);
            Figures fPipe = Figures.of(pipeline);
            Figures fLight = Figures.of(light);
            Figures fAj = Figures.of(aj);
            System.out.printf(Locale.ROOT, "%n%-46s %14s %16s   %s%n", "median of " + rounds + " rounds",
                    "events/s", "events/CPU-s", "ratios: wall clock (CPU)");
            System.out.printf(Locale.ROOT, "%-46s %,14.0f %,16.0f%n", "(a) raw byte scan (the limit)",
                    fRaw.wall, fRaw.cpu);
            System.out.printf(Locale.ROOT, "%-46s %,14.0f %,16.0f   %.2fx (%.2fx) raw scan  [target >= 0.5x]%n",
                    "(b) AmiDecoder", fDec.wall, fDec.cpu, fDec.wall / fRaw.wall, fDec.cpu / fRaw.cpu);
            System.out.printf(Locale.ROOT, "%-46s %,14.0f %,16.0f   %.2fx (%.2fx) asterisk-java  [target >= 4x];"
                            + " %.2fx (%.2fx) raw scan; lost %d in all rounds%n",
                    "(c) full pipeline (AmiClient, queue, Tracker)",
                    fPipe.wall, fPipe.cpu, fPipe.wall / fAj.wall, fPipe.cpu / fAj.cpu, fPipe.wall / fRaw.wall,
                    fPipe.cpu / fRaw.cpu, pipeline.stream().mapToLong(AmiBench.Result::lost).sum());
            System.out.printf(Locale.ROOT, "%-46s %,14.0f %,16.0f   %.2fx (%.2fx) asterisk-java;"
                            + " %.2fx (%.2fx) raw scan; lost %d in all rounds%n",
                    "(c') pipeline with a light consumer (ids only)",
                    fLight.wall, fLight.cpu, fLight.wall / fAj.wall, fLight.cpu / fAj.cpu, fLight.wall / fRaw.wall,
                    fLight.cpu / fRaw.cpu, light.stream().mapToLong(AmiBench.Result::lost).sum());
            System.out.printf(Locale.ROOT, "tracker after the last round: %,d calls offered, %,d ended, %d still"
                            + " live (the stream's last, cut call); %d agents, %d queues%n",
                    lastTracker.callsOffered, lastTracker.callsEnded, lastTracker.liveCalls(),
                    lastTracker.tracker.view().agents().size(), lastTracker.tracker.view().queues().size());
            System.out.printf(Locale.ROOT, "%-46s %,14.0f %,16.0f   %.2fx (%.2fx) raw scan; lost %d in all rounds%n",
                    "(d) asterisk-java DefaultManagerConnection", fAj.wall, fAj.cpu, fAj.wall / fRaw.wall,
                    fAj.cpu / fRaw.cpu, aj.stream().mapToLong(AmiBench.Result::lost).sum());

            System.out.printf(Locale.ROOT, "%nslow consumer: %,d events, %.1f µs of CPU per event%n", slowEvents,
                    slowNanos / 1000.0);
            AmiBench.Result ours = bench.pipeline(slowEvents, new AmiBench.CountingConsumer(slowEvents, slowNanos));
            System.out.printf(Locale.ROOT, "%-44s lost %,d (%.1f%%), %,.0f events/s, reading paused %,d times"
                            + "  [target: 0 lost]%n", "AmiClient", ours.lost(), 100.0 * ours.lost() / slowEvents,
                    ours.eventsPerSecond(), ours.pauses());
            AmiBench.Result theirs = bench.asteriskJava(slowEvents, slowNanos);
            System.out.printf(Locale.ROOT, "%-44s lost %,d (%.1f%%), %,.0f events/s delivered%n",
                    "asterisk-java DefaultManagerConnection", theirs.lost(), 100.0 * theirs.lost() / slowEvents,
                    theirs.eventsPerSecond());
            System.out.printf(Locale.ROOT, "%nload average at the end: %.2f%n", loadAverage());
        }
        return 0;
    }

    /** {@code --only raw|decoder|pipeline|light|asterisk-java}: one client alone, to profile it. */
    private static int runOnly(AmiBench bench, String mode, long events, int rounds) throws Exception {
        for (int r = 1; r <= rounds; r++) {
            AmiBench.TrackerConsumer tracker = new AmiBench.TrackerConsumer(events);
            AmiBench.Result result = switch (mode) {
                case "raw" -> bench.rawScan(events);
                case "decoder" -> bench.decoder(events);
                case "pipeline" -> bench.pipeline(events, tracker);
                case "light" -> bench.pipeline(events, new AmiBench.CountingConsumer(events, 0));
                case "asterisk-java" -> bench.asteriskJava(events, 0);
                default -> throw new UsageException("--only takes raw, decoder, pipeline, light or asterisk-java");
            };
            System.out.printf(Locale.ROOT, "%s round %d: %s events/s (per CPU-second), lost %d%n", mode, r,
                    show(result), result.lost());
            if (mode.equals("pipeline")) {
                System.out.printf(Locale.ROOT, "  tracker: %,d calls offered, %,d ended, %d live, heap used after GC"
                        + " %,d KiB%n", tracker.callsOffered, tracker.callsEnded, tracker.liveCalls(), usedHeapKib());
            }
        }
        return 0;
    }

    private static long usedHeapKib() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / 1024;
    }

    /** Medians of one client's rounds. */
    private record Figures(double wall, double cpu) {
        static Figures of(List<AmiBench.Result> results) {
            return new Figures(median(results.stream().map(AmiBench.Result::eventsPerSecond).toList()),
                    median(results.stream().map(AmiBench.Result::eventsPerCpuSecond).toList()));
        }
    }

    private static String show(AmiBench.Result r) {
        return String.format(Locale.ROOT, "%,.0f (%,.0f)", r.eventsPerSecond(), r.eventsPerCpuSecond());
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
        candidates.addAll(io.ctiserver.server.bench.CaptureFiles.DEFAULT_DIRS);
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
