package io.ctiserver.kpi;

/**
 * The sliding window: a ring of fixed time buckets, so memory does not grow with traffic. The window at time now is
 * the bucket holding now and the {@code n - 1} whole buckets before it. A contribution for a time already outside
 * the window is dropped.
 */
final class Buckets {

    private final long bucketMillis;
    private final Scope[] ring;
    private final long[] index;

    Buckets(long bucketMillis, int count) {
        this.bucketMillis = bucketMillis;
        this.ring = new Scope[count];
        this.index = new long[count];
        for (int i = 0; i < count; i++) {
            ring[i] = new Scope();
            index[i] = Long.MIN_VALUE;
        }
    }

    long bucketMillis() {
        return bucketMillis;
    }

    long indexOf(long millis) {
        return Math.floorDiv(millis, bucketMillis);
    }

    /** The bucket for {@code millis}, or null when that time is outside the window ending at {@code nowMillis}. */
    Scope at(long millis, long nowMillis) {
        long now = indexOf(nowMillis);
        long idx = Math.min(indexOf(millis), now);
        if (idx <= now - ring.length) {
            return null;
        }
        int slot = (int) Math.floorMod(idx, (long) ring.length);
        if (index[slot] != idx) {
            // The slot holds an older bucket that has left the window: reuse it.
            ring[slot].clear();
            index[slot] = idx;
        }
        return ring[slot];
    }

    /** The sum of the buckets inside the window ending at {@code nowMillis}. */
    Scope sum(long nowMillis) {
        long now = indexOf(nowMillis);
        Scope sum = new Scope();
        for (int i = 0; i < ring.length; i++) {
            if (index[i] > now - ring.length && index[i] <= now) {
                ring[i].addInto(sum);
            }
        }
        return sum;
    }

    /** The start of the oldest bucket in the window ending at {@code nowMillis}. */
    long windowStart(long nowMillis) {
        return (indexOf(nowMillis) - ring.length + 1) * bucketMillis;
    }
}
