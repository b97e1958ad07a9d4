package io.ctiserver.server.bench;

/** Throughput of a repeatable in-memory pass, for the benchmarks that need no sockets. */
public final class Throughput {

    private Throughput() {
    }

    /**
     * Items per second of {@code pass} over {@code seconds}, after a warm-up of the same length (so the JIT has
     * compiled the pass before it is timed).
     *
     * @param perPass how many items one run of {@code pass} handles
     */
    public static double rate(Runnable pass, int perPass, int seconds) {
        long warmEnd = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < warmEnd) {
            pass.run();
        }
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        long passes = 0;
        long now;
        do {
            pass.run();
            passes++;
            now = System.nanoTime();
        } while (now < end);
        return passes * (double) perPass / ((now - start) / 1e9);
    }
}
