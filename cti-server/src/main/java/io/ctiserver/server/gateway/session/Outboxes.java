package io.ctiserver.server.gateway.session;

import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link Outbox} of each event loop of one gateway (a handful: one per loop). */
final class Outboxes {

    private final Map<EventLoop, Outbox> byLoop = new ConcurrentHashMap<>();

    Outbox of(EventLoop loop) {
        return byLoop.computeIfAbsent(loop, Outbox::new);
    }
}
