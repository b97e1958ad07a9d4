package io.ctiserver.tracker;

import java.util.HashSet;
import java.util.Set;

/**
 * What the events told between a resync's request and the moment its snapshot is applied. Asterisk answers
 * CoreShowChannels and QueueStatus while events keep flowing, and the snapshot is applied after the events that came
 * meanwhile: a channel hung up after Asterisk listed it would come back as a ghost call (and end twice), one born after
 * the list would be ended as lost, a caller who left the queue would wait again. So the reconciler leaves alone what
 * these events already told: it never re-adds a channel that hung up, never removes one that was born, and keeps the
 * bridge, queue entry and member state the events set.
 *
 * <p>Owned by the tracker thread. Bounded: it only fills while a resync is pending, at most {@link #MAX} per set.
 */
final class ResyncWindow {

    static final int MAX = 100_000;

    private boolean open;
    private final Set<String> born = new HashSet<>();
    private final Set<String> gone = new HashSet<>();
    private final Set<String> touched = new HashSet<>();
    private final Set<String> joined = new HashSet<>();
    private final Set<String> left = new HashSet<>();
    private final Set<String> members = new HashSet<>();

    /**
     * A resync was requested (after each connect): from now on, note what the events tell. An earlier request's
     * snapshot died with its connection, so its notes go.
     */
    void open() {
        clear();
        open = true;
    }

    /** The snapshot was applied. */
    void close() {
        open = false;
        clear();
    }

    void born(String uniqueid) {
        add(born, uniqueid);
    }

    void gone(String uniqueid) {
        add(gone, uniqueid);
    }

    /** The channel entered or left a bridge: its snapshot line's BridgeId may be older. */
    void touched(String uniqueid) {
        add(touched, uniqueid);
    }

    void joinedQueue(String uniqueid) {
        add(joined, uniqueid);
    }

    void leftQueue(String uniqueid) {
        add(left, uniqueid);
    }

    void memberChanged(String queue, String iface) {
        if (queue != null && iface != null) {
            add(members, queue + '\u0000' + iface);
        }
    }

    boolean wasBorn(String uniqueid) {
        return born.contains(uniqueid);
    }

    boolean wasGone(String uniqueid) {
        return gone.contains(uniqueid);
    }

    boolean wasTouched(String uniqueid) {
        return touched.contains(uniqueid);
    }

    boolean hasJoinedQueue(String uniqueid, boolean andStayed) {
        return joined.contains(uniqueid) && (!andStayed || !left.contains(uniqueid));
    }

    boolean hasLeftQueue(String uniqueid) {
        return left.contains(uniqueid) || gone.contains(uniqueid);
    }

    boolean hasMemberChanged(String queue, String iface) {
        return members.contains(queue + '\u0000' + iface);
    }

    private void add(Set<String> set, String value) {
        if (open && value != null && set.size() < MAX) {
            set.add(value);
        }
    }

    private void clear() {
        born.clear();
        gone.clear();
        touched.clear();
        joined.clear();
        left.clear();
        members.clear();
    }
}
