package io.ctiserver.server.omni.bench;

import io.ctiserver.server.bench.Pacing;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
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
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The far side of {@code bench chat}, in its own JVM (11,000 sockets per side): agent desktops that get ready and
 * accept every offer, and customers that start a chat and, on {@code LOAD rate seconds}, send messages carrying their
 * {@code System.nanoTime()}. The desktops time two kinds of frames: a customer's chat message ({@code contact.message}
 * whose text is {@code bench-<nanos>}) and a call event ({@code agent.state} with pausedReason {@code bench-<nanos>},
 * sent by the parent at the same time: the baseline).
 *
 * <p>stdin/stdout: prints {@code DESKTOPS n}, then after {@code CUSTOMERS k}, {@code CHATS accepted}; reads
 * {@code RESET}, {@code LOAD rate seconds}, {@code REPORT} (prints {@code RESULT chat: n p50 p99 p999 max call: ...},
 * microseconds) and {@code QUIT}.
 */
public final class ChatBenchClient {

    private static final int MAX = 2_000_000;
    private static final Samples chat = new Samples();
    private static final Samples call = new Samples();
    private static final AtomicInteger desktops = new AtomicInteger();
    private static final AtomicInteger accepted = new AtomicInteger();
    private static final AtomicInteger started = new AtomicInteger();
    private static final List<Channel> customers = new CopyOnWriteArrayList<>();
    private static final AtomicLong commands = new AtomicLong();

    private static final class Samples {
        final long[] v = new long[MAX];
        final AtomicInteger n = new AtomicInteger();

        void add(long x) {
            int i = n.getAndIncrement();
            if (i < MAX) {
                v[i] = x;
            }
        }

        String report() {
            int c = Math.min(n.get(), MAX);
            long[] s = Arrays.copyOf(v, c);
            Arrays.sort(s);
            return c + " " + pct(s, .5) + " " + pct(s, .99) + " " + pct(s, .999) + " " + (c == 0 ? 0 : s[c - 1] / 1000);
        }

        private static long pct(long[] s, double p) {
            return s.length == 0 ? 0 : s[Math.min(s.length - 1, (int) Math.ceil(p * s.length) - 1)] / 1000;
        }
    }

    private ChatBenchClient() {
    }

    public static void main(String[] args) throws Exception {
        int gatewayPort = Integer.parseInt(args[0]);
        int chatPort = Integer.parseInt(args[1]);
        List<String> tokens = Files.readAllLines(Path.of(args[2]));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        Semaphore inFlight = new Semaphore(256);
        for (String token : tokens) {
            inFlight.acquire();
            connect(group, gatewayPort, "/ws?token=" + token, () -> new Desktop(inFlight), inFlight);
        }
        await(() -> desktops.get() >= tokens.size(), 300);
        System.out.println("DESKTOPS " + desktops.get());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split(" ");
            switch (w[0]) {
                case "CUSTOMERS" -> {
                    int k = Integer.parseInt(w[1]);
                    for (int i = 0; i < k; i++) {
                        inFlight.acquire();
                        connect(group, chatPort, "/chat/ws", () -> new Customer(inFlight), inFlight);
                    }
                    await(() -> accepted.get() >= k, 300);
                    System.out.println("CHATS " + accepted.get() + " started " + started.get());
                }
                case "RESET" -> {
                    chat.n.set(0);
                    call.n.set(0);
                }
                case "LOAD" -> load(Integer.parseInt(w[1]), Integer.parseInt(w[2]));
                case "REPORT" -> System.out.println("RESULT chat: " + chat.report() + " call: " + call.report());
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

    private static void connect(EventLoopGroup group, int port, String path, Supplier<ChannelHandler> handler,
                                Semaphore inFlight) {
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(URI.create("ws://127.0.0.1:" + port + path)).maxFramePayloadLength(1 << 20)
                .handshakeTimeoutMillis(60_000).build();
        new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                                new WebSocketClientProtocolHandler(config), handler.get());
                    }
                })
                .connect("127.0.0.1", port).addListener(f -> {
                    if (!f.isSuccess()) {
                        System.err.println("connect failed: " + f.cause());
                        inFlight.release();
                    }
                });
    }

    private static void await(java.util.function.BooleanSupplier done, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!done.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** {@code rate} messages per second from random customers, paced, for {@code seconds}. */
    private static void load(int rate, int seconds) {
        SplittableRandom rnd = new SplittableRandom(7);
        Pacing.paced(rate, seconds, () -> {
            Channel c = customers.get(rnd.nextInt(customers.size()));
            c.writeAndFlush(new TextWebSocketFrame("{\"type\":\"message\",\"text\":\"bench-" + System.nanoTime()
                    + "\"}"));
        });
        System.out.println("LOADED");
    }

    private static long marker(String text, String prefix) {
        int i = text.indexOf(prefix);
        if (i < 0) {
            return -1;
        }
        int s = i + prefix.length();
        int e = s;
        while (e < text.length() && Character.isDigit(text.charAt(e))) {
            e++;
        }
        return e == s ? -1 : Long.parseLong(text, s, e, 10);
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
                if (text.contains("\"type\":\"snapshot\"")) {
                    ctx.writeAndFlush(new TextWebSocketFrame(Unpooled.copiedBuffer(
                            "{\"type\":\"command\",\"id\":\"r\",\"command\":\"contact.ready\",\"ready\":true}",
                            StandardCharsets.UTF_8)));
                } else if (text.contains("\"id\":\"r\"") && text.contains("\"ok\":true")) {
                    ready = true;
                    desktops.incrementAndGet();
                    inFlight.release();
                }
                return;
            }
            if (text.contains("\"type\":\"contact.message\"")) {
                long t = marker(text, "\"text\":\"bench-");
                if (t > 0) {
                    chat.add(now - t);
                }
            } else if (text.contains("\"type\":\"agent.state\"")) {
                long t = marker(text, "\"pausedReason\":\"bench-");
                if (t > 0) {
                    call.add(now - t);
                }
            } else if (text.contains("\"type\":\"contact.offered\"")) {
                int i = text.indexOf("\"id\":\"chat-");
                int e = text.indexOf('"', i + 6);
                String id = text.substring(i + 6, e);
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"command\",\"id\":\"a" + commands.incrementAndGet()
                        + "\",\"command\":\"contact.accept\",\"contactId\":\"" + id + "\"}"));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.err.println("desktop failed: " + cause);
            ctx.close();
        }
    }

    private static final class Customer extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        private final Semaphore inFlight;
        private boolean welcomed;

        Customer(Semaphore inFlight) {
            this.inFlight = inFlight;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"start\",\"name\":\"Bench\","
                        + "\"email\":\"bench@example.com\"}"));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            String text = frame.content().toString(StandardCharsets.UTF_8);
            if (!welcomed && text.contains("\"type\":\"welcome\"")) {
                welcomed = true;
                started.incrementAndGet();
                customers.add(ctx.channel());
                inFlight.release();
            } else if (text.contains("joined the chat")) {
                accepted.incrementAndGet();
            } else if (text.contains("\"type\":\"error\"")) {
                System.err.println("customer error: " + text);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            System.err.println("customer failed: " + cause);
            ctx.close();
        }
    }
}
