package io.ctiserver.server.gateway.events;

/**
 * Told of every event the gateway publishes to desktops (not the supervisors' periodic {@code kpi}, not snapshots),
 * with the exact JSON the WebSocket frame carries minus the per-session {@code seq}. Webhooks use it. Called on the
 * fan-out thread, in event order: an implementation must hand the body off and return at once, never block.
 */
public interface EventTap {

    /**
     * @param type   the event type, e.g. {@code call.offered}
     * @param callId the call the event belongs to, or null (agent, queue and PBX events)
     * @param queue  the queue the event belongs to, or null
     * @param body   the serialised event: {@code {"type":..,"time":..,"pbx":..,"payload":..}}; do not modify
     */
    void onPublished(String type, String callId, String queue, byte[] body);
}
