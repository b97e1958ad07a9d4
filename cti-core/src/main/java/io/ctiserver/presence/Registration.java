package io.ctiserver.presence;

import com.fasterxml.jackson.annotation.JsonValue;

/** Whether a phone has a contact Asterisk can reach it at: UNKNOWN for non-PJSIP devices and before any report. */
public enum Registration {
    REGISTERED, UNREGISTERED, UNKNOWN;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
