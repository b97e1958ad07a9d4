package io.ctiserver.server.gateway.session;

import io.ctiserver.server.gateway.auth.User;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One desktop's event stream: a per-session {@code seq}, a bounded buffer of recent events for resume, and the
 * WebSocket it is attached to (none while the desktop is away).
 *
 * <p>Events arrive from the fan-out thread; attach/resume come from an event loop. Both hold this object's lock, so
 * an event is either in the buffer replayed on resume or written after it, never both and never neither.
 *
 * <p>The event body is shared by every session that receives it (serialised once, copied to direct memory once:
 * {@link SharedBody}); only the {@code {"seq":N,}} prefix is per session. Frames go out through the {@link Outbox} of
 * the connection's event loop, one task per loop for all its desktops.
 */
public final class DesktopSession {

    private static final Logger LOG = LoggerFactory.getLogger(DesktopSession.class);

    /** WebSocket close code for a desktop closed because it does not read (1008: policy violation). */
    public static final int CLOSE_SLOW_CONSUMER = 1008;

    private record Buffered(long seq, long atNanos, byte[] body) {
    }

    private final String id;
    private final User user;
    private final int bufferLimit;
    private final long windowNanos;
    private final int outboundLimit;
    private final Set<String> queues = ConcurrentHashMap.newKeySet();
    private final RateLimiter limiter;
    private final Runnable onSlowClose;
    private final OutboundBudget budget;

    // Guarded by this.
    private long seq;
    private final ArrayDeque<Buffered> buffer = new ArrayDeque<>(8);
    private boolean gap;
    private Channel channel;
    /** What {@code channel} has not written yet; read without the lock by {@link OutboundBudget}. */
    private volatile Outbound outbound = new Outbound(this, null);
    /** The outbox of {@code channel}'s event loop. */
    private Outbox outbox;
    private final Outboxes outboxes;

    /**
     * Unwritten bytes beyond which a desktop is closed as not reading, whatever the frame count: 1,024 frames of a few
     * KB for each of hundreds of desktops that fall behind together, each then a direct-memory copy, exhausted the
     * direct memory in the soak (and killed the fan-out thread). The frames of one event now share one copy
     * ({@link SharedBody}), but the bound stays: it is how far behind a desktop may fall.
     */
    public static final long MAX_PENDING_BYTES = 1 << 20;
    private long detachedAtNanos;
    private String closeReason;

    /** Written only by the fan-out thread: de-duplicates a session reached through two routes of one event. */
    private long dispatchMark = -1;

    public DesktopSession(String id, User user, int bufferLimit, long windowNanos, int outboundLimit,
                          RateLimiter limiter) {
        this(id, user, bufferLimit, windowNanos, outboundLimit, limiter, () -> { }, OutboundBudget.unlimited(),
                new Outboxes());
    }

    /**
     * As above; {@code onSlowClose} is told each time this session's connection is cut for not reading (metrics);
     * its unwritten bytes count in {@code budget}, shared by every session; {@code outboxes} are the gateway's,
     * shared by all its sessions.
     */
    DesktopSession(String id, User user, int bufferLimit, long windowNanos, int outboundLimit, RateLimiter limiter,
                   Runnable onSlowClose, OutboundBudget budget, Outboxes outboxes) {
        this.onSlowClose = onSlowClose;
        this.budget = budget;
        this.outboxes = outboxes;
        this.id = id;
        this.user = user;
        this.bufferLimit = bufferLimit;
        this.windowNanos = windowNanos;
        this.outboundLimit = outboundLimit;
        this.limiter = limiter;
        this.detachedAtNanos = System.nanoTime();
    }

    /** Fan-out thread only: true the first time this session is reached for dispatch {@code mark}. */
    public boolean markDispatch(long mark) {
        if (dispatchMark == mark) {
            return false;
        }
        dispatchMark = mark;
        return true;
    }

    public String id() {
        return id;
    }

    public User user() {
        return user;
    }

    public Set<String> queues() {
        return queues;
    }

    public RateLimiter limiter() {
        return limiter;
    }

