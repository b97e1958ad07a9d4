package io.ctiserver.events;

import java.time.Instant;

/** The call is over; carries its record. */
public record CallEnded(String pbx, Instant time, CallRecord record) implements CtiEvent {
    @Override
    public String type() {
        return "call.ended";
    }
}
