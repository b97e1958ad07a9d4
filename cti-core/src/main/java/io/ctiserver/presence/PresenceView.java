package io.ctiserver.presence;

import java.util.List;
import java.util.Optional;

/** The read side of presence, safe from any thread: immutable entries, sorted by PBX and id. */
public interface PresenceView {

    List<PresenceEntry> entries();

    Optional<PresenceEntry> entry(String pbx, String id);
}
