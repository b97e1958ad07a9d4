package io.ctiserver.server.gateway.events;

import io.ctiserver.events.CallRecord;

/**
 * What a disposition after the call needs of an ended call: its PBX and the agent who may dispose of it. The fan-out
 * keeps the last 10,000 of these, not the whole records (about 1.3 KB each with their strings, 13 MiB in all): the
 * records themselves went to the desktops and to storage.
 */
public record EndedCall(String callId, String pbx, String agentInterface) {

    public static EndedCall of(CallRecord r) {
        return new EndedCall(r.callId(), r.pbx(), r.agentInterface());
    }
}
