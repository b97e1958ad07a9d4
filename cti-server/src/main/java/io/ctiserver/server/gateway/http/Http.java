package io.ctiserver.server.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.ctiserver.server.gateway.Json;
import io.ctiserver.server.gateway.commands.CommandError;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;

/** Writing HTTP answers. */
final class Http {

    private Http() {
    }

    static byte[] json(Object value) {
        try {
            return Json.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void sendJson(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, Object body) {
        send(ctx, keepAlive, status, json(body), "application/json");
    }

    static void sendError(ChannelHandlerContext ctx, boolean keepAlive, CommandError error) {
        sendJson(ctx, keepAlive, HttpResponseStatus.valueOf(error.httpStatus()), Map.of("ok", false, "error", error));
    }

    /** A refusal for being busy: the error, and {@code Retry-After} with when to try again. */
    static void sendBusy(ChannelHandlerContext ctx, boolean keepAlive, CommandError error, int retryAfterSeconds) {
        send(ctx, keepAlive, HttpResponseStatus.valueOf(error.httpStatus()), json(Map.of("ok", false, "error", error)),
                "application/json", retryAfterSeconds);
    }

    static void send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, byte[] body,
                     String contentType) {
        send(ctx, keepAlive, status, body, contentType, 0);
    }

    private static void send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, byte[] body,
                             String contentType, int retryAfterSeconds) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        res.headers().set("X-Content-Type-Options", "nosniff");
        if (retryAfterSeconds > 0) {
            res.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        HttpUtil.setContentLength(res, body.length);
        if (keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(res);
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
