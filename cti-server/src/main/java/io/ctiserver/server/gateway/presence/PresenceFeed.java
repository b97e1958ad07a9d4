package io.ctiserver.server.gateway.presence;

import io.ctiserver.presence.PresenceEntry;
import io.ctiserver.presence.PresenceView;
import io.ctiserver.server.gateway.auth.User;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What desktops get of presence: the lines a user may see (through {@link PresenceAccess}) and their display names.
 * Immutable; reads the presence view, which is safe from any thread.
 */
public final class PresenceFeed {

    /** The payload of {@code presence.snapshot} and of {@code GET /api/presence}. */
    public record Lines(List<PresenceEntry> entries, Map<String, String> names) {
    }

    public static final PresenceFeed NONE = new PresenceFeed(List::of, PresenceAccess.everyoneSeesOwnOnly(), Map.of());

    private final PresenceView view;
    private final PresenceAccess access;
    private final Map<String, String> names;

    /** {@code names}: display names by line id (users' member names), see {@link PresenceAccess#lineNames}. */
    public PresenceFeed(PresenceView view, PresenceAccess access, Map<String, String> names) {
        this.view = view;
        this.access = access;
        this.names = Map.copyOf(names);
    }

    public boolean sees(User u, PresenceEntry e) {
        return access.sees(u, e);
    }

    /** The lines {@code u} may see, now, with the names of those lines only. */
    public Lines linesFor(User u) {
        List<PresenceEntry> out = new ArrayList<>();
        Map<String, String> shown = new TreeMap<>();
        for (PresenceEntry e : view.entries()) {
            if (access.sees(u, e)) {
                out.add(e);
                String n = names.get(e.id());
                if (n != null) {
                    shown.put(e.id(), n);
                }
            }
        }
        return new Lines(out, shown);
    }
}