    public synchronized long seq() {
        return seq;
    }

    public synchronized boolean attached() {
        return channel != null;
    }

    public synchronized long detachedAtNanos() {
        return detachedAtNanos;
    }

    /** Why the last connection was closed by the gateway (e.g. not reading), or null. */
    public synchronized String closeReason() {
        return closeReason;
    }

    /** Appends an event (body = a JSON object serialised once) and writes it if a desktop is attached. */
    public void deliver(byte[] body, long nowNanos) {
        SharedBody shared = new SharedBody(body);
        try {
            deliver(shared, nowNanos);
        } finally {
            shared.release();
        }
    }

    /**
     * As above, for an event that goes to many sessions: they share {@code body}'s direct copy. The caller releases
     * {@code body} once it has delivered it to all of them (the frames keep their own references).
     */
    public void deliver(SharedBody body, long nowNanos) {
        synchronized (this) {
            long s = ++seq;
            buffer.addLast(new Buffered(s, nowNanos, body.json()));
            trim(nowNanos);
            if (channel != null) {
                send(channel, s, body);
            }
        }
    }

    /**
     * Events were lost before reaching this session (fan-out overflow): an attached desktop gets a resync snapshot now,
     * a detached one on its next resume.
     */
    public synchronized void resync(LongFunction<byte[]> snapshot) {
        if (channel == null) {
            gap = true;
            return;
        }
        AtomicInteger p = outbound.frames;
        p.incrementAndGet();
        channel.writeAndFlush(new TextWebSocketFrame(Unpooled.wrappedBuffer(snapshot.apply(seq))))
                .addListener(f -> p.decrementAndGet());
        gap = false;
    }

    /** Drops buffered events older than the resume window. */
    public synchronized void trim(long nowNanos) {
        while (buffer.size() > bufferLimit) {
            buffer.removeFirst();
        }
        Buffered head;
        while ((head = buffer.peekFirst()) != null && nowNanos - head.atNanos > windowNanos) {
            buffer.removeFirst();
        }
    }

    /**
     * Attaches a connection, first replaying every event after {@code lastSeq}. When the buffer no longer holds them
     * all (or events were lost), nothing is replayed and {@code snapshot} builds a resync message for the current seq.
     * Returns whether a snapshot was sent. Runs on {@code ch}'s event loop.
     */
    public synchronized boolean attach(Channel ch, long lastSeq, LongFunction<byte[]> snapshot, boolean resuming) {
        if (channel != null && channel != ch) {
            // A newer connection of the same session wins; the old one is closed.
            Channel old = channel;
            channel = null;
            old.writeAndFlush(new CloseWebSocketFrame(4409, "session resumed elsewhere")).addListener(f -> old.close());
        }
        closeReason = null;
        Outbound o = new Outbound(this, ch);
        AtomicInteger p = o.frames;
        long first = buffer.isEmpty() ? seq + 1 : buffer.peekFirst().seq;
        boolean replayable = resuming && !gap && lastSeq >= first - 1 && lastSeq <= seq;
        if (replayable) {
            // Not counted against the outbound limit: the replay is bounded by the buffer, and counting it would close
            // a desktop for the size of what it missed rather than for not reading.
            for (Buffered b : buffer) {
                if (b.seq > lastSeq) {
                    ch.write(new TextWebSocketFrame(frame(b.seq, b.body)));
                }
            }
        } else {
            p.incrementAndGet();
            ch.write(new TextWebSocketFrame(Unpooled.wrappedBuffer(snapshot.apply(seq))))
                    .addListener(f -> p.decrementAndGet());
            gap = false;
        }
        ch.flush();
        channel = ch;
        outbound = o;
        outbox = outboxes.of(ch);
        return !replayable;
    }

    /** The connection went away; the session stays resumable for the grace period. */
    public synchronized void detach(Channel ch) {
        if (channel == ch) {
            channel = null;
            detachedAtNanos = System.nanoTime();
        }
    }

