package io.ctiserver.events;

import java.time.Instant;

/** The call was taken off hold. */
public record CallRetrieved(String pbx, Instant time, CallView call) implements CtiEvent {
    @Override
    public String type() {
        return "call.retrieved";
    }
}
