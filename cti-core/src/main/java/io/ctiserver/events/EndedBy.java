package io.ctiserver.events;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Who ended the call. {@code SYSTEM} covers timeouts, hangups by AMI action and calls lost in a disconnect. */
public enum EndedBy {
    CALLER, AGENT, TRANSFER, SYSTEM;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
