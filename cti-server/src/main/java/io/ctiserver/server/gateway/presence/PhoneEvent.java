package io.ctiserver.server.gateway.presence;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A phone setting changed from a desktop ({@code phone.dnd}, {@code phone.forward}): to supervisors, admins and
 * integrations, and to the agents at that phone ({@code ifaces}: their queue-member interfaces).
 */
public record PhoneEvent(String type, Instant time, String pbx, Map<String, Object> payload, List<String> ifaces) {

    public PhoneEvent {
        ifaces = List.copyOf(ifaces);
    }
}
