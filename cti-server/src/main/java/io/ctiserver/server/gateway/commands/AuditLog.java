package io.ctiserver.server.gateway.commands;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every command (and login) leaves a record: who, what, target, result, time. Written to the SLF4J logger
 * {@code audit} and kept in a bounded in-memory ring. Records never hold passwords, tokens or AMI secrets: only the
 * fields below, which the handler fills from validated input.
 */
public final class AuditLog {

    private static final Logger AUDIT = LoggerFactory.getLogger("audit");

    public record Entry(Instant time, String user, String role, String command, String target, String result,
                        String detail) {
    }

    private final int capacity;
    private final ArrayDeque<Entry> ring;
    private final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();

    public AuditLog(int capacity) {
        this.capacity = capacity;
        this.ring = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    public void record(Entry e) {
        AUDIT.info("user={} role={} command={} target={} result={}{}", e.user(), e.role(), e.command(), e.target(),
                e.result(), e.detail() == null ? "" : " detail=\"" + e.detail() + "\"");
        synchronized (ring) {
            if (ring.size() == capacity) {
                ring.removeFirst();
            }
            ring.addLast(e);
        }
        listeners.forEach(l -> l.accept(e));
    }

    /** Called on the thread that recorded the entry: hand off, do not block (storage keeps the entries for good). */
    public void addListener(Consumer<Entry> listener) {
        listeners.add(listener);
    }

    /** Oldest first. */
    public List<Entry> recent() {
        synchronized (ring) {
            return List.copyOf(ring);
        }
    }
}
