package io.ctiserver.events;

import java.time.Instant;

/** The screen pop: a call entered a queue (agent fields null) or is ringing at an agent (agent fields set). */
public record CallOffered(String pbx, Instant time, CallView call, String agentInterface, String agentName) implements CtiEvent {
    @Override
    public String type() {
        return "call.offered";
    }
}
