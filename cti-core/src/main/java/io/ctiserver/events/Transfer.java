package io.ctiserver.events;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** One transfer in a call's life; {@code target} is the extension or number it went to. */
public record Transfer(Kind kind, String target) {

    public enum Kind {
        BLIND, ATTENDED, REDIRECT;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
