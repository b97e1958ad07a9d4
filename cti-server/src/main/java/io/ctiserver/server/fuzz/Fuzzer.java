package io.ctiserver.server.fuzz;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Runs one target: its seeds first (all of them, whatever the time), then mutated inputs until {@code maxInputs} or
 * {@code maxMillis}. An input that throws, or takes longer than {@link #SLOW_MILLIS} twice in a row, is a finding
 * (kept with its bytes, base64, to become a regression test).
 */
public final class Fuzzer {

    /** An input that takes this long is reported as a hang. */
    public static final long SLOW_MILLIS = 2_000;
    /** Inputs are cut at this length: the decoders' limits are far smaller, so every limit path is reached. */
    public static final int MAX_INPUT = 64 * 1024;
    private static final long PROGRESS_NANOS = 60_000_000_000L;

    public record Finding(String target, String input, String problem) {
    }

    /** {@code slowOnce}: inputs over {@link #SLOW_MILLIS} once but not when run again (machine stalls). */
    public record Result(String target, long seed, long inputs, long millis, List<Finding> findings, long slowOnce) {
        public double perSecond() {
            return millis == 0 ? 0 : inputs * 1000.0 / millis;
        }
    }

    private Fuzzer() {
    }

    public static Result run(FuzzTarget target, long seed, long maxInputs, long maxMillis, int maxFindings) {
        return run(target, seed, maxInputs, maxMillis, maxFindings, (inputs, millis) -> { });
    }

    /** As above, telling {@code progress} the inputs run and the time taken once a minute (for the long run). */
    public static Result run(FuzzTarget target, long seed, long maxInputs, long maxMillis, int maxFindings,
                             BiConsumer<Long, Long> progress) {
        List<Finding> findings = new ArrayList<>();
        Mutator mutator = new Mutator(seed, target.seeds(), MAX_INPUT);
        long t0 = System.nanoTime();
        long deadline = maxMillis <= 0 ? Long.MAX_VALUE : t0 + maxMillis * 1_000_000;
        long inputs = 0;
        long slowOnce = 0;
        List<byte[]> seeds = target.seeds();
        long nextReport = t0 + PROGRESS_NANOS;
        // The seeds always run (a short run on a busy machine may spend its time loading classes).
        while (inputs < maxInputs && (inputs < seeds.size() || System.nanoTime() < deadline)
                && findings.size() < maxFindings) {
            if ((inputs & 1023) == 0 && System.nanoTime() > nextReport) {
                progress.accept(inputs, (System.nanoTime() - t0) / 1_000_000);
                nextReport += PROGRESS_NANOS;
            }
            byte[] in = inputs < seeds.size() ? seeds.get((int) inputs) : mutator.next();
            inputs++;
            long start = System.nanoTime();
            try {
                target.run(in);
            } catch (Throwable t) {
                findings.add(new Finding(target.name(), Base64.getEncoder().encodeToString(in), describe(t)));
                continue;
            }
            long took = (System.nanoTime() - start) / 1_000_000;
            if (took > SLOW_MILLIS) {
                // On a shared machine a GC or a busy neighbour stalls any input: only one slow twice is a hang.
                long again = System.nanoTime();
                try {
                    target.run(in);
                } catch (Throwable t) {
                    // reported the first time if it throws; here only the time matters
                }
                long tookAgain = (System.nanoTime() - again) / 1_000_000;
                if (tookAgain > SLOW_MILLIS) {
                    findings.add(new Finding(target.name(), Base64.getEncoder().encodeToString(in),
                            "took " + took + " ms, then " + tookAgain + " ms"));
                } else {
                    slowOnce++;
                }
            }
        }
        return new Result(target.name(), seed, inputs, (System.nanoTime() - t0) / 1_000_000, findings, slowOnce);
    }

    static String describe(Throwable t) {
        StringBuilder sb = new StringBuilder(t.toString());
        StackTraceElement[] st = t.getStackTrace();
        for (int i = 0; i < Math.min(6, st.length); i++) {
            sb.append("\n    at ").append(st[i]);
        }
        return sb.toString();
    }
}
