package io.ctiserver.routing;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a call goes and why: what the dialplan receives as {@code CTI_*} variables ({@link #variables()}) and what the
 * desktop sees with the call (customer record, IVR data, reason). Transport-independent.
 *
 * @param queue               the queue to join
 * @param priority            the QUEUE_PRIO to join with (higher is served first)
 * @param agentInterface      an agent to try before the queue (account manager or last agent), or null
 * @param agentTimeoutSeconds how long to ring {@code agentInterface}; 0 when there is none
 * @param customer            the customer found, or null
 * @param reasons             why, one readable sentence per rule that acted
 * @param fallback            true when the rules did not decide (deadline passed, error): the default queue
 * @param elapsedMicros       how long the decision took, lookup included
 */
public record RouteDecision(
        String callId,
        String uniqueid,
        String linkedid,
        String channel,
        String callerNumber,
        String dialed,
        String queue,
        int priority,
        String agentInterface,
        int agentTimeoutSeconds,
        boolean vip,
        Customer customer,
        Map<String, String> ivrData,
        List<String> reasons,
        boolean fallback,
        Instant time,
        long elapsedMicros) {

    public static final String CTI_CALL_ID = "CTI_CALL_ID";
    public static final String CTI_QUEUE = "CTI_QUEUE";
    public static final String CTI_PRIORITY = "CTI_PRIORITY";
    public static final String CTI_AGENT = "CTI_AGENT";
    public static final String CTI_AGENT_TIMEOUT = "CTI_AGENT_TIMEOUT";
    public static final String CTI_VIP = "CTI_VIP";
    public static final String CTI_CUSTOMER_ID = "CTI_CUSTOMER_ID";
    public static final String CTI_ROUTE_REASON = "CTI_ROUTE_REASON";
    /** The queue again, under the name the first testbed dialplan reads. */
    public static final String CTI_ROUTE = "CTI_ROUTE";

    public RouteDecision {
        ivrData = ivrData == null ? Map.of() : Map.copyOf(ivrData);
        reasons = List.copyOf(reasons);
    }

    /** The reasons as one line, as the dialplan and the desktop show it. */
    @JsonProperty("reason")
    public String reason() {
        return String.join("; ", reasons);
    }

    /** The channel variables handed to the dialplan, in the order they are set (the contract in docs/routing.md). */
    @JsonProperty("variables")
    public Map<String, String> variables() {
        Map<String, String> v = new LinkedHashMap<>();
        v.put(CTI_CALL_ID, nz(callId));
        v.put(CTI_QUEUE, queue);
        v.put(CTI_PRIORITY, Integer.toString(priority));
        v.put(CTI_AGENT, nz(agentInterface));
        v.put(CTI_AGENT_TIMEOUT, Integer.toString(agentTimeoutSeconds));
        v.put(CTI_VIP, vip ? "1" : "0");
        v.put(CTI_CUSTOMER_ID, customer == null ? "" : nz(customer.id()));
        v.put(CTI_ROUTE_REASON, reason());
        v.put(CTI_ROUTE, queue);
        return v;
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
