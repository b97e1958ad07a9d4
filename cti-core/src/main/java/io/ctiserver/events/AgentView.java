package io.ctiserver.events;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one agent: the person behind a queue-member interface.
 *
 * @param iface        the member interface, e.g. {@code Local/201@agents/n} or {@code PJSIP/agent1}
 * @param memberName   the MemberName, e.g. {@code Agent 201}
 * @param pausedReason set when {@code state} is PAUSED; with WRAP_UP, the wrap-up reason when the wrap-up is kept as a
 *                     queue pause (the server's wrap-up, which {@code wrapup.end} ends), null for Asterisk's own
 *                     {@code wrapuptime}
 * @param queues       the queues the agent is a member of
 * @param callId       the call the agent is ringing for or talking on, or null
 * @param since        when the agent entered {@code state}
 */
public record AgentView(
        String pbx,
        String iface,
        String memberName,
        AgentState state,
        String pausedReason,
        List<String> queues,
        String callId,
        Instant since) {

    public AgentView {
        queues = List.copyOf(queues);
    }
}
