package io.ctiserver.server.gateway.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.gateway.auth.Role;
import io.ctiserver.server.gateway.auth.User;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The raw frames of the outbox are the bytes Netty's WebSocket encoder writes for the same text, at every size. */
class OutboxTest {

    @Test
    void frameHeaderAndPrefixAreWhatTheEncoderWrites() {
        // Payload lengths around the 7-bit, 16-bit and 64-bit length forms (125/126, 65535/65536).
        for (int tail : new int[] {1, 100, 114, 115, 116, 117, 1000, 65_520, 65_526, 65_527, 65_528, 70_000}) {
            for (long seq : new long[] {1, 9, 10, 12_345, Long.MAX_VALUE}) {
                byte[] body = body(tail + 1);
                ByteBuf ours = Unpooled.buffer();
                Outbox.head(ours, seq, tail);
                ours.writeBytes(body, 1, tail);
                assertArrayEquals(encoded(DesktopSession.frame(seq, body)), ByteBufUtil.getBytes(ours),
                        "tail " + tail + ", seq " + seq);
                ours.release();
            }
        }
    }

    @Test
    void aDeliveredEventReachesTheChannelAsOneTextFrameWithItsSeq() {
        EmbeddedChannel ch = new EmbeddedChannel();
        DesktopSession s = new DesktopSession("id", new User("sup", Role.SUPERVISOR, null, null, null, null, "pbx1", List.of(),
                false, List.of()), 16,
                60_000_000_000L, 16, new RateLimiter(10, 10));
        s.attach(ch, -1, seq -> "{\"type\":\"snapshot\"}".getBytes(StandardCharsets.UTF_8), false);
        TextWebSocketFrame snapshot = ch.readOutbound(); // not encoded: this channel has no WebSocket encoder
        assertEquals("{\"type\":\"snapshot\"}", snapshot.text());
        snapshot.release();
        SharedBody body = new SharedBody("{\"type\":\"agent.state\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8));
        s.deliver(body, System.nanoTime());
        s.deliver(body, System.nanoTime());
        body.release();
        assertEquals(2, s.pendingFrames(), "queued in the outbox, not yet written");
        ch.runPendingTasks();
        EmbeddedChannel decoder = new EmbeddedChannel(new WebSocket08FrameDecoder(
                WebSocketDecoderConfig.newBuilder().expectMaskedFrames(false).build()));
        for (Object o; (o = ch.readOutbound()) != null; ) {
            decoder.writeInbound(o);
        }
        TextWebSocketFrame first = decoder.readInbound();
        TextWebSocketFrame second = decoder.readInbound();
        assertEquals("{\"seq\":1,\"type\":\"agent.state\",\"payload\":{}}", first.text());
        assertEquals("{\"seq\":2,\"type\":\"agent.state\",\"payload\":{}}", second.text());
        first.release();
        second.release();
        assertEquals(0, s.pendingFrames(), "both written");
        assertFalse(decoder.finishAndReleaseAll());
        assertTrue(ch.isActive());
    }

    @Test
    void aWriteProbeIsToldOfEachFrameOnceWrittenWithTheTimeItsEventEntered() {
        EmbeddedChannel ch = new EmbeddedChannel();
        Outboxes outboxes = new Outboxes();
        List<long[]> seen = new java.util.ArrayList<>();
        List<SharedBody> bodies = new java.util.ArrayList<>();
        outboxes.probe((b, at) -> {
            bodies.add(b);
            seen.add(new long[] {b.enteredNanos(), at});
        });
        DesktopSession s = new DesktopSession("id", new User("sup", Role.SUPERVISOR, null, null, null, null, "pbx1",
                List.of(), false, List.of()), 16, 60_000_000_000L, 16, new RateLimiter(10, 10), () -> { },
                OutboundBudget.unlimited(), outboxes);
        s.attach(ch, -1, seq -> "{\"type\":\"snapshot\"}".getBytes(StandardCharsets.UTF_8), false);
        ((TextWebSocketFrame) ch.readOutbound()).release();
        long entered = System.nanoTime();
        SharedBody body = new SharedBody("{\"type\":\"presence\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8),
                entered);
        s.deliver(body, System.nanoTime());
        body.release();
        assertTrue(seen.isEmpty(), "queued, not written yet");
        ch.runPendingTasks();
        assertEquals(1, seen.size());
        assertTrue(bodies.get(0) == body, "the frame's own body");
        assertEquals(entered, seen.get(0)[0]);
        assertTrue(seen.get(0)[1] >= entered, "written after it entered");
        outboxes.probe(null);
        SharedBody next = new SharedBody("{\"type\":\"presence\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8));
        s.deliver(next, System.nanoTime());
        next.release();
        ch.runPendingTasks();
        assertEquals(1, seen.size(), "no probe, no call");
        for (Object o; (o = ch.readOutbound()) != null; ) {
            io.netty.util.ReferenceCountUtil.release(o);
        }
    }

    private static byte[] body(int length) {
        byte[] b = new byte[length];
        b[0] = '{';
        for (int i = 1; i < length; i++) {
            b[i] = (byte) ('a' + i % 26);
        }
        return b;
    }

    private static byte[] encoded(ByteBuf text) {
        EmbeddedChannel enc = new EmbeddedChannel(new WebSocket08FrameEncoder(false));
        enc.writeOutbound(new TextWebSocketFrame(text));
        ByteBuf all = Unpooled.buffer();
        for (ByteBuf b; (b = enc.readOutbound()) != null; ) {
            all.writeBytes(b);
            b.release();
        }
        byte[] out = ByteBufUtil.getBytes(all);
        all.release();
        return out;
    }
}
