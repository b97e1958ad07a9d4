package io.ctiserver.server.gateway.session;

import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The {@link Outbox} of each event loop of one gateway (a handful: one per loop). */
final class Outboxes {

    private final Map<EventLoop, Outbox> byLoop = new ConcurrentHashMap<>();
    /** The bench's hook on every written frame; null in production. */
    private volatile WriteProbe probe;

    void probe(WriteProbe p) {
        this.probe = p;
    }

    WriteProbe probe() {
        return probe;
    }

    Outbox of(EventLoop loop) {
        return byLoop.computeIfAbsent(loop, Outbox::new);
    }
}