    private void send(Channel ch, long s, SharedBody body) {
        Outbound o = outbound;
        if (o.closing()) {
            return; // closed for the global budget on its event loop soon; the event stays in the resume buffer
        }
        AtomicInteger p = o.frames;
        AtomicLong pb = o.bytes;
        long size = body.json().length + 24L;
        if (p.get() >= outboundLimit || (pb.get() > 0 && pb.get() + size > MAX_PENDING_BYTES)) {
            closeSlow(ch, "outbound queue full (" + outboundLimit + " frames or " + (MAX_PENDING_BYTES >> 20)
                    + " MiB): desktop not reading");
            return;
        }
        p.incrementAndGet();
        pb.addAndGet(size);
        budget.add(size);
        outbox.offer(new Outbox.Frame(ch, s, body.retainedTail(), p, pb, size, budget, body, outboxes.probe()));
    }

    /** On {@code o}'s event loop: the budget chose it. */
    private synchronized void closeOverBudget(Outbound o, long limitBytes) {
        if (channel != o.channel) {
            o.channel.close(); // replaced or detached meanwhile: still free what it holds
            return;
        }
        closeSlow(o.channel, "desktops' outbound budget (" + OutboundBudget.size(limitBytes) + ") used up and this"
                + " desktop held the most unwritten (" + OutboundBudget.size(o.bytes()) + "): desktop not reading");
    }

    private void closeSlow(Channel ch, String reason) {
        LOG.info("closing session {} of {}: {}", id, user.username(), reason);
        closeReason = reason;
        onSlowClose.run();
        channel = null;
        detachedAtNanos = System.nanoTime();
        // The close frame may never get through a peer that does not read; the close itself does.
        ch.writeAndFlush(new CloseWebSocketFrame(CLOSE_SLOW_CONSUMER, reason));
        ch.close();
    }

    /** Frames waiting to be written to the current connection (tests and metrics). */
    public synchronized int pendingFrames() {
        return outbound.frames.get();
    }

    /** Bytes of event frames waiting to be written to the current connection (tests and metrics). */
    public long pendingBytes() {
        return outbound.bytes();
    }

    Outbound outbound() {
        return outbound;
    }

    /**
     * One connection's unwritten frames: the bound of its outbound queue ({@code outboundQueueFrames},
     * {@link #MAX_PENDING_BYTES}) and its share of the {@link OutboundBudget}. Counted by writers under the session's
     * lock; read without it by the budget.
     */
    static final class Outbound {
        private final DesktopSession session;
        private final Channel channel;
        /** Frames written and not yet on the socket (event frames and snapshots). */
        final AtomicInteger frames = new AtomicInteger();
        /** Bytes of the event frames among them: each is a direct-memory copy once Netty writes it. */
        final AtomicLong bytes = new AtomicLong();
        private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

        Outbound(DesktopSession session, Channel channel) {
            this.session = session;
            this.channel = channel;
        }

        Channel channel() {
            return channel;
        }

        long bytes() {
            return bytes.get();
        }

        boolean closing() {
            return closing.get();
        }

        /** Closes this connection as not reading, on its own event loop; false if already being closed. */
        boolean closeForBudget(long limitBytes) {
            if (channel == null || !closing.compareAndSet(false, true)) {
                return false;
            }
            channel.eventLoop().execute(() -> session.closeOverBudget(this, limitBytes));
            return true;
        }
    }

    public synchronized int buffered() {
        return buffer.size();
    }

    static ByteBuf frame(long s, byte[] body) {
        byte[] prefix = ("{\"seq\":" + s + ",").getBytes(StandardCharsets.US_ASCII);
        // body is a JSON object: its leading '{' is replaced by the prefix.
        return Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(prefix), Unpooled.wrappedBuffer(body, 1, body.length - 1));
    }

    /** For tests: the seqs currently held. */
    synchronized long[] bufferedSeqs() {
        long[] out = new long[buffer.size()];
        Iterator<Buffered> it = buffer.iterator();
        for (int i = 0; i < out.length; i++) {
            out[i] = it.next().seq;
        }
        return out;
    }
}
