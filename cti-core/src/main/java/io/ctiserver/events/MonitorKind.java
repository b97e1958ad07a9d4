package io.ctiserver.events;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Recording, or a supervisor's ChanSpy mode: listen ({@code q}), whisper ({@code w}) or barge ({@code B}). */
public enum MonitorKind {
    RECORDING, LISTEN, WHISPER, BARGE;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
