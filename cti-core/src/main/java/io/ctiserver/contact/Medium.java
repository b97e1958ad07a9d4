package io.ctiserver.contact;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a customer reaches the contact centre. */
public enum Medium {
    VOICE, CHAT, EMAIL;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    @JsonCreator
    public static Medium of(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
    }
}
