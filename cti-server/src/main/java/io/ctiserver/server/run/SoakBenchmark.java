package io.ctiserver.server.run;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.server.bench.BenchCommand;
import io.ctiserver.server.cli.CliArgs;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.gateway.auth.PasswordHash;
import io.ctiserver.server.gateway.session.DesktopSession;
import io.ctiserver.server.sim.PbxSimulator;
import io.ctiserver.server.sim.SimBenchmark;
import io.ctiserver.server.sim.SimConfig;
import io.ctiserver.server.storage.schema.Dialect;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code bench soak --minutes N [--rate 20] [--desktops 200] [--agents 200]}: the whole server (simulator, AMI link,
 * tracker, FastAGI routing, gateway) for N minutes at {@code rate} calls per second with one WebSocket desktop per
 * agent, reporting each minute: used heap after a full GC (the least of three), H2's page cache (part of that heap),
 * calls tracked against calls up in the PBX, channels up in the PBX, desktops attached, events held in resume
 * buffers, the event lag at the desktops (event time to frame receipt, p50/p99/max), open file descriptors. Then
 * traffic stops and the tracked calls must drain to 0.
 *
 * <p>Pass rule (the 60-minute run): heap after GC at every minute from 5 on within 10% of minute 5's, and tracked
 * calls back to the PBX's live count (0) once the traffic has drained. Exit status 0 when both hold.
 */
public final class SoakBenchmark implements BenchCommand.Benchmark {

    @Override
    public String summary() {
        return "N minutes at 20 calls/s with 200 desktops: heap, tracked objects, lag, fds per minute";
    }

