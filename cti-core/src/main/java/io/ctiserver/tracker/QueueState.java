package io.ctiserver.tracker;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One queue: its waiting callers in position order and its members by interface. */
final class QueueState {

    final String name;
    String strategy;
    final List<Entry> entries = new ArrayList<>(4);
    final Map<String, QueueMember> members = new LinkedHashMap<>();
    /** The last view built; null after a change. */
    io.ctiserver.events.QueueView view;

    QueueState(String name) {
        this.name = name;
    }

    static final class Entry {
        final Call call;
        final Instant joinedAt;

        Entry(Call call, Instant joinedAt) {
            this.call = call;
            this.joinedAt = joinedAt;
        }
    }

    boolean removeEntry(Call call) {
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).call == call) {
                entries.remove(i);
                return true;
            }
        }
        return false;
    }
}
