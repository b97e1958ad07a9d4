package io.ctiserver.server.gateway.commands;

import java.math.BigDecimal;
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

    /**
     * @param resolved whether the customer's issue was solved on this call (first-call resolution)
     * @param outcome  the sales outcome, {@code sale}, {@code cross_sell}, {@code up_sell} or {@code none}; null when
     *                 not given
     * @param amount   the sale's amount, or null
     */
    public record Disposition(String pbx, String callId, String agent, String code, boolean resolved, String notes,
                              Instant time, String outcome, BigDecimal amount) {

        public Disposition(String pbx, String callId, String agent, String code, boolean resolved, String notes,
                           Instant time) {
            this(pbx, callId, agent, code, resolved, notes, time, null, null);
        }
    }

    /** The sales outcomes a disposition may carry. */
    public static final java.util.Set<String> OUTCOMES = java.util.Set.of("sale", "cross_sell", "up_sell", "none");

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