    @Override
    public int run(List<String> args) throws Exception {
        CliArgs a = CliArgs.parse(args, Set.of("minutes", "rate", "desktops", "agents"), Set.of());
        int minutes = a.getInt("minutes", 60);
        double rate = a.getDouble("rate", 20);
        int agents = a.getInt("agents", 200);
        int desktopsWanted = a.getInt("desktops", 200);
        SimConfig sim = SimBenchmark.scaleConfig(agents, rate, 18, 40).withAmiPort(0);

        ObjectNode root = (ObjectNode) ServerConfig.mapper().readTree(
                SoakBenchmark.class.getResourceAsStream(ServerConfig.DEMO_RESOURCE));
        ObjectNode simNode = ServerConfig.mapper().valueToTree(sim);
        simNode.put("enabled", true).put("agiTimeoutMs", 2000).put("amiPort", 0);
        root.set("sim", simNode);
        root.remove("wrapUp"); // agents take the next call at once, as in the soak runs before the server's wrap-up
        root.withObject("/agi").put("port", 0);
        root.withObject("/omni").withObject("/chat").put("port", 0);
        root.withObject("/gateway").put("port", 0).put("kpiIntervalMillis", 2000);
        ArrayNode users = root.withObject("/gateway").putArray("users");
        String hash = PasswordHash.hash("soak".toCharArray(), 1000);
        List<String> names = new ArrayList<>();
        for (SimConfig.QueueConfig q : sim.queues()) {
            for (SimConfig.MemberConfig m : q.members()) {
                String name = "soak" + names.size();
                names.add(name);
                users.addObject().put("username", name).put("password", hash).put("role", "agent")
                        .put("iface", m.iface()).put("memberName", m.name() == null ? name : m.name())
                        .putArray("queues").add(q.name());
            }
        }
        System.out.printf("bench soak: %d minutes, %.1f calls/s, %d agents, %d desktops; heap max %d MiB%n", minutes,
                rate, agents, Math.min(desktopsWanted, names.size()), Runtime.getRuntime().maxMemory() >> 20);

        try (CtiServer server = CtiServer.start(ServerConfig.of(root))) {
            // The heap measured is the server's: the simulator's in-memory queue_log (the truth tests read, which
            // Asterisk keeps on its own disk) would add some 3,000 lines a minute at 20 calls/s.
            server.simulator().keepQueueLogLines(0);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (server.amiClient(CtiServer.DEMO_PBX).state() != AmiLinkState.FULLY_BOOTED) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the AMI link to the simulator never came up");
                }
                Thread.sleep(50);
            }
            Lag lag = new Lag();
            EventLoopGroup clients = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
            List<Desktop> desktops = new ArrayList<>();
            int port = server.gateway().port();
            for (int i = 0; i < Math.min(desktopsWanted, names.size()); i++) {
                Desktop d = new Desktop(clients, port, server.gateway().issueToken(names.get(i)).token(), lag);
                d.connect().sync();
                desktops.add(d);
            }
            PbxSimulator pbx = server.simulator();
            System.out.printf("%6s %10s %8s %8s %8s %9s %8s %10s %8s %8s %8s %6s %10s %7s%n", "minute", "heap MiB",
                    "db cache", "calls", "pbx", "channels", "desktops", "resumebuf", "lag p50", "p99 ms", "max ms", "fds",
                    "reconnects", "resyncs");
            double heapAt5 = -1;
            boolean heapOk = true;
            for (int m = 1; m <= minutes; m++) {
                Thread.sleep(58_000);
                double heap = heapAfterGc();
                PbxSimulator.Load load = pbx.load();
                int tracked = server.state().calls().size();
                long attached = server.gateway().sessions().all().stream().filter(DesktopSession::attached).count();
                long buffered = server.gateway().sessions().all().stream()
                        .mapToLong(DesktopSession::buffered).sum();
                long[] l = lag.takeMinute();
                System.out.printf("%6d %10.1f %8s %8d %8d %9d %8d %10d %8d %8d %8d %6d %10d %7d%n", m, heap,
                        h2CacheMiB(server), tracked,
                        load.calls(), load.channels(), attached, buffered, l[0], l[1], l[2], fds(),
                        Desktop.RECONNECTS.getAndSet(0), Desktop.RESYNCS.getAndSet(0));
                if (m == 5) {
                    heapAt5 = heap;
                } else if (m > 5 && Math.abs(heap - heapAt5) > heapAt5 * 0.10) {
                    heapOk = false;
                }
            }
            pbx.stopTraffic();
            boolean idle = pbx.awaitIdle(Duration.ofMinutes(5));
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!server.state().calls().isEmpty() && System.nanoTime() < until) {
                Thread.sleep(100);
            }
            int left = server.state().calls().size();
            desktops.forEach(Desktop::stop);
            clients.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            System.out.printf("drained: PBX idle %s, calls still tracked %d; heap within 10%% of minute 5: %s%n",
                    idle, left, minutes < 6 ? "n/a (fewer than 6 minutes)" : heapOk);
            System.out.printf("load average at the end: %.2f on %d cores%n",
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
                    Runtime.getRuntime().availableProcessors());
            boolean pass = idle && left == 0 && (minutes < 6 || heapOk);
            System.out.println(pass ? "PASS" : "FAIL");
            return pass ? 0 : 1;
        }
    }

    /**
     * Used heap after a full GC, MiB: the least of three GCs a second apart. What a leak keeps stays in all three; a
     * batch the server holds for a moment (a journal batch, a report being computed: one reading of 80 MiB between
     * readings of 65 in the soak of 3 December 18:32) is in one at most.
     */
    private static double heapAfterGc() throws InterruptedException {
        double least = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            if (i > 0) {
                Thread.sleep(1_000);
            }
            System.gc();
            Runtime rt = Runtime.getRuntime();
            least = Math.min(least, (rt.totalMemory() - rt.freeMemory()) / 1048576.0);
        }
        return least;
    }

    /**
     * H2's page cache in use, MiB, part of the heap above: a bounded cache ({@code storage.h2CacheMiB}) that fills as
     * the database grows, printed so that its share of the heap's rise can be told from a leak; "-" on PostgreSQL.
     */
    private static String h2CacheMiB(CtiServer server) {
        if (server.storage() == null || server.storage().database().dialect() != Dialect.H2) {
            return "-";
        }
        try (Connection c = server.storage().database().connection();
             PreparedStatement ps = c.prepareStatement("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS "
                     + "WHERE SETTING_NAME = 'info.CACHE_SIZE'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : "?";
        } catch (SQLException e) {
            return "?";
        }
    }

    private static long fds() {
        String[] list = new File("/proc/self/fd").list();
        return list == null ? -1 : list.length;
    }

    /**
     * One agent's desktop that behaves as cti-client.js does: it keeps its session id and last seq, and when the
     * gateway closes it (a desktop starved on a loaded machine is cut as not reading) it reconnects after a second and
     * resumes, so the soak keeps its desktops and exercises resume. Reconnects and resync snapshots are counted. A Netty
     * client that reads only a frame's head: the 200 desktops share the server's 2 cores, and the JDK client's decoding
     * of every frame into a string made them the soak's bottleneck on a busy machine.
     */
    static final class Desktop extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        static final AtomicLong RECONNECTS = new AtomicLong();
        static final AtomicLong RESYNCS = new AtomicLong();
        private static final int HEAD = 160;

        private final EventLoopGroup group;
        private final int port;
        private final String uri;
        private final Lag lag;
        private volatile String session;
        private volatile long lastSeq = -1;
        private volatile boolean stopped;
        private volatile Channel channel;

        Desktop(EventLoopGroup group, int port, String token, Lag lag) {
            this.group = group;
            this.port = port;
            this.uri = "ws://127.0.0.1:" + port + "/ws?token=" + token;
            this.lag = lag;
        }

        @Override
        public boolean isSharable() {
            return true; // one channel at a time: a new one only after the previous closed
        }

        ChannelFuture connect() {
            String resume = session == null ? "" : "&session=" + session + "&lastSeq=" + lastSeq;
            WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                    .webSocketUri(URI.create(uri + resume)).maxFramePayloadLength(16 << 20)
                    .handshakeTimeoutMillis(30_000).build();
            ChannelFuture f = new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketClientProtocolHandler(config), Desktop.this);
                        }
                    })
                    .connect("127.0.0.1", port);
            f.addListener((ChannelFuture done) -> {
                if (done.isSuccess()) {
                    channel = done.channel();
                    done.channel().closeFuture().addListener(c -> retry());
                } else {
                    retry();
                }
            });
            return f;
        }

        private void retry() {
            if (!stopped) {
                RECONNECTS.incrementAndGet();
                group.schedule(this::connect, 1, TimeUnit.SECONDS);
            }
        }

        void stop() {
            stopped = true;
            Channel c = channel;
            if (c != null) {
                c.close();
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ByteBuf b = frame.content();
            String head = b.toString(b.readerIndex(), Math.min(HEAD, b.readableBytes()), StandardCharsets.UTF_8);
            if (head.startsWith("{\"seq\":")) {
                lastSeq = Long.parseLong(head.substring(7, head.indexOf(',')));
                lag.frame(head);
            } else if (head.startsWith("{\"type\":\"snapshot\"")) {
                int at = head.indexOf("\"seq\":") + 6;
                lastSeq = Long.parseLong(head.substring(at, head.indexOf(',', at)));
                if (head.contains("\"resync\":true")) {
                    RESYNCS.incrementAndGet();
                }
            } else if (head.startsWith("{\"type\":\"welcome\"")) {
                int at = head.indexOf("\"session\":\"") + 11;
                session = head.substring(at, head.indexOf('"', at));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // the close future reconnects
        }
    }

    /** Event time (the tracker's, from the AMI message's arrival) to the frame's arrival at a desktop, per minute. */
    static final class Lag {
        private final AtomicLongArray histogram = new AtomicLongArray(16_384); // ms buckets
        private final AtomicLong max = new AtomicLong();

        void frame(String frame) {
            int at = frame.indexOf("\"time\":\"");
            if (at >= 0) {
                int end = frame.indexOf('"', at + 8);
                try {
                    long ms = Math.max(0, System.currentTimeMillis()
                            - Instant.parse(frame.substring(at + 8, end)).toEpochMilli());
                    histogram.incrementAndGet((int) Math.min(ms, histogram.length() - 1));
                    max.accumulateAndGet(ms, Math::max);
                } catch (RuntimeException ignored) {
                    // no event time in this frame
                }
            }
        }

        /** p50, p99, max in ms since the last call. */
        long[] takeMinute() {
            long[] h = new long[histogram.length()];
            long n = 0;
            for (int i = 0; i < h.length; i++) {
                h[i] = histogram.getAndSet(i, 0);
                n += h[i];
            }
            long mx = max.getAndSet(0);
            return new long[] {percentile(h, n, 0.50), percentile(h, n, 0.99), mx};
        }

        private static long percentile(long[] h, long n, double p) {
            long want = (long) Math.ceil(n * p);
            long seen = 0;
            for (int i = 0; i < h.length; i++) {
                seen += h[i];
                if (seen >= want && n > 0) {
                    return i;
                }
            }
            return -1;
        }
    }
}
