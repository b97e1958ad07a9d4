package io.ctiserver.server.gateway.session;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link Outbox} of each event loop of one gateway that has desktop connections. An outbox is dropped when the
 * last connection of its loop closes: a gateway's own loops are a handful, but connections on loops made per
 * connection (an {@code EmbeddedChannel} each, as the fuzz target and tests make) would otherwise keep one outbox
 * each forever (found by the 10^7-input WebSocket fuzz run: 1.46 million outboxes filled its 512 MiB heap).
 */
final class Outboxes {

    private final Map<EventLoop, Counted> byLoop = new ConcurrentHashMap<>();
    /** The bench's hook on every written frame; null in production. */
    private volatile WriteProbe probe;

    void probe(WriteProbe p) {
        this.probe = p;
    }

    WriteProbe probe() {
        return probe;
    }

    /** An outbox and the connections using it; changed only inside the map's atomic compute. */
    private static final class Counted {
        final Outbox outbox;
        int connections;

        Counted(EventLoop loop) {
            this.outbox = new Outbox(loop);
        }
    }

    /** The outbox of {@code ch}'s loop, kept while {@code ch} (or another connection of that loop) is open. */
    Outbox of(Channel ch) {
        EventLoop loop = ch.eventLoop();
        Counted c = byLoop.compute(loop, (l, e) -> {
            Counted x = e == null ? new Counted(l) : e;
            x.connections++;
            return x;
        });
        ch.closeFuture().addListener(f -> byLoop.computeIfPresent(loop, (l, e) -> --e.connections == 0 ? null : e));
        return c.outbox;
    }

    /** Loops with an outbox (tests). */
    int size() {
        return byLoop.size();
    }
}
