package io.ctiserver.server.gateway.bench;

import io.netty.bootstrap.Bootstrap;
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
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The desktops of {@code bench ws}, in their own JVM (10,000 sockets on each side would not fit one process's file
 * limit). Connects one WebSocket per token, then measures, for every frame that carries a bench marker, the time since
 * the marker's {@code System.nanoTime()} (the same monotonic clock in both JVMs on Linux).
 *
 * <p>Protocol on stdin/stdout: prints {@code CONNECTED n}; reads {@code RESET} (forget samples), {@code REPORT}
 * (prints {@code RESULT count p50 p99 p999 max frames closed}, times in microseconds; in presence mode a second line
 * {@code PRESENCE count p50 p99 p999 max} for the frames that carried the presence marker) and {@code QUIT}.
 */
public final class WsBenchClient {

    static final String MARKER = "\"pausedReason\":\"bench-";
    /** {@code bench presence}: a presence line's hint carries the marker. */
    static final String PRESENCE_MARKER = "\"hint\":\"bench-";
    private static final String SUBSCRIBE_PRESENCE = "{\"type\":\"subscribe\",\"id\":\"p\",\"presence\":true}";
    /** With a third argument {@code presence}: each desktop subscribes to presence and is ready after its snapshot. */
    private static boolean presence;

    private static final int MAX_SAMPLES = 4_000_000;
    private static final long[] samples = new long[MAX_SAMPLES];
    private static final AtomicInteger count = new AtomicInteger();
    private static final long[] presenceSamples = new long[MAX_SAMPLES];
    private static final AtomicInteger presenceCount = new AtomicInteger();
    private static final AtomicInteger connected = new AtomicInteger();
    private static final AtomicLong frames = new AtomicLong();
    private static final AtomicInteger closed = new AtomicInteger();

    private WsBenchClient() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        List<String> tokens = Files.readAllLines(Path.of(args[1]));
        presence = args.length > 2 && args[2].equals("presence");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Semaphore inFlight = new Semaphore(256);
        for (String token : tokens) {
            inFlight.acquire();
            URI uri = URI.create("ws://127.0.0.1:" + port + "/ws?token=" + token);
            WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                    .webSocketUri(uri).maxFramePayloadLength(64 << 20).handshakeTimeoutMillis(60_000).build();
            new Bootstrap().group(group).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                    new WebSocketClientProtocolHandler(config), new Desktop(inFlight));
                        }
                    })
                    .connect("127.0.0.1", port).addListener(f -> {
                        if (!f.isSuccess()) {
                            System.err.println("connect failed: " + f.cause());
                            inFlight.release();
                        }
                    });
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (connected.get() < tokens.size() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        System.out.println("CONNECTED " + connected.get());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.trim()) {
                case "RESET" -> {
                    count.set(0);
                    presenceCount.set(0);
                    frames.set(0);
                }
                case "REPORT" -> {
                    System.out.println(report());
                    if (presence) {
                        System.out.println("PRESENCE " + percentiles(presenceSamples, presenceCount));
                    }
                }
                case "QUIT" -> {
                    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                    System.exit(0);
                }
                default -> System.err.println("unknown command " + line);
            }
            System.out.flush();
        }
        System.exit(0);
    }

    private static String report() {
        return "RESULT " + percentiles(samples, count) + " " + frames.get() + " " + closed.get();
    }

    private static String percentiles(long[] samples, AtomicInteger count) {
        int n = Math.min(count.get(), MAX_SAMPLES);
        long[] s = Arrays.copyOf(samples, n);
        Arrays.sort(s);
        return n + " " + pct(s, 0.50) + " " + pct(s, 0.99) + " " + pct(s, 0.999) + " " + (n == 0 ? 0 : s[n - 1] / 1000);
    }

    private static long pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1000;
    }

    private static final class Desktop extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final Semaphore inFlight;
        private boolean ready;

        Desktop(Semaphore inFlight) {
            this.inFlight = inFlight;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            long now = System.nanoTime();
            String text = frame.content().toString(StandardCharsets.UTF_8);
            if (!ready) {
                if (presence && text.contains("\"type\":\"snapshot\"")) {
                    ctx.writeAndFlush(new TextWebSocketFrame(SUBSCRIBE_PRESENCE));
                } else if (text.contains(presence ? "\"type\":\"presence.snapshot\"" : "\"type\":\"snapshot\"")) {
                    ready = true;
                    connected.incrementAndGet();
                    inFlight.release();
                }
                return;
            }
            frames.incrementAndGet();
            String marker = MARKER;
            int i = text.indexOf(MARKER);
            if (i < 0 && presence) {
                marker = PRESENCE_MARKER;
                i = text.indexOf(PRESENCE_MARKER);
            }
            if (i < 0) {
                return;
            }
            int start = i + marker.length();
            int end = start;
            while (end < text.length() && Character.isDigit(text.charAt(end))) {
                end++;
            }
            long sent = Long.parseLong(text, start, end, 10);
            boolean isPresence = marker == PRESENCE_MARKER;
            int slot = (isPresence ? presenceCount : count).getAndIncrement();
            if (slot < MAX_SAMPLES) {
                (isPresence ? presenceSamples : samples)[slot] = now - sent;
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ready) {
                closed.incrementAndGet();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.err.println("desktop failed: " + cause);
            ctx.close();
        }
    }
}
