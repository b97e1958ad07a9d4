package io.ctiserver.server.ami.bench;

import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.ami.AmiListener;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.ami.AmiClient;
import io.ctiserver.server.ami.HeapReads;
import io.ctiserver.server.ami.PbxConfig;
import io.ctiserver.server.ami.codec.AmiDecoder;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallOffered;
import io.ctiserver.tracker.Tracker;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.asteriskjava.manager.DefaultManagerConnection;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.event.AbstractChannelEvent;
import org.asteriskjava.manager.event.ManagerEvent;

/**
 * The measurements behind {@code bench ami}. Each run streams the same events from {@link BenchAmiServer} over
 * loopback into one kind of client and returns events per second, from the server's first byte to the consumer's
 * last event.
 */
final class AmiBench implements AutoCloseable {

    /** Same socket settings as {@link AmiClient}, so raw scan and decoder read the stream the same way. */
    private static final PooledByteBufAllocator HEAP = new PooledByteBufAllocator(false);
    private static final byte[] LOGIN = "Action: Login\r\nActionID: 1\r\nUsername: cti\r\nSecret: bench\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final long WAIT_S = 600;

    private final EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BenchAmiServer server;
    private final java.util.Set<String> eventNames;

    private final long serverThreadId;

    AmiBench(BenchStream stream) throws Exception {
        this.server = new BenchAmiServer(stream, serverGroup);
        this.eventNames = stream.eventNames();
        this.serverThreadId = serverGroup.submit(() -> Thread.currentThread().getId()).get();
    }

    /** The limit: counts messages (blank lines) in the received bytes and does nothing else. */
    Result rawScan(long events) throws Exception {
        RawScanner scanner = new RawScanner(events + 1); // + the login response
        return overNetty(events, scanner, () -> scanner);
    }

