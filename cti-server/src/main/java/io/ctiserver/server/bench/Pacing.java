package io.ctiserver.server.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The open-loop load of the latency benchmarks: {@code rate} ticks per second for {@code seconds}, each at its own
 * scheduled time. A tick that is late (the thread was descheduled) runs at once and the schedule is kept, so a stall
 * shows up as latency in the figures rather than as a lower rate.
 */
public final class Pacing {

    private Pacing() {
    }

    /** Runs {@code tick} {@code rate} times a second for {@code seconds}, on the calling thread. */
    public static void paced(int rate, int seconds, Runnable tick) {
        if (rate <= 0) {
            throw new IllegalArgumentException("rate must be positive: " + rate);
        }
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        for (long next = start + interval; next <= end; next += interval) {
            long wait;
            while ((wait = next - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            tick.run();
        }
    }
}
