package io.ctiserver.contact;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Where a contact is in its life. */
public enum ContactState {
    /** Waiting in a queue for an agent with free capacity. */
    QUEUED,
    /** Offered to one agent's desktop, who has the queue's offer timeout to accept. */
    OFFERED,
    /** Accepted: the owner agent works on it. */
    ACTIVE,
    /** Finished; its record is written. */
    CLOSED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