    /** Our decoder alone: every message decoded into an AmiMessage, then counted. */
    Result decoder(long events) throws Exception {
        MessageCounter counter = new MessageCounter(events + 1);
        return overNetty(events, counter, () -> new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline().addLast(new AmiDecoder(true), counter);
            }
        });
    }

    /** The full pipeline: {@link AmiClient} (decoder, bounded queue, PBX thread) into {@code consumer}. */
    Result pipeline(long events, CountingConsumer consumer) throws Exception {
        BenchAmiServer.Run run = server.prepare(events, true);
        CpuMeter cpu = new CpuMeter();
        PbxConfig config = PbxConfig.of("bench", "127.0.0.1", server.port(), "cti", "bench")
                .withTimeouts(30_000, 600_000, 600_000);
        try (AmiClient client = new AmiClient(config, consumer, clientGroup)) {
            client.start();
            long end = awaitCountOrQuiet(consumer.count, consumer.done, run);
            return new Result(rate(consumer.count.get(), run.startNanos, end), cpu.rate(consumer.count.get()),
                    events - consumer.count.get(), client.backpressurePauses());
        }
    }

    /** asterisk-java's {@code DefaultManagerConnection} with a listener doing {@code work}. */
    Result asteriskJava(long events, long spinNanos) throws Exception {
        BenchAmiServer.Run run = server.prepare(events, false);
        CpuMeter cpu = new CpuMeter();
        ManagerConnection connection = new DefaultManagerConnection("127.0.0.1", server.port(), "cti", "bench");
        AjListener listener = new AjListener(events, spinNanos, eventNames);
        connection.addEventListener(listener);
        connection.login();
        try {
            server.start(run);
            long end = awaitCountOrQuiet(listener.count, listener.done, run);
            return new Result(rate(listener.count.get(), run.startNanos, end), cpu.rate(listener.count.get()),
                    events - listener.count.get(), 0);
        } finally {
            connection.logoff();
        }
    }

    /**
     * Events per second delivered to the consumer (wall clock, from the server's first byte), events per second of
     * CPU spent by the client side (the whole process minus the server's thread: client threads, GC, JIT), events
     * that never reached the consumer, and autoRead pauses. The CPU figure holds up on a loaded machine, where
     * other processes take the cores away and make wall-clock figures swing.
     */
    record Result(double eventsPerSecond, double eventsPerCpuSecond, long lost, long pauses) {
    }

    /** CPU time of this process minus the server's event loop, from construction to {@link #rate}. */
    private final class CpuMeter {
        private final long process0 = processCpu();
        private final long server0 = serverCpu();

        double rate(long events) {
            long client = (processCpu() - process0) - (serverCpu() - server0);
            return events / (Math.max(1, client) / 1e9);
        }
    }

    private static long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private long serverCpu() {
        return ManagementFactory.getThreadMXBean().getThreadCpuTime(serverThreadId);
    }

    /**
     * Waits for every event, or, when events are being lost, for the stream to end: everything written and no new
     * event for two seconds.
     */
    private static long awaitCountOrQuiet(AtomicLong count, CompletableFuture<Long> done, BenchAmiServer.Run run)
            throws Exception {
        long last = -1;
        long lastChange = System.nanoTime();
        long lastEventAt = System.nanoTime();
        while (!done.isDone()) {
            long now = System.nanoTime();
            long c = count.get();
            if (c != last) {
                last = c;
                lastChange = now;
                lastEventAt = now;
            } else if (run.written.isDone() && now - lastChange > TimeUnit.SECONDS.toNanos(2)) {
                return lastEventAt;
            }
            Thread.sleep(20);
        }
        return done.get();
    }

    private Result overNetty(long events, CompletionSource completion, Supplier<ChannelHandler> initializer)
            throws Exception {
        BenchAmiServer.Run run = server.prepare(events, true);
        CpuMeter cpu = new CpuMeter();
        Channel ch = new Bootstrap()
                .group(clientGroup)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, HEAP)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new HeapReads())
                .handler(initializer.get())
                .connect("127.0.0.1", server.port()).sync().channel();
        ch.writeAndFlush(Unpooled.wrappedBuffer(LOGIN));
        try {
            long end = completion.done().get(WAIT_S, TimeUnit.SECONDS);
            return new Result(rate(events, run.startNanos, end), cpu.rate(events), 0, 0);
        } finally {
            ch.close().sync();
        }
    }

    private static double rate(long events, long startNanos, long endNanos) {
        return events / ((endNanos - startNanos) / 1e9);
    }

    @Override
    public void close() throws InterruptedException {
        server.close();
        clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5_000);
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5_000);
    }

    interface CompletionSource {
        CompletableFuture<Long> done();
    }

    /** Counts blank lines, i.e. ends of messages, with one pass over the bytes. */
    @ChannelHandler.Sharable
    static final class RawScanner extends ChannelInboundHandlerAdapter implements CompletionSource {
        private final long expected;
        private final CompletableFuture<Long> done = new CompletableFuture<>();
        private long messages;
        private int lineLength;

        RawScanner(long expected) {
            this.expected = expected;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                byte[] a = buf.array();
                int n = lineLength;
                long count = 0;
                for (int i = buf.arrayOffset() + buf.readerIndex(), end = i + buf.readableBytes(); i < end; i++) {
                    byte b = a[i];
                    if (b == '\n') {
                        if (n == 0) {
                            count++;
                        }
                        n = 0;
                    } else if (b != '\r') {
                        n++;
                    }
                }
                lineLength = n;
                messages += count;
                if (messages >= expected) {
                    done.complete(System.nanoTime());
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public CompletableFuture<Long> done() {
            return done;
        }
    }

    /** Counts decoded messages. */
    @ChannelHandler.Sharable
    static final class MessageCounter extends ChannelInboundHandlerAdapter implements CompletionSource {
        private final long expected;
        private final CompletableFuture<Long> done = new CompletableFuture<>();
        private long messages;

        MessageCounter(long expected) {
            this.expected = expected;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof AmiMessage && ++messages >= expected) {
                done.complete(System.nanoTime());
            }
        }

        @Override
        public CompletableFuture<Long> done() {
            return done;
        }
    }

    /**
     * A consumer doing the light work a tracker does per event before its own logic: dispatch on the event name
     * and read the ids. With {@code spinNanos} > 0 it also burns that much CPU per event (a slow consumer).
     */
    static class CountingConsumer implements AmiListener {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        final AtomicLong count = new AtomicLong();
        private final long expected;
        private final long spinNanos;
        private final Map<String, long[]> perEvent = new HashMap<>();
        long checksum;

        CountingConsumer(long expected, long spinNanos) {
            this.expected = expected;
            this.spinNanos = spinNanos;
        }

        @Override
        public final void onMessage(AmiMessage m) {
            String event = m.eventName();
            if (event == null) {
                return;
            }
            consume(event, m);
            spin(spinNanos);
            if (count.incrementAndGet() == expected) {
                done.complete(System.nanoTime());
            }
        }

        void consume(String event, AmiMessage m) {
            perEvent.computeIfAbsent(event, k -> new long[1])[0]++;
            String uniqueid = m.get("Uniqueid");
            String linkedid = m.get("Linkedid");
            String channel = m.get("Channel");
            checksum += (uniqueid == null ? 0 : uniqueid.length()) + (linkedid == null ? 0 : linkedid.length())
                    + (channel == null ? 0 : channel.length());
        }
    }

    /**
     * The real consumer: the state tracker, building channels, bridges, calls, queues and agents and emitting the
     * domain events. It counts the calls it saw start and end, so a run shows that calls do end (bounded state).
     */
    static final class TrackerConsumer extends CountingConsumer {
        final Tracker tracker = new Tracker("bench");
        long callsOffered;
        long callsEnded;

        TrackerConsumer(long expected) {
            super(expected, 0);
            tracker.addListener(e -> {
                if (e instanceof CallOffered o && o.agentInterface() == null) {
                    callsOffered++; // once per call: the queue's offer, before any agent rings
                } else if (e instanceof CallEnded) {
                    callsEnded++;
                }
            });
        }

        @Override
        void consume(String event, AmiMessage m) {
            tracker.onMessage(m);
        }

        @Override
        public void onLinkState(String pbx, AmiLinkState state, String detail) {
            tracker.onLinkState(pbx, state, detail);
        }

        /** Calls the tracker still holds: those of the stream's last, unfinished cycle only, if state is bounded. */
        int liveCalls() {
            return tracker.view().calls().size();
        }
    }

    /** The same work over asterisk-java's typed events. */
    static final class AjListener implements org.asteriskjava.manager.ManagerEventListener {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        final AtomicLong count = new AtomicLong();
        private final long expected;
        private final long spinNanos;
        private final Map<Class<?>, Boolean> fromStream = new HashMap<>();
        private final java.util.Set<String> streamEvents;
        long checksum;

        AjListener(long expected, long spinNanos, java.util.Set<String> streamEvents) {
            this.expected = expected;
            this.spinNanos = spinNanos;
            this.streamEvents = streamEvents;
        }

        @Override
        public void onManagerEvent(ManagerEvent event) {
            // asterisk-java adds events of its own (ConnectEvent, DialEvent for each DialBegin/DialEnd, ...):
            // count only those that are one of the stream's events, by class name (VarSetEvent for VarSet).
            if (!fromStream.computeIfAbsent(event.getClass(), this::isStreamEvent)) {
                return;
            }
            if (event instanceof AbstractChannelEvent ch) {
                String u = ch.getUniqueId();
                String c = ch.getChannel();
                checksum += (u == null ? 0 : u.length()) + (c == null ? 0 : c.length());
            }
            spin(spinNanos);
            if (count.incrementAndGet() == expected) {
                done.complete(System.nanoTime());
            }
        }

        private boolean isStreamEvent(Class<?> type) {
            String name = type.getSimpleName().toLowerCase(java.util.Locale.ROOT);
            return name.endsWith("event") && streamEvents.contains(name.substring(0, name.length() - 5));
        }
    }

    static void spin(long nanos) {
        if (nanos <= 0) {
            return;
        }
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
    }
}
