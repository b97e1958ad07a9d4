package io.ctiserver.server.gateway.session;

import io.netty.util.internal.PlatformDependent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The bytes every desktop connection together may hold unwritten ({@code gateway.outboundBudgetBytes}). Each pending
 * frame becomes a direct-memory copy when Netty writes it, and each desktop may hold up to
 * {@link DesktopSession#MAX_PENDING_BYTES}: hundreds of desktops falling behind together would otherwise exhaust the
 * JVM's direct memory (the soak did, before the per-desktop cap).
 *
 * <p>When a write takes the total over the budget, the connections holding the most are closed as not reading, the
 * largest first, until what they hold covers the excess. It never waits: the thread that writes (the fan-out, the omni
 * engine) only counts, picks and hands each close to the victim's own event loop, so the tracker's hand-off and the
 * AMI pipeline are never slowed and no thread takes a second session's lock.
 */
public final class OutboundBudget {

    /** The smallest default, for JVMs whose direct memory is tiny or unknown. */
    static final long MIN_DEFAULT_BYTES = 16L << 20;

    private final long limitBytes;
    private final Supplier<? extends Collection<DesktopSession>> sessions;
    private final AtomicLong total = new AtomicLong();
    private final AtomicBoolean enforcing = new AtomicBoolean();
    private final AtomicLong cuts = new AtomicLong();

    /** @param sessions every session, to pick the connections to close from */
    public OutboundBudget(long limitBytes, Supplier<? extends Collection<DesktopSession>> sessions) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("the outbound budget must be positive");
        }
        this.limitBytes = limitBytes;
        this.sessions = sessions;
    }

    /** No global limit (a session made alone, in tests). */
    static OutboundBudget unlimited() {
        return new OutboundBudget(Long.MAX_VALUE, List::of);
    }

    /** A quarter of the JVM's max direct memory ({@code -XX:MaxDirectMemorySize}, else the heap's max), 16 MiB at least. */
    public static long defaultLimitBytes() {
        long max = PlatformDependent.maxDirectMemory();
        return Math.max(MIN_DEFAULT_BYTES, max <= 0 ? 0 : max / 4);
    }

    public long limitBytes() {
        return limitBytes;
    }

    /** Bytes written to desktop connections and not yet on their sockets, all desktops together. */
    public long pendingBytes() {
        return total.get();
    }

    /** Connections closed since start because the budget ran out. */
    public long cuts() {
        return cuts.get();
    }

    /** Counts a frame about to be written; over the budget, closes the connections holding the most. */
    void add(long bytes) {
        if (total.addAndGet(bytes) > limitBytes) {
            enforce();
        }
    }

    /** The frame was written (or failed with its connection). */
    void release(long bytes) {
        total.addAndGet(-bytes);
    }

    /** {@code 3 MiB}, {@code 1280 KiB}: for close reasons. */
    static String size(long bytes) {
        return bytes >= 1L << 20 && bytes % (1L << 20) == 0 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
    }

    private void enforce() {
        if (!enforcing.compareAndSet(false, true)) {
            return; // another writer is choosing; what it closes is counted below on the next write
        }
        try {
            List<DesktopSession.Outbound> held = new ArrayList<>();
            long closing = 0; // bytes of connections already being closed: released once Netty fails their writes
            for (DesktopSession s : sessions.get()) {
                DesktopSession.Outbound o = s.outbound();
                if (o.channel() == null || o.bytes() == 0) {
                    continue;
                }
                if (o.closing()) {
                    closing += o.bytes();
                } else {
                    held.add(o);
                }
            }
            long excess = total.get() - closing - limitBytes;
            held.sort(Comparator.comparingLong(DesktopSession.Outbound::bytes).reversed());
            for (DesktopSession.Outbound o : held) {
                if (excess <= 0) {
                    return;
                }
                long bytes = o.bytes();
                if (o.closeForBudget(limitBytes)) {
                    cuts.incrementAndGet();
                    excess -= bytes;
                }
            }
        } finally {
            enforcing.set(false);
        }
    }
}
