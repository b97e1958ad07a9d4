package io.ctiserver.events;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The record of one finished call: a contract shared by storage, the desktops ({@code call.ended}) and the
 * {@code replay} command. Serialised by Jackson with these field names; times are ISO-8601.
 *
 * @param agentName      the queue member's MemberName, e.g. {@code Agent 201}
 * @param agentInterface the queue member's Interface, e.g. {@code Local/201@agents/n} or {@code PJSIP/agent1}
 * @param waitSeconds    time spent waiting in the queue
 * @param talkSeconds    time connected to the agent (or the called party)
 * @param data           key-value data attached to the call by routing, IVR or desktops
 */
public record CallRecord(
        String callId,
        String pbx,
        String linkedId,
        CallDirection direction,
        String callerNumber,
        String callerName,
        String dialed,
        String queue,
        String agentName,
        String agentInterface,
        CallResult result,
        long waitSeconds,
        long talkSeconds,
        EndedBy endedBy,
        List<Transfer> transfers,
        Instant startedAt,
        Instant answeredAt,
        Instant endedAt,
        Map<String, String> data) {

    public CallRecord {
        transfers = List.copyOf(transfers);
        data = Map.copyOf(data);
    }
}
