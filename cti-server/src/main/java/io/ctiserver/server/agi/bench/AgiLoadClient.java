package io.ctiserver.server.agi.bench;

import io.ctiserver.server.sim.DialplanText;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

/**
 * A synthetic Asterisk for load: {@code concurrency} FastAGI sessions in a closed loop (each session that ends starts
 * the next one), on Netty so that a thousand sessions need no thousand threads. Each session sends an environment
 * block shaped like the captured Asterisk 22 ones, answers every command like Asterisk would ({@code GET VARIABLE}
 * and {@code GET FULL VARIABLE} with values from {@link Answers}, {@code EXEC} (MSet) with {@code 200 result=0},
 * everything else {@code 200 result=1}), and counts as completed when the server set {@code CTI_ROUTE} and then
 * closed. Anything else (refused, reset, closed early, no close within the session
 * timeout) counts as rejected.
 */
public final class AgiLoadClient implements AutoCloseable {

    /** Values for GET VARIABLE, by variable name; null means "not set" ({@code 200 result=0}). */
    @FunctionalInterface
    public interface Answers {
        String value(int session, String variable);
    }

    /**
     * @param sessionsPerSecond completed sessions per second of the measured window
     * @param latencyMicros     sorted session latencies (connect to close) of the measured window
     */
    public record Result(int concurrency, long completed, long rejected, long commands, double seconds,
                         double sessionsPerSecond, long[] latencyMicros, long serverCpuNanos,
                         long clientCpuNanos) {

        /** CPU time the synthetic Asterisk spent per completed session. */
        public double clientCpuMicrosPerSession() {
            return completed == 0 ? Double.NaN : clientCpuNanos / 1000.0 / completed;
        }

        /** CPU time the server's threads spent per completed session (load-independent efficiency). */
        public double serverCpuMicrosPerSession() {
            return completed == 0 ? Double.NaN : serverCpuNanos / 1000.0 / completed;
        }

        public double percentileMillis(double p) {
            if (latencyMicros.length == 0) {
                return Double.NaN;
            }
            int i = (int) Math.ceil(p / 100.0 * latencyMicros.length) - 1;
            return latencyMicros[Math.max(0, Math.min(latencyMicros.length - 1, i))] / 1000.0;
        }
    }

    static final String CLIENT_THREADS = "bench-client";
    private static final byte[] OK = "200 result=1\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOT_SET = "200 result=0\n".getBytes(StandardCharsets.US_ASCII);

    private final EventLoopGroup group;
    private final long sessionTimeoutMillis;

    public AgiLoadClient(int threads, long sessionTimeoutMillis) {
        this.group = new MultiThreadIoEventLoopGroup(threads,
                new io.netty.util.concurrent.DefaultThreadFactory(CLIENT_THREADS), io.ctiserver.server.agi.Transport.ioHandlerFactory());
        this.sessionTimeoutMillis = sessionTimeoutMillis;
    }

    /** The environment block of session {@code n}: the captured Asterisk 22 shape, with its own ids and caller. */
    public static String envBlock(String script, int n, String dialed, String caller) {
        return "agi_network: yes\n"
                + "agi_network_script: " + script + "\n"
                + "agi_request: agi://127.0.0.1:4573/" + script + "\n"
                + "agi_channel: PJSIP/sipp-in-" + hex8(n) + "\n"
                + "agi_language: en\n"
                + "agi_type: PJSIP\n"
                + "agi_uniqueid: 1795458592." + n + "\n"
                + "agi_version: 22.10.1\n"
                + "agi_callerid: " + caller + "\n"
                + "agi_calleridname: Load Caller\n"
                + "agi_callingpres: 0\n"
                + "agi_callingani2: 0\n"
                + "agi_callington: 0\n"
                + "agi_callingtns: 0\n"
                + "agi_dnid: " + dialed + "\n"
                + "agi_rdnis: unknown\n"
                + "agi_context: incoming\n"
                + "agi_extension: " + dialed + "\n"
                + "agi_priority: 4\n"
                + "agi_enhanced: 0.0\n"
                + "agi_accountcode: \n"
                + "agi_threadid: 139682158585536\n"
                + "agi_arg_1: " + dialed + "\n"
                + "agi_arg_2: " + caller + "\n"
                + "\n";
    }

