package io.ctiserver.presence;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * A PJSIP contact's status: {@code ContactStatus ContactStatus:} (Created, Reachable, Unreachable, Unqualified /
 * NonQualified, Removed, Updated, Unknown) and {@code ContactList Status:} (Reachable, Unreachable, NonQualified,
 * Unknown). A contact that is {@link #REMOVED} is gone: the phone unregistered or its registration expired.
 */
public enum ContactStatus {
    REACHABLE, UNREACHABLE, NON_QUALIFIED, UNKNOWN, REMOVED;

    @JsonValue
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static ContactStatus parse(String s) {
        if (s == null) {
            return UNKNOWN;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "reachable" -> REACHABLE;
            case "unreachable" -> UNREACHABLE;
            // Unqualified in the docs' enum, NonQualified in ContactList; Created/Updated: registered, not qualified yet.
            case "unqualified", "nonqualified", "non_qualified" -> NON_QUALIFIED;
            case "removed" -> REMOVED;
            default -> UNKNOWN;
        };
    }
}
