package io.ctiserver.events;

import java.time.Instant;

/** A third party joined the call's bridge (a three-way conference). */
public record CallConferenced(String pbx, Instant time, CallView call) implements CtiEvent {
    @Override
    public String type() {
        return "call.conferenced";
    }
}
