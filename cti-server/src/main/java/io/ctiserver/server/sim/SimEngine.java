package io.ctiserver.server.sim;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulator's single writer: one thread owns every simulated channel, bridge, queue and member, and runs timed
 * work on a virtual clock that advances {@code speed} times faster than the wall clock.
 *
 * <p>Timers are kept in a priority queue ordered by due time and then by creation order, and each runs with the
 * clock set to its own due time, so a seeded run produces the same timestamps and the same event order whatever the
 * machine's load. Outside input (AMI actions, AGI replies) is stamped with the wall-derived virtual time.
 *
 * <p>The engine measures how far behind its own clock it runs: the lag of a timer is the wall time between the
 * moment it was due and the moment it ran.
 */
public final class SimEngine {

    private static final Logger LOG = LoggerFactory.getLogger(SimEngine.class);

    private final EventLoop loop;
    private final double speed;
    private final long epochBaseMs;
    private final long wallStartNanos;
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private long seq;
    private long now;
    /** The armed wake-up for the earliest timer, and the virtual time it was armed for. */
    private ScheduledFuture<?> wake;
    private long wakeDue = Long.MAX_VALUE;
    private boolean inTick;

    // Lag statistics (engine thread only; read through stats()).
    private long lagSamples;
    private double lagSumMs;
    private double lagMaxMs;
    private final long[] lagHistogram = new long[64]; // bucket i: lag < 2^i / 8 ms
    private long busyNanos;
    private long timersRun;

    public SimEngine(double speed, long epochBaseMs) {
        if (!(speed > 0)) {
            throw new IllegalArgumentException("speed must be > 0, got " + speed);
        }
        this.speed = speed;
        this.epochBaseMs = epochBaseMs;
        this.wallStartNanos = System.nanoTime();
        this.now = epochBaseMs;
        this.loop = new DefaultEventLoop(new DefaultThreadFactory("sim-engine", true));
    }

    /** A cancellable timed task. */
    public static final class Timer implements Comparable<Timer> {
        private final long due;
        private final long order;
        private final Runnable task;
        private boolean cancelled;

        private Timer(long due, long order, Runnable task) {
            this.due = due;
            this.order = order;
            this.task = task;
        }

