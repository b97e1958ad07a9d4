package io.ctiserver.server.gateway.commands;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Wrap-up codes set by agents, with first-call resolution. Bounded: the most recent {@code capacity} are kept; the
 * wiring subscribes with {@link #addListener} to store them for good (reporting, KPIs).
 */
public final class DispositionStore {

    /** @param resolved whether the customer's issue was solved on this call (first-call resolution) */
    public record Disposition(String pbx, String callId, String agent, String code, boolean resolved, String notes,
                              Instant time) {
    }

    private final int capacity;
    private final ArrayDeque<Disposition> ring = new ArrayDeque<>();
    private final List<Consumer<Disposition>> listeners = new CopyOnWriteArrayList<>();

    public DispositionStore(int capacity) {
        this.capacity = capacity;
    }

    public void add(Disposition d) {
        synchronized (ring) {
            if (ring.size() == capacity) {
                ring.removeFirst();
            }
            ring.addLast(d);
        }
        listeners.forEach(l -> l.accept(d));
    }

    /** Oldest first. */
    public List<Disposition> recent() {
        synchronized (ring) {
            return List.copyOf(ring);
        }
    }

    /** Called on the thread that handled the command: hand off, do not block. */
    public void addListener(Consumer<Disposition> listener) {
        listeners.add(listener);
    }
}
