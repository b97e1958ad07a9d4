package io.ctiserver.server.gateway.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The WebSocket connections each token opened, so that a token that ends (logout, expiry) also ends them: a desktop
 * is closed with 4401 and the reason, instead of receiving events on a token that no longer grants them. Bounded by
 * the open connections: a connection leaves when it closes.
 */
public final class TokenConnections {

    /** The close code of a connection whose token ended (the private range, as an invalid token's 4401). */
    public static final int CLOSE_TOKEN_ENDED = 4401;

    private final Map<String, Set<Channel>> byToken = new ConcurrentHashMap<>();

    void add(String token, Channel ch) {
        byToken.computeIfAbsent(token, k -> ConcurrentHashMap.newKeySet()).add(ch);
    }

    void remove(String token, Channel ch) {
        byToken.computeIfPresent(token, (k, set) -> {
            set.remove(ch);
            return set.isEmpty() ? null : set;
        });
    }

    /** Closes every connection of {@code token} with {@link #CLOSE_TOKEN_ENDED} and {@code reason}. */
    public void closeAll(String token, String reason) {
        Set<Channel> chs = byToken.remove(token);
        if (chs == null) {
            return;
        }
        for (Channel ch : chs) {
            ch.writeAndFlush(new CloseWebSocketFrame(CLOSE_TOKEN_ENDED, reason))
                    .addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Connections open under some token (for tests and health). */
    public int size() {
        return byToken.values().stream().mapToInt(Set::size).sum();
    }
}
