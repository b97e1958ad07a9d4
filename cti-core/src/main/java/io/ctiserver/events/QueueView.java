package io.ctiserver.events;

import java.util.List;

/** A snapshot of one queue: its waiting callers (in position order) and its members. */
public record QueueView(String pbx, String name, String strategy, List<QueueEntryView> entries,
                        List<QueueMemberView> members) {

    public QueueView {
        entries = List.copyOf(entries);
        members = List.copyOf(members);
    }
}
