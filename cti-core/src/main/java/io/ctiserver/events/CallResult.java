package io.ctiserver.events;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a call ended, for the call record. */
public enum CallResult {
    /** Someone answered (an agent, or the called party of a non-queue call). */
    ANSWERED,
    /** The caller hung up while waiting in a queue. */
    ABANDONED,
    /** It ended unanswered without the caller abandoning: queue timeout, no answer, busy. */
    UNANSWERED,
    /** It could not be placed or was lost (e.g. during a PBX disconnect). */
    FAILED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
