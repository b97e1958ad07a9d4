package io.ctiserver.events;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** An agent's state, derived from queue membership, device state and calls. */
public enum AgentState {
    LOGGED_OUT, AVAILABLE, RINGING, ON_CALL, WRAP_UP, PAUSED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
