package io.ctiserver.server.run;

import io.ctiserver.routing.Customer;
import io.ctiserver.routing.RouteDecision;
import io.ctiserver.routing.RouteDecisionListener;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The customer each recent routing decision identified, findable by the channel's Uniqueid, the call's Linkedid or
 * the CTI_CALL_ID: what the screen pop needs when the call rings an agent. Only the customer is kept (the directory's
 * own object, shared by every call of that customer), not the decision with its reasons and IVR data: at 20 calls/s
 * the whole decisions held 15 MiB and filled for 12 minutes (the soak run in docs/reliability.md). Decisions without a
 * customer are not kept. Bounded: the oldest ids are forgotten. Any thread.
 */
public final class RoutedCustomers implements RouteDecisionListener {

    private final Map<String, Customer> byId;

    /** @param maxIds how many ids (up to three per decision) are remembered */
    public RoutedCustomers(int maxIds) {
        if (maxIds < 1) {
            throw new IllegalArgumentException("maxIds must be at least 1");
        }
        this.byId = new LinkedHashMap<>(256, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Customer> eldest) {
                return size() > maxIds;
            }
        };
    }

    @Override
    public void onRouteDecision(RouteDecision d) {
        if (d.customer() == null) {
            return;
        }
        synchronized (byId) {
            for (String id : new String[] {d.uniqueid(), d.linkedid(), d.callId()}) {
                if (id != null && !id.isEmpty()) {
                    byId.put(id, d.customer());
                }
            }
        }
    }

    /** The customer of the latest decision for a Uniqueid, Linkedid or call id. */
    public Optional<Customer> find(String id) {
        synchronized (byId) {
            return Optional.ofNullable(byId.get(id));
        }
    }

    public int size() {
        synchronized (byId) {
            return byId.size();
        }
    }
}
