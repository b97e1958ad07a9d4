package io.ctiserver.events;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

public enum CallDirection {
    INBOUND, OUTBOUND, INTERNAL;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
