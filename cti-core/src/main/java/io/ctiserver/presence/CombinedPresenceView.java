package io.ctiserver.presence;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The presence of several PBXs as one view: entries by PBX (in the order given), then by id. */
public final class CombinedPresenceView implements PresenceView {

    private final List<? extends PresenceView> views;

    public CombinedPresenceView(List<? extends PresenceView> views) {
        this.views = List.copyOf(views);
    }

    @Override
    public List<PresenceEntry> entries() {
        List<PresenceEntry> out = new ArrayList<>();
        views.forEach(v -> out.addAll(v.entries()));
        return out;
    }

    @Override
    public Optional<PresenceEntry> entry(String pbx, String id) {
        for (PresenceView v : views) {
            Optional<PresenceEntry> e = v.entry(pbx, id);
            if (e.isPresent()) {
                return e;
            }
        }
        return Optional.empty();
    }
}
