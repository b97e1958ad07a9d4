package io.ctiserver.server.gateway.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The event frames on their way to the desktops of one event loop. The fan-out thread queues a frame per desktop and
 * the loop writes them all in one task: an event to 1,000 desktops on 4 loops costs 4 tasks (and at most 4 wake-ups)
 * instead of a task, a promise and a write hop per desktop, and the loop starts writing while the fan-out thread is
 * still queueing the rest.
 *
 * <p>Order: a session queues its frames under its lock, in seq order, and a channel belongs to one loop, so a desktop
 * gets its frames in order; a frame queued before any other write to the channel (a resync snapshot, a close) is
 * written before it, since the task that writes it is queued first or is already running.
 *
 * <p>Bound: every queued frame is counted in its session's unwritten frames and bytes
 * ({@link DesktopSession#MAX_PENDING_BYTES}, the outbound frame limit), so this queue holds at most that per desktop.
 *
 * <p>Frames are written as raw WebSocket bytes (header, then the per-session prefix and the shared body), not as
 * {@code TextWebSocketFrame}s: the gateway's pipeline has no WebSocket extension (no compression), so these are the
 * bytes Netty's frame encoder would write, without encoding each desktop's copy.
 */
final class Outbox implements Runnable {

    private static final byte FIN_TEXT = (byte) 0x81;
    private static final byte[] SEQ_KEY = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);
    /** Frame header (at most 10 bytes), {@code {"seq":}, 19 digits, ','. */
    private static final int HEAD_MAX = 10 + SEQ_KEY.length + 19 + 1;

    /**
     * One desktop's frame: its seq, a slice of the shared body, the counters of the connection it is for and the
     * desktops' outbound budget it is counted in; the body it is of and the bench's {@link WriteProbe} (null in
     * production).
     */
    record Frame(Channel channel, long seq, ByteBuf tail, AtomicInteger pending, AtomicLong pendingBytes, long size,
                 OutboundBudget budget, SharedBody body, WriteProbe probe) implements ChannelFutureListener {

        private void write() {
            if (!channel.isActive()) {
                tail.release();
                written();
                return;
            }
            channel.write(head(channel.alloc().directBuffer(HEAD_MAX), seq, tail.readableBytes()));
            channel.writeAndFlush(tail).addListener(this);
        }

        private void discard() {
            tail.release();
            written();
        }

        /** The frame left the connection's queue (on the socket, or failed with the connection). */
        private void written() {
            pending.decrementAndGet();
            pendingBytes.addAndGet(-size);
            budget.release(size);
        }

        @Override
        public void operationComplete(ChannelFuture future) {
            written();
            if (probe != null && future.isSuccess()) {
                probe.written(body, System.nanoTime());
            }
        }
    }

    private final EventLoop loop;
    private final Queue<Frame> frames = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    Outbox(EventLoop loop) {
        this.loop = loop;
    }

    /** Any thread: queues {@code f} and makes sure a task of the loop will write it. */
    void offer(Frame f) {
        frames.add(f);
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            try {
                loop.execute(this);
            } catch (RejectedExecutionException e) {
                // The loop has shut down (the gateway is closing): its connections are gone.
                scheduled.set(false);
                for (Frame q; (q = frames.poll()) != null; ) {
                    q.discard();
                }
            }
        }
    }

    /** On the loop: writes every frame queued so far, each flushed at once (the first desktops need not wait). */
    @Override
    public void run() {
        scheduled.set(false); // a frame queued from now on schedules another run, if this one does not take it
        for (Frame f; (f = frames.poll()) != null; ) {
            f.write();
        }
    }

    /**
     * A server's text frame header (FIN, opcode 1, unmasked) for a payload of {@code {"seq":N,} + {@code tailLength}
     * bytes, followed by that prefix, written into {@code b} (RFC 6455 section 5.2).
     */
    static ByteBuf head(ByteBuf b, long seq, int tailLength) {
        String digits = Long.toString(seq);
        long payload = SEQ_KEY.length + digits.length() + 1L + tailLength;
        b.writeByte(FIN_TEXT);
        if (payload <= 125) {
            b.writeByte((int) payload);
        } else if (payload <= 0xFFFF) {
            b.writeByte(126);
            b.writeShort((int) payload);
        } else {
            b.writeByte(127);
            b.writeLong(payload);
        }
        b.writeBytes(SEQ_KEY);
        ByteBufUtil.writeAscii(b, digits);
        b.writeByte(',');
        return b;
    }
}
