package io.ctiserver.events;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a call is, from the customer's point of view. */
public enum CallState {
    /** In the dialplan: IVR, routing step, or dialling out. */
    DIALPLAN,
    /** Waiting in a queue. */
    QUEUED,
    /** Ringing at one or more agents (while still in the queue) or at a dialled party. */
    RINGING,
    /** Talking to an agent or the other party. */
    CONNECTED,
    /** On hold. */
    HELD,
    ENDED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