    private static String hex8(int n) {
        String h = Integer.toHexString(n);
        return "00000000".substring(h.length()) + h;
    }

    /**
     * Runs the closed loop: {@code warmupMillis} unmeasured, then {@code measureMillis} measured; then stops starting
     * sessions and waits for the running ones.
     *
     * @param env the environment block of session n
     */
    public Result run(InetSocketAddress server, int concurrency, long warmupMillis, long measureMillis,
                      IntFunction<String> env, Answers answers) throws InterruptedException {
        Run run = new Run(server, env, answers, concurrency);
        long start = System.nanoTime();
        run.measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
        run.measureTo = run.measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMillis);
        for (int i = 0; i < concurrency; i++) {
            run.startSession();
        }
        return measure(run, measureMillis, () -> { }, () -> concurrency);
    }

    /** Waits out the warm-up, measures the window, then stops the run and waits for its sessions to end. */
    private Result measure(Run run, long measureMillis, Runnable onStop, java.util.function.IntSupplier concurrency)
            throws InterruptedException {
        sleepUntil(run.measureFrom);
        long cpuFrom = cpuNanos(false);
        long clientFrom = cpuNanos(true);
        sleepUntil(run.measureTo);
        long cpu = cpuNanos(false) - cpuFrom;
        long clientCpu = cpuNanos(true) - clientFrom;
        run.stopping.set(true);
        onStop.run();
        run.drained.await(sessionTimeoutMillis + 5_000, TimeUnit.MILLISECONDS);
        long[] lat = run.latencies.toSortedArray();
        double seconds = measureMillis / 1000.0;
        return new Result(concurrency.getAsInt(), lat.length, run.rejected.sum(), run.commands.sum(), seconds,
                lat.length / seconds, lat, cpu, clientCpu);
    }

    /**
     * Runs an open loop: sessions start at {@code ratePerSecond}, evenly spaced, whatever the server's pace, so a slow
     * server meets a growing backlog instead of a client that politely waits. Latency counts from each session's
     * scheduled start, so time spent waiting for a connection is not hidden. More than {@link #MAX_OPEN_SESSIONS} at
     * once count as rejected. {@link Result#concurrency()} is the most sessions that were open at once.
     */
    public Result runOpen(InetSocketAddress server, double ratePerSecond, long warmupMillis, long measureMillis,
                          IntFunction<String> env, Answers answers) throws InterruptedException {
        Run run = new Run(server, env, answers, 0);
        run.openLoop = true;
        long start = System.nanoTime();
        run.measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
        run.measureTo = run.measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMillis);
        double interval = 1e9 / ratePerSecond;
        long[] issued = new long[1];
        io.netty.util.concurrent.ScheduledFuture<?> ticker = group.next().scheduleAtFixedRate(() -> {
            long due = (long) ((System.nanoTime() - start) / interval) + 1;
            while (issued[0] < due && !run.stopping.get()) {
                run.startScheduled(start + (long) (issued[0]++ * interval));
            }
        }, 0, 1, TimeUnit.MILLISECONDS);
        return measure(run, measureMillis, () -> {
            ticker.cancel(false);
            run.sessionEnded(false);
        }, () -> (int) run.mostOpen.get());
    }

    /** Open-loop sessions open at once beyond which new ones count as rejected (a bound on the client's memory). */
    public static final int MAX_OPEN_SESSIONS = 20_000;

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long ms = TimeUnit.NANOSECONDS.toMillis(nanoTime - System.nanoTime());
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    /**
     * CPU time of the client's threads, or of every other thread of this JVM but the caller's: the server under test.
     */
    static long cpuNanos(boolean client) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long self = Thread.currentThread().getId();
        long sum = 0;
        for (java.lang.management.ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null || t.getThreadId() == self || t.getThreadName().startsWith(CLIENT_THREADS) != client) {
                continue;
            }
            long c = mx.getThreadCpuTime(t.getThreadId());
            if (c > 0) {
                sum += c;
            }
        }
        return sum;
    }

    /**
     * Runs exactly {@code total} sessions, {@code concurrency} at a time, and waits for all of them (at most
     * {@code timeoutMillis}). Every session is counted.
     */
    public Result runSessions(InetSocketAddress server, int concurrency, int total, long timeoutMillis,
                              IntFunction<String> env, Answers answers) throws InterruptedException {
        Run run = new Run(server, env, answers, concurrency);
        run.limit = total;
        run.measureFrom = Long.MIN_VALUE;
        run.measureTo = Long.MAX_VALUE;
        long start = System.nanoTime();
        for (int i = 0; i < concurrency; i++) {
            run.startSession();
        }
        if (!run.drained.await(timeoutMillis, TimeUnit.MILLISECONDS)) {
            run.stopping.set(true);
        }
        long[] lat = run.latencies.toSortedArray();
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(concurrency, lat.length, run.rejected.sum(), run.commands.sum(), seconds,
                lat.length / seconds, lat, 0, 0);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Run {
        final InetSocketAddress server;
        final IntFunction<String> env;
        final Answers answers;
        final Bootstrap bootstrap;
        final AtomicLong sessionNo = new AtomicLong();
        final AtomicLong startedSessions = new AtomicLong();
        volatile long limit;
        final LongAdder rejected = new LongAdder();
        final LongAdder commands = new LongAdder();
        final Latencies latencies = new Latencies();
        final AtomicBoolean stopping = new AtomicBoolean();
        final AtomicLong running = new AtomicLong();
        final CountDownLatch drained = new CountDownLatch(1);
        volatile long measureFrom;
        volatile long measureTo;
        volatile boolean openLoop;
        final AtomicLong open = new AtomicLong();
        final AtomicLong mostOpen = new AtomicLong();

        Run(InetSocketAddress server, IntFunction<String> env, Answers answers, int concurrency) {
            this.server = server;
            this.env = env;
            this.answers = answers;
            this.bootstrap = new Bootstrap().group(group).channel(io.ctiserver.server.agi.Transport.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) sessionTimeoutMillis)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new LineBasedFrameDecoder(8192), new Session());
                        }
                    });
            running.set(concurrency);
        }

        void startSession() {
            if (stopping.get() || limit > 0 && startedSessions.incrementAndGet() > limit) {
                if (running.decrementAndGet() == 0) {
                    drained.countDown();
                }
                return;
            }
            ChannelFuture f = bootstrap.connect(server, localAddress(server));
            long started = System.nanoTime();
            f.addListener(cf -> {
                if (!cf.isSuccess()) {
                    count(false, started);
                    // a refused connect returns at once: do not spin on it
                    group.schedule(this::startSession, 1, TimeUnit.MILLISECONDS);
                } else {
                    Channel ch = f.channel();
                    Session s = ch.pipeline().get(Session.class);
                    s.start(ch, started);
                }
            });
        }

        /** Open loop: one session, due at {@code scheduled}; a failed connect is not retried. */
        void startScheduled(long scheduled) {
            long now = open.incrementAndGet();
            mostOpen.accumulateAndGet(now, Math::max);
            if (now > MAX_OPEN_SESSIONS) {
                count(false, scheduled);
                sessionEnded(true);
                return;
            }
            ChannelFuture f = bootstrap.connect(server, localAddress(server));
            f.addListener(cf -> {
                if (!cf.isSuccess()) {
                    count(false, scheduled);
                    sessionEnded(true);
                } else {
                    f.channel().pipeline().get(Session.class).start(f.channel(), scheduled);
                }
            });
        }

        /** Open loop: a session ended (or, with false, the run stopped); the last one after the stop drains. */
        void sessionEnded(boolean aSession) {
            long left = aSession ? open.decrementAndGet() : open.get();
            if (left == 0 && stopping.get()) {
                drained.countDown();
            }
        }

        /**
         * The server closes first, so each session leaves a TIME_WAIT entry on its side for a minute; at thousands of
         * sessions per second one source address runs out of ports whose 4-tuple is free, and SYNs meet TIME_WAIT
         * entries (lost, retried after 1 s). Loopback answers on all of 127/8: spread sessions over 1,000 source
         * addresses, as calls from many Asterisk channels would be spread over time.
         */
        InetSocketAddress localAddress(InetSocketAddress remote) {
            if (!remote.getAddress().isLoopbackAddress()) {
                return null;
            }
            long n = sessionNo.get();
            return new InetSocketAddress("127.1." + (n / 250 % 4) + "." + (1 + n % 250), 0);
        }

        void count(boolean completed, long started) {
            long end = System.nanoTime();
            if (end >= measureFrom && end < measureTo) {
                if (completed) {
                    latencies.add((end - started) / 1000);
                } else {
                    rejected.increment();
                }
            }
        }

        final class Session extends ChannelInboundHandlerAdapter {
            int n;
            long started;
            boolean routed;
            boolean done;
            io.netty.util.concurrent.ScheduledFuture<?> timer;

            void start(Channel ch, long startedNanos) {
                n = (int) sessionNo.incrementAndGet();
                started = startedNanos;
                timer = ch.eventLoop().schedule(() -> {
                    ch.close();
                }, sessionTimeoutMillis, TimeUnit.MILLISECONDS);
                ch.writeAndFlush(ByteBufUtil.writeUtf8(ch.alloc(), env.apply(n)));
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ByteBuf line = (ByteBuf) msg;
                try {
                    commands.increment();
                    // Only the reads need the text; everything else is answered by its first bytes.
                    if (startsWith(line, GET_VARIABLE)) {
                        String name = unquote(text(line, GET_VARIABLE.length));
                        String v = answers.value(n, name);
                        ctx.writeAndFlush(v == null ? Unpooled.wrappedBuffer(NOT_SET)
                                : ByteBufUtil.writeUtf8(ctx.alloc(), "200 result=1 (" + v + ")\n"));
                    } else if (startsWith(line, GET_FULL_VARIABLE)) {
                        String v = DialplanText.substitute(unquote(text(line, GET_FULL_VARIABLE.length)),
                                name -> answers.value(n, name));
                        ctx.writeAndFlush(ByteBufUtil.writeUtf8(ctx.alloc(), "200 result=1 (" + v + ")\n"));
                    } else if (startsWith(line, EXEC)) {
                        routed |= ByteBufUtil.indexOf(CTI_ROUTE_PAIR, line) >= 0;
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(EXEC_OK));
                    } else {
                        if (startsWith(line, SET_ROUTE_QUOTED) || startsWith(line, SET_ROUTE)) {
                            routed = true;
                        }
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(OK));
                    }
                } finally {
                    line.release();
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) {
                if (done || timer == null) {
                    return;
                }
                done = true;
                timer.cancel(false);
                count(routed, started);
                if (openLoop) {
                    sessionEnded(true);
                } else {
                    startSession();
                }
            }
        }
    }

    private static final byte[] GET_VARIABLE = "GET VARIABLE ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GET_FULL_VARIABLE = "GET FULL VARIABLE ".getBytes(StandardCharsets.US_ASCII);
    /** asterisk-java quotes the application's name too: {@code EXEC "MSet" "..."}. */
    private static final byte[] EXEC = "EXEC ".getBytes(StandardCharsets.US_ASCII);
    private static final ByteBuf CTI_ROUTE_PAIR = Unpooled.unreleasableBuffer(
            Unpooled.wrappedBuffer(",CTI_ROUTE=".getBytes(StandardCharsets.US_ASCII)));
    private static final byte[] EXEC_OK = "200 result=0\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SET_ROUTE_QUOTED = "SET VARIABLE \"CTI_ROUTE\" ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SET_ROUTE = "SET VARIABLE CTI_ROUTE ".getBytes(StandardCharsets.US_ASCII);

    static boolean startsWith(ByteBuf b, byte[] prefix) {
        if (b.readableBytes() < prefix.length) {
            return false;
        }
        int at = b.readerIndex();
        for (int i = 0; i < prefix.length; i++) {
            if (b.getByte(at + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String text(ByteBuf line, int from) {
        return line.toString(line.readerIndex() + from, line.readableBytes() - from, StandardCharsets.UTF_8).trim();
    }

    static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    /** Latencies in microseconds, appended from several event loops. */
    private static final class Latencies {
        private long[] values = new long[1 << 16];
        private int size;

        synchronized void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        synchronized long[] toSortedArray() {
            long[] out = Arrays.copyOf(values, size);
            Arrays.sort(out);
            return out;
        }
    }

}
