package io.ctiserver.server.omni.chat;

import io.ctiserver.server.omni.OmniConfig;
import io.ctiserver.server.omni.OmniService;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The customers' chat endpoint, on a port of its own because it faces the public web: {@code GET /chat/widget.js}
 * (the script a web site embeds), {@code GET /chat/} (a demo page embedding it) and the WebSocket
 * {@code /chat/ws}. The pipeline: address gate (connections per IP) -> HTTP codec -> request aggregator (bounded)
 * -> idle close -> WebSocket upgrade (frames bounded by {@code maxFrameBytes}; a bigger one closes with 1009) ->
 * {@link CustomerHandler} -> static files.
 */
public final class ChatServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChatServer.class);
    /** A connection with no frame either way for this long is closed (a resumed chat reconnects). */
    static final int IDLE_SECONDS = 120;
    /** How long a close frame the server sent waits for the customer's close reply before the socket is closed. */
    static final long CLOSE_REPLY_MILLIS = 2_000;

    private final OmniService omni;
    private final OmniConfig.Chat config;
    private final IpLimits ips;
    private final byte[] widget;
    private final byte[] page;
    private final AtomicLong notReading = new AtomicLong();
    private EventLoopGroup group;
    private Channel server;

    public ChatServer(OmniService omni) {
        this.omni = omni;
        this.config = omni.config().chat();
        this.ips = new IpLimits(config.maxConnectionsPerIp(), config.newChatsPerIpPerMinute());
        this.widget = resource("chat/widget.js");
        this.page = resource("chat/index.html");
    }

    public ChatServer start() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        WebSocketServerProtocolConfig ws = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/chat/ws")
                .maxFramePayloadLength(config.maxFrameBytes())
                .handshakeTimeoutMillis(10_000)
                .build();
        ChannelHandler files = new Files();
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(16 << 10, 64 << 10))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        InetSocketAddress remote = ch.remoteAddress();
                        if (remote == null || !ips.open(remote.getAddress())) {
                            ch.close(); // too many connections from this address
                            return;
                        }
                        ch.pipeline().addLast(new HttpServerCodec(4096, 8192, 8192),
                                new HttpObjectAggregator(8192),
                                new IdleStateHandler(0, 0, IDLE_SECONDS) {
                                    @Override
                                    protected void channelIdle(ChannelHandlerContext ctx,
                                                               io.netty.handler.timeout.IdleStateEvent evt) {
                                        ctx.close();
                                    }
                                },
                                new WebSocketServerProtocolHandler(ws),
                                new CustomerHandler(omni, ips, remote.getAddress(), notReading::incrementAndGet),
                                files);
                    }
                })
                .bind(new InetSocketAddress(config.bind(), config.port())).sync().channel();
        LOG.info("customer chat on {}:{} (widget /chat/widget.js, WebSocket /chat/ws)", config.bind(), port());
        return this;
    }

    /** Customer connections closed because they did not read what was sent to them. */
    public long closedNotReading() {
        return notReading.get();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = ChatServer.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }

    /** The widget and its demo page; everything else is 404. Any site may load the widget (it is public). */
    @ChannelHandler.Sharable
    private final class Files extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String path = new QueryStringDecoder(req.uri()).path();
            FullHttpResponse res;
            if (!req.method().equals(HttpMethod.GET)) {
                res = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "GET only");
            } else if (path.equals("/chat/widget.js")) {
                res = body(widget, "text/javascript; charset=utf-8");
                res.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
                res.headers().set(HttpHeaderNames.CACHE_CONTROL, "max-age=300");
            } else if (path.equals("/chat/") || path.equals("/chat") || path.equals("/")) {
                res = body(page, "text/html; charset=utf-8");
                res.headers().set("Content-Security-Policy", "default-src 'self'; connect-src 'self' ws: wss:; "
                        + "style-src 'self' 'unsafe-inline'");
            } else {
                res = text(HttpResponseStatus.NOT_FOUND, "not found");
            }
            res.headers().set("X-Content-Type-Options", "nosniff");
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(res, keepAlive);
            var f = ctx.writeAndFlush(res);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        private FullHttpResponse body(byte[] b, String type) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.wrappedBuffer(b));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, b.length);
            return res;
        }

        private FullHttpResponse text(HttpResponseStatus status, String msg) {
            FullHttpResponse res = body(msg.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
            res.setStatus(status);
            return res;
        }
    }

}
