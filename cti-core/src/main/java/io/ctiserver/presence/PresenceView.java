package io.ctiserver.presence;

import java.util.List;
import java.util.Optional;

/** The read side of presence, safe from any thread: immutable entries, sorted by PBX and id. */
@FunctionalInterface
public interface PresenceView {

    List<PresenceEntry> entries();

    default Optional<PresenceEntry> entry(String pbx, String id) {
        return entries().stream().filter(e -> e.pbx().equals(pbx) && e.id().equals(id)).findFirst();
    }
}
