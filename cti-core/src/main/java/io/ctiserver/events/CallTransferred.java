package io.ctiserver.events;

import java.time.Instant;

/** The call was transferred (blind, attended or by Redirect); the call keeps its id. */
public record CallTransferred(String pbx, Instant time, CallView call, Transfer transfer) implements CtiEvent {
    @Override
    public String type() {
        return "call.transferred";
    }
}
