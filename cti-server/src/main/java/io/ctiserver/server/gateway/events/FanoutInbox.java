package io.ctiserver.server.gateway.events;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The events on their way from the tracker (and the presence tracker, the KPI timer, phone settings) to the gateway's
 * fan-out thread: first in, first out, bounded by count and by weight (estimated bytes), and coalescing snapshots.
 *
 * <p><b>Coalescing.</b> An item offered with a key (a queue's {@code queue.stats}, the {@code kpi} figures, a presence
 * line) is a snapshot: its latest value supersedes the older ones. If an item of the same key is still waiting, that
 * older one is removed and the new one joins at the tail, so at most one snapshot per key waits. What the fan-out
 * takes is therefore always a subsequence of what was offered, in the order offered: nothing overtakes anything, only
 * superseded snapshots are left out. (Replacing the older one in its place would instead let the newer state overtake
 * the call events offered between the two.) Sequence numbers are given after this inbox, so every desktop, connected
 * or resuming, sees the same events.
 *
 * <p><b>Bounds.</b> An offer that would take the inbox over {@code maxItems} or {@code maxWeight} is refused: the
 * caller counts the drop and resyncs the desktops (see {@link EventFanout}). A superseded snapshot is removed before
 * the bounds are checked, so replacing one never needs more room than the difference. The thread that offers never
 * waits for room: it holds the lock for a few pointer moves, as an {@code ArrayBlockingQueue}'s offer does.
 *
 * @param <T> the item type
 */
public final class FanoutInbox<T> {

    /** What became of an offer. */
    public enum Offer {
        /** Queued at the tail. */
        QUEUED,
        /** Queued at the tail, and an older item of the same key, not yet taken, was removed. */
        COALESCED,
        /** Refused: the inbox is full by count or by weight (a superseded item of the same key is removed too). */
        DROPPED
    }

    /** An item as the fan-out takes it, with the {@code System.nanoTime()} of its offer. */
    public record Entry<T>(T item, long offeredNanos) {
    }

    private static final class Node<T> {
        final T item;
        final Object key;
        final long weight;
        final long offeredNanos;
        Node<T> prev;
        Node<T> next;

        Node(T item, Object key, long weight, long offeredNanos) {
            this.item = item;
            this.key = key;
            this.weight = weight;
            this.offeredNanos = offeredNanos;
        }
    }

    private final int maxItems;
    private final long maxWeight;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    /** The waiting item of each key (one at most). */
    private final Map<Object, Node<T>> byKey = new HashMap<>();
    private Node<T> head;
    private Node<T> tail;
    private int size;
    private long weight;

    public FanoutInbox(int maxItems, long maxWeight) {
        if (maxItems <= 0 || maxWeight <= 0) {
            throw new IllegalArgumentException("inbox bounds must be positive: " + maxItems + " items, "
                    + maxWeight + " bytes");
        }
        this.maxItems = maxItems;
        this.maxWeight = maxWeight;
    }

    /**
     * Offers {@code item}; never waits.
     *
     * @param key    the snapshot key ({@code null}: not a snapshot, never coalesced); keys are compared with equals
     * @param weight the item's estimated bytes
     */
    public Offer offer(T item, Object key, long weight) {
        long now = System.nanoTime();
        lock.lock();
        try {
            Node<T> older = key == null ? null : byKey.remove(key);
            if (older != null) {
                unlink(older);
            }
            if (size + 1 > maxItems || this.weight + weight > maxWeight) {
                return Offer.DROPPED;
            }
            Node<T> n = new Node<>(item, key, weight, now);
            if (tail == null) {
                head = n;
            } else {
                tail.next = n;
                n.prev = tail;
            }
            tail = n;
            size++;
            this.weight += weight;
            if (key != null) {
                byKey.put(key, n);
            }
            notEmpty.signal();
            return older == null ? Offer.QUEUED : Offer.COALESCED;
        } finally {
            lock.unlock();
        }
    }

    /** The oldest item, waiting for one. */
    public Entry<T> take() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (head == null) {
                notEmpty.await();
            }
            return removeHead();
        } finally {
            lock.unlock();
        }
    }

    private Entry<T> removeHead() {
        Node<T> n = head;
        unlink(n);
        if (n.key != null) {
            byKey.remove(n.key);
        }
        return new Entry<>(n.item, n.offeredNanos);
    }

    private void unlink(Node<T> n) {
        if (n.prev == null) {
            head = n.next;
        } else {
            n.prev.next = n.next;
        }
        if (n.next == null) {
            tail = n.prev;
        } else {
            n.next.prev = n.prev;
        }
        n.prev = null;
        n.next = null;
        size--;
        weight -= n.weight;
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    /** Items waiting. */
    public int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** The estimated bytes of the items waiting. */
    public long weight() {
        lock.lock();
        try {
            return weight;
        } finally {
            lock.unlock();
        }
    }

    public int maxItems() {
        return maxItems;
    }

    public long maxWeight() {
        return maxWeight;
    }
}
