package io.ctiserver.server.gateway.http;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;

/**
 * The pipeline of one connection: [TLS] -> HTTP codec -> request aggregator (bounded by {@code maxFrameBytes}) ->
 * WebSocket upgrade at {@code /ws} (frames bounded by {@code maxFrameBytes}) -> desktop handler -> REST/static handler.
 */
public final class GatewayInitializer extends ChannelInitializer<SocketChannel> {

    private final GatewayServices services;
    private final SslContext ssl;
    private final ApiHandler api;
    private final WebSocketServerProtocolConfig wsConfig;

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
        p.addLast("aggregator", new HttpObjectAggregator(max));
        p.addLast("ws", new WebSocketServerProtocolHandler(wsConfig));
        p.addLast("ws-aggregator", new WebSocketFrameAggregator(max));
        p.addLast("desktop", new WebSocketHandler(services));
        p.addLast("api", api);
    }
}
