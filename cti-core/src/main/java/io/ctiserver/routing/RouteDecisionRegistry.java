package io.ctiserver.routing;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The recent routing decisions, findable by the channel's Uniqueid, the call's Linkedid or the CTI_CALL_ID, and a
 * fan-out to listeners. The tracker's call for a Local pair or a transfer may be known under any of these ids, so the
 * gateway asks here when it builds a screen pop. Bounded: the oldest decisions are forgotten.
 */
public final class RouteDecisionRegistry implements RouteDecisionListener {

    private final Map<String, RouteDecision> byId;
    private final boolean remembers;
    private final List<RouteDecisionListener> listeners = new CopyOnWriteArrayList<>();

    /** @param maxIds how many ids (up to three per decision) are remembered; 0: none, a fan-out only */
    public RouteDecisionRegistry(int maxIds) {
        if (maxIds < 0) {
            throw new IllegalArgumentException("maxIds must be 0 or more");
        }
        this.remembers = maxIds > 0;
        this.byId = new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RouteDecision> eldest) {
                return size() > maxIds;
            }
        };
    }

    public void addListener(RouteDecisionListener l) {
        listeners.add(l);
    }

    public void removeListener(RouteDecisionListener l) {
        listeners.remove(l);
    }

    @Override
    public void onRouteDecision(RouteDecision d) {
        if (remembers) {
            synchronized (byId) {
                for (String id : new String[] {d.uniqueid(), d.linkedid(), d.callId()}) {
                    if (id != null && !id.isEmpty()) {
                        byId.put(id, d);
                    }
                }
            }
        }
        for (RouteDecisionListener l : listeners) {
            l.onRouteDecision(d);
        }
    }

    /** The latest decision for a Uniqueid, Linkedid or call id. */
    public Optional<RouteDecision> find(String id) {
        synchronized (byId) {
            return Optional.ofNullable(byId.get(id));
        }
    }
}
