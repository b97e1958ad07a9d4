package io.ctiserver.server.omni.chat;

import io.ctiserver.server.gateway.session.RateLimiter;
import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per client address: open chat connections (at most {@code maxConnections}) and chats started (a token bucket of
 * {@code newChatsPerMinute}). At most {@link #MAX_ADDRESSES} addresses are tracked; beyond, idle ones are forgotten
 * first, and when none is idle new addresses are refused (a spread-out flood cannot grow this map without bound).
 */
final class IpLimits {

    static final int MAX_ADDRESSES = 100_000;

    private static final class Entry {
        final AtomicInteger open = new AtomicInteger();
        final RateLimiter newChats;

        Entry(double perMinute) {
            this.newChats = new RateLimiter(perMinute / 60.0, (int) Math.max(1, Math.ceil(perMinute)));
        }
    }

    private final int maxConnections;
    private final double newChatsPerMinute;
    private final ConcurrentHashMap<InetAddress, Entry> entries = new ConcurrentHashMap<>();

    IpLimits(int maxConnections, double newChatsPerMinute) {
        this.maxConnections = maxConnections;
        this.newChatsPerMinute = newChatsPerMinute;
    }

    /** A connection opens: false (and nothing counted) when the address has too many open. */
    boolean open(InetAddress ip) {
        if (entries.size() >= MAX_ADDRESSES && !entries.containsKey(ip)) {
            entries.values().removeIf(e -> e.open.get() == 0);
            if (entries.size() >= MAX_ADDRESSES) {
                return false;
            }
        }
        Entry e = entries.computeIfAbsent(ip, x -> new Entry(newChatsPerMinute));
        if (e.open.incrementAndGet() > maxConnections) {
            e.open.decrementAndGet();
            return false;
        }
        return true;
    }

    void closed(InetAddress ip) {
        Entry e = entries.get(ip);
        if (e != null) {
            e.open.decrementAndGet();
        }
    }

    boolean mayStartChat(InetAddress ip) {
        Entry e = entries.get(ip);
        return e != null && e.newChats.tryAcquire();
    }
}