        public void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(order, o.order);
        }
    }

    /** Virtual epoch milliseconds (engine thread). */
    public long now() {
        return now;
    }

    public double speed() {
        return speed;
    }

    /** The virtual time the wall clock says it is now. */
    public long wallVirtualNow() {
        return epochBaseMs + (long) ((System.nanoTime() - wallStartNanos) / 1_000_000.0 * speed);
    }

    public boolean inEngine() {
        return loop.inEventLoop();
    }

    /** Runs {@code delayMs} of virtual time from now. Engine thread only. */
    public Timer after(double delayMs, Runnable task) {
        Timer t = new Timer(now + Math.max(0, Math.round(delayMs)), seq++, task);
        timers.add(t);
        if (!inTick && t.due < wakeDue) {
            arm(t.due);
        }
        return t;
    }

    /**
     * Wakes the engine when the wall clock reaches {@code due}: no periodic ticking, so an idle simulator costs
     * nothing. The extra virtual millisecond makes sure the timer is due (the clock is read in whole ms).
     */
    private void arm(long due) {
        if (wake != null) {
            wake.cancel(false);
        }
        wakeDue = due;
        double wallNowVirtual = epochBaseMs + (System.nanoTime() - wallStartNanos) / 1_000_000.0 * speed;
        long delayNanos = Math.max(0, (long) Math.ceil((due + 1 - wallNowVirtual) / speed * 1_000_000));
        wake = loop.schedule(this::tick, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** Runs outside input on the engine thread, at the current wall-derived virtual time. */
    public void execute(Runnable task) {
        if (loop.isShuttingDown()) {
            return;
        }
        loop.execute(() -> {
            long t0 = System.nanoTime();
            now = inputNow();
            safely(task);
            busyNanos += System.nanoTime() - t0;
        });
    }

    /** Runs on the engine thread and returns the result (for API callers on other threads). */
    public <T> CompletableFuture<T> call(Supplier<T> task) {
        CompletableFuture<T> f = new CompletableFuture<>();
        if (loop.isShuttingDown()) {
            f.completeExceptionally(new IllegalStateException("simulator stopped"));
            return f;
        }
        loop.execute(() -> {
            now = inputNow();
            try {
                f.complete(task.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        return f;
    }

    /** Forgets every pending timer (a simulated restart). Engine thread only. */
    public void clearTimers() {
        timers.clear();
        if (wake != null) {
            wake.cancel(false);
            wake = null;
        }
        wakeDue = Long.MAX_VALUE;
    }

    /**
     * The virtual time outside input (an action, an AGI reply) runs at: the wall clock's, but never past a timer that
     * is already due and not yet run. Under load timers run late; had input moved the clock to the wall time, a late
     * timer would have set it back to its own due time, and a caller who joined "later" got answered "before"
     * joining (negative waits in the simulator's own queue_log). Input arriving while timers are overdue is taken as
     * having come just before them.
     */
    private long inputNow() {
        long wall = wallVirtualNow();
        Timer next = timers.peek();
        long cap = next == null ? wall : Math.min(wall, next.due);
        return Math.max(now, cap);
    }

    private void tick() {
        long t0 = System.nanoTime();
        wake = null;
        wakeDue = Long.MAX_VALUE;
        inTick = true;
        long target = wallVirtualNow();
        Timer t;
        while ((t = timers.peek()) != null && t.due <= target) {
            timers.poll();
            if (t.cancelled) {
                continue;
            }
            // A timer sees its own due time, which keeps a seeded run's timeline independent of when actions and
            // AGI replies happened to arrive. Outside input never moves the clock past a pending timer
            // (inputNow), so this never sets the clock back.
            now = Math.max(now, t.due);
            recordLag((wallVirtualNow() - t.due) / speed);
            safely(t.task);
            timersRun++;
        }
        inTick = false;
        while ((t = timers.peek()) != null && t.cancelled) {
            timers.poll();
        }
        if (t != null) {
            arm(t.due);
        }
        busyNanos += System.nanoTime() - t0;
    }

    private void recordLag(double lagMs) {
        lagSamples++;
        lagSumMs += lagMs;
        lagMaxMs = Math.max(lagMaxMs, lagMs);
        int bucket = 0;
        double edge = 0.125;
        while (lagMs >= edge && bucket < lagHistogram.length - 1) {
            bucket++;
            edge *= 2;
        }
        lagHistogram[bucket]++;
    }

    /** Lag of timers behind the wall clock, in wall milliseconds. */
    /**
     * @param samples       timers run
     * @param meanMs        mean lag behind the wall clock
     * @param p99Ms         99th percentile lag (upper edge of its power-of-two bucket)
     * @param maxMs         largest lag
     * @param pendingTimers timers waiting now
     * @param busyMs        wall time the engine thread spent working (its load)
     */
    public record LagStats(long samples, double meanMs, double p99Ms, double maxMs, int pendingTimers, double busyMs) {
    }

    public CompletableFuture<LagStats> stats() {
        return call(() -> {
            long target = (long) Math.ceil(lagSamples * 0.99);
            long acc = 0;
            double p99 = 0;
            double edge = 0.125;
            for (long c : lagHistogram) {
                acc += c;
                if (acc >= target) {
                    p99 = edge;
                    break;
                }
                edge *= 2;
            }
            return new LagStats(lagSamples, lagSamples == 0 ? 0 : lagSumMs / lagSamples, lagSamples == 0 ? 0 : p99,
                    lagMaxMs, timers.size(), busyNanos / 1e6);
        });
    }

    public void resetStats() {
        execute(() -> {
            lagSamples = 0;
            lagSumMs = 0;
            lagMaxMs = 0;
            busyNanos = 0;
            java.util.Arrays.fill(lagHistogram, 0);
        });
    }

    private static void safely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // One broken simulated call must not stop the whole PBX.
            LOG.error("simulator task failed", e);
        }
    }

    public void shutdown() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
