package io.ctiserver.events;

import java.time.Instant;

/** An agent (or the called party) answered. */
public record CallAnswered(String pbx, Instant time, CallView call) implements CtiEvent {
    @Override
    public String type() {
        return "call.answered";
    }
}
