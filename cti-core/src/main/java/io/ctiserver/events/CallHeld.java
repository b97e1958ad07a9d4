package io.ctiserver.events;

import java.time.Instant;

/** The call was put on hold. */
public record CallHeld(String pbx, Instant time, CallView call) implements CtiEvent {
    @Override
    public String type() {
        return "call.held";
    }
}
