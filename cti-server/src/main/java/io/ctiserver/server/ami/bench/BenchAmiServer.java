package io.ctiserver.server.ami.bench;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.ami.codec.AmiBanner;
import io.ctiserver.server.ami.codec.AmiDecoder;
import io.ctiserver.server.ami.codec.AmiEncoder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;

/**
 * The benchmark's in-process Asterisk: greets, answers Challenge, Login, CoreSettings, Command and anything else
 * like Asterisk 22 would (enough for our client and for asterisk-java's login), then streams the prepared events as
 * fast as the client reads them (writes follow the channel's writability, so the server buffers little).
 */
final class BenchAmiServer implements AutoCloseable {

    private final BenchStream stream;
    private final Channel server;
    private volatile Run next;

    /** One streaming run: how many events, when it started and when the last byte was written. */
    static final class Run {
        final long events;
        final boolean onLogin;
        volatile long startNanos;
        final CompletableFuture<Long> written = new CompletableFuture<>();
        volatile Channel channel;
        private Iterator<ByteBuf> slices;

        Run(long events, boolean onLogin) {
            this.events = events;
            this.onLogin = onLogin;
        }
    }

    BenchAmiServer(BenchStream stream, EventLoopGroup group) throws InterruptedException {
        this.stream = stream;
        this.server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new AmiDecoder(false), new AmiEncoder(), new Session());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** The next client to log in gets {@code events} events, at once if {@code onLogin}, else on {@link #start}. */
    Run prepare(long events, boolean onLogin) {
        Run run = new Run(events, onLogin);
        next = run;
        return run;
    }

    void start(Run run) {
        run.channel.eventLoop().execute(() -> begin(run));
    }

    private void begin(Run run) {
        run.slices = stream.slices(run.events);
        run.startNanos = System.nanoTime();
        pump(run);
    }

    private static void pump(Run run) {
        Channel ch = run.channel;
        while (run.slices.hasNext() && ch.isWritable()) {
            ch.write(run.slices.next());
        }
        if (!run.slices.hasNext() && !run.written.isDone()) {
            ch.writeAndFlush(ch.alloc().buffer(0)).addListener(f -> run.written.complete(System.nanoTime()));
            return;
        }
        ch.flush();
    }

    @Override
    public void close() throws InterruptedException {
        server.close().sync();
    }

    private final class Session extends ChannelInboundHandlerAdapter {
        private Run run;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            run = next;
            next = null;
            if (run != null) {
                run.channel = ctx.channel();
            }
            ByteBuf banner = ctx.alloc().buffer();
            AmiEncoder.writeBanner(new AmiBanner(AmiBanner.ASTERISK_22), banner);
            ctx.writeAndFlush(banner);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof AmiMessage action)) {
                return;
            }
            String id = action.get("ActionID", "");
            String name = action.get("Action", "");
            AmiMessage answer = switch (name.toLowerCase()) {
                case "challenge" -> AmiMessage.of("Response", "Success", "ActionID", id, "Challenge", "482916355");
                case "login" -> AmiMessage.of("Response", "Success", "ActionID", id,
                        "Message", "Authentication accepted");
                case "coresettings" -> AmiMessage.of("Response", "Success", "ActionID", id, "AMIversion", "11.0.0",
                        "AsteriskVersion", "22.10.1", "SystemName", "", "CoreMaxCalls", "0");
                case "command" -> AmiMessage.of("Response", "Success", "ActionID", id,
                        "Message", "Command output follows",
                        "Output", "Asterisk 22.10.1 built by bench @ localhost on a x86_64 running Linux");
                case "ping" -> AmiMessage.of("Response", "Success", "ActionID", id, "Ping", "Pong",
                        "Timestamp", String.valueOf(System.currentTimeMillis() / 1000.0));
                case "logoff" -> AmiMessage.of("Response", "Goodbye", "ActionID", id,
                        "Message", "Thanks for all the fish.");
                default -> AmiMessage.of("Response", "Success", "ActionID", id);
            };
            if (name.equalsIgnoreCase("logoff")) {
                ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.writeAndFlush(answer);
            if (name.equalsIgnoreCase("login") && run != null && run.onLogin) {
                begin(run);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (run != null && run.slices != null && ctx.channel().isWritable()) {
                pump(run);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // the client went away mid-stream: the run is over
        }
    }
}
