package io.ctiserver.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of a live call, as desktops and routing see it. Immutable: the tracker makes a new one on each change.
 *
 * @param callId   stable for the whole conversation (across Local pairs, transfers, redirects, hold)
 * @param queue    the queue it is in or was answered from, or null
 * @param agentInterface / agentName  the agent ringing or connected, or null
 * @param data     key-value data attached by routing, IVR or desktops; travels with transfers
 */
public record CallView(
        String callId,
        String pbx,
        String linkedId,
        CallDirection direction,
        CallState state,
        String callerNumber,
        String callerName,
        String dialed,
        String queue,
        String agentInterface,
        String agentName,
        Instant startedAt,
        Instant queuedAt,
        Instant answeredAt,
        boolean recording,
        List<Party> parties,
        Map<String, String> data) {

    public CallView {
        parties = List.copyOf(parties);
        data = Map.copyOf(data);
    }
}
