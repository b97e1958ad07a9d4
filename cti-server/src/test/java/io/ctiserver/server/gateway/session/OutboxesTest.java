package io.ctiserver.server.gateway.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.channel.Channel;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalChannel;
import org.junit.jupiter.api.Test;

/** One outbox per loop while it has connections, none after: connections on throw-away loops leave nothing behind. */
class OutboxesTest {

    @Test
    void connectionsOfOneLoopShareItsOutboxUntilTheLastCloses() throws Exception {
        DefaultEventLoopGroup group = new DefaultEventLoopGroup(1);
        try {
            Outboxes outboxes = new Outboxes();
            Channel a = new LocalChannel();
            Channel b = new LocalChannel();
            group.register(a).sync();
            group.register(b).sync();
            Outbox first = outboxes.of(a);
            assertSame(first, outboxes.of(b), "one outbox per loop");
            assertEquals(1, outboxes.size());
            a.close().sync();
            assertEquals(1, outboxes.size(), "b still uses it");
            b.close().sync();
            assertEquals(0, outboxes.size(), "the loop's last connection closed");

            Channel c = new LocalChannel();
            group.register(c).sync();
            assertNotSame(first, outboxes.of(c), "a new connection gets a fresh one");
            c.close().sync();
            assertEquals(0, outboxes.size());
        } finally {
            group.shutdownGracefully().sync();
        }
    }

    @Test
    void connectionsOnThrowAwayLoopsLeaveNoOutbox() {
        Outboxes outboxes = new Outboxes();
        for (int i = 0; i < 100_000; i++) {
            EmbeddedChannel ch = new EmbeddedChannel();
            outboxes.of(ch);
            ch.close();
        }
        assertEquals(0, outboxes.size());
    }
}
