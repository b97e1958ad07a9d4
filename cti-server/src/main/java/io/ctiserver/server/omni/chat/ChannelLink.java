package io.ctiserver.server.omni.chat;

import io.ctiserver.server.omni.CustomerLink;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A customer's WebSocket as the omni thread writes to it. At most {@code limit} frames wait to be written: a customer
 * who never reads is closed (1008) instead of growing the server's memory; the chat stays resumable and its
 * transcript holds every message, so a resume gets them all.
 */
final class ChannelLink implements CustomerLink {

    static final int CLOSE_NOT_READING = 1008;

    private final Channel ch;
    private final int limit;
    private final Runnable onNotReading;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile boolean closed;

    ChannelLink(Channel ch, int limit, Runnable onNotReading) {
        this.ch = ch;
        this.limit = limit;
        this.onNotReading = onNotReading;
    }

    @Override
    public void send(byte[] frame) {
        if (closed) {
            return;
        }
        if (pending.get() >= limit) {
            closed = true;
            onNotReading.run();
            ch.writeAndFlush(new CloseWebSocketFrame(CLOSE_NOT_READING, "not reading: " + limit
                    + " messages waiting; resume to get them"));
            ch.close();
            return;
        }
        pending.incrementAndGet();
        ch.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame))).addListener(f -> pending.decrementAndGet());
    }

    @Override
    public void replay(byte[] frame) {
        if (!closed) {
            ch.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(frame)));
        }
    }

    @Override
    public void close(byte[] lastFrame) {
        if (closed) {
            return;
        }
        closed = true;
        ch.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(lastFrame)));
        ch.writeAndFlush(new CloseWebSocketFrame(1000, "chat ended")).addListener(ChannelFutureListener.CLOSE);
    }

    int pending() {
        return pending.get();
    }
}
