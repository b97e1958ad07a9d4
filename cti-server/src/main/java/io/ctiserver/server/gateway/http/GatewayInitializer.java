package io.ctiserver.server.gateway.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.buffer.Unpooled;
import io.ctiserver.server.gateway.commands.CommandError;
import java.util.Map;

/**
 * The pipeline of one connection: [TLS] -> HTTP codec -> request aggregator (bounded by {@code maxFrameBytes}) ->
 * WebSocket upgrade at {@code /ws} (frames bounded by {@code maxFrameBytes}) -> desktop handler -> REST/static handler.
 */
public final class GatewayInitializer extends ChannelInitializer<SocketChannel> {

    /**
     * Seconds without a frame from a desktop before it is pinged (again every as many seconds); one silent for three
     * such periods (three pings unanswered, 90 s by default) is closed. Counted on what the desktop sends, not on what
     * it is sent: a desktop that receives events all the time must be pinged too, or it is never heard from. System
     * property {@code cti.gateway.pingSeconds} (read when the gateway starts; default 30) for proxies that cut quieter
     * connections sooner, and for tests.
     */
    static final int DEFAULT_PING_SECONDS = 30;
    static final int PINGS_UNANSWERED = 3;

    private final GatewayServices services;
    private final SslContext ssl;
    private final ApiHandler api;
    private final WebSocketServerProtocolConfig wsConfig;
    /** How long a close frame the gateway sent waits for the desktop's close reply before the socket is closed. */
    public static final long CLOSE_REPLY_MILLIS = 2_000;
    private final int pingSeconds = Integer.getInteger("cti.gateway.pingSeconds", DEFAULT_PING_SECONDS);

    public GatewayInitializer(GatewayServices services, SslContext ssl) {
        this.services = services;
        this.ssl = ssl;
        this.api = new ApiHandler(services);
        this.wsConfig = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/ws")
                .checkStartsWith(true)
                .maxFramePayloadLength(services.config().maxFrameBytes())
                .handshakeTimeoutMillis(10_000)
                .build();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ChannelPipeline p = ch.pipeline();
        if (ssl != null) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        int max = services.config().maxFrameBytes();
        p.addLast("http", new HttpServerCodec(4096, 8192, 8192));
        p.addLast("idle", new IdleStateHandler(pingSeconds, 0, 0));
        p.addLast("aggregator", new JsonAwareAggregator(max));
        p.addLast("ws", new WebSocketServerProtocolHandler(wsConfig));
        p.addLast("ws-aggregator", new WebSocketFrameAggregator(max));
        p.addLast("desktop", new WebSocketHandler(services, pingSeconds));
        p.addLast("api", api);
    }

    /** A REST body over the limit gets the gateway's JSON error (413 frame_too_large), then the connection closes. */
    private static final class JsonAwareAggregator extends HttpObjectAggregator {
        JsonAwareAggregator(int max) {
            super(max);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            byte[] body = Http.json(Map.of("ok", false, "error", CommandError.of(CommandError.Code.FRAME_TOO_LARGE,
                    "request body over " + maxContentLength() + " bytes")));
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.wrappedBuffer(body));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
