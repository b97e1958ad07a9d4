package io.ctiserver.presence;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * The state of a phone or an extension, in Asterisk's device-state words. Asterisk spells it three ways, and each
 * parser takes one of them: {@code DeviceStateChange State: NOT_INUSE}, {@code EndpointList DeviceState: Not in use}
 * ({@code ast_devstate_str}), and the {@code ExtensionStatus Status} number (a bit set: 1 in use, 2 busy,
 * 4 unavailable, 8 ringing, 16 on hold).
 */
public enum PhoneState {
    NOT_IN_USE, IN_USE, BUSY, RINGING, RINGING_IN_USE, ON_HOLD, UNAVAILABLE, INVALID, UNKNOWN;

    /** {@code DeviceStateChange State:} (ast_devstate2str): NOT_INUSE, INUSE, BUSY, INVALID, UNAVAILABLE, ... */
    public static PhoneState fromDeviceState(String s) {
        if (s == null) {
            return UNKNOWN;
        }
        return switch (s.trim().toUpperCase(Locale.ROOT)) {
            case "NOT_INUSE" -> NOT_IN_USE;
            case "INUSE" -> IN_USE;
            case "BUSY" -> BUSY;
            case "RINGING" -> RINGING;
            case "RINGINUSE" -> RINGING_IN_USE;
            case "ONHOLD" -> ON_HOLD;
            case "UNAVAILABLE" -> UNAVAILABLE;
            case "INVALID" -> INVALID;
            default -> UNKNOWN;
        };
    }

    /** {@code EndpointList DeviceState:} (ast_devstate_str): "Not in use", "In use", "Ring+Inuse", "On Hold", ... */
    public static PhoneState fromDeviceStateText(String s) {
        if (s == null) {
            return UNKNOWN;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "not in use" -> NOT_IN_USE;
            case "in use" -> IN_USE;
            case "busy" -> BUSY;
            case "ringing" -> RINGING;
            case "ring+inuse" -> RINGING_IN_USE;
            case "on hold" -> ON_HOLD;
            case "unavailable" -> UNAVAILABLE;
            case "invalid" -> INVALID;
            default -> UNKNOWN;
        };
    }

    /**
     * {@code ExtensionStatus Status:} -2 removed, -1 hint removed (both UNKNOWN here), 0 idle, 1 in use, 2 busy,
     * 4 unavailable, 8 ringing, 9 in use and ringing, 16 on hold, 17 in use and on hold.
     */
    public static PhoneState fromExtensionStatus(String status) {
        int n;
        try {
            n = Integer.parseInt(status == null ? "" : status.trim());
        } catch (NumberFormatException e) {
            return UNKNOWN;
        }
        if (n < 0) {
            return UNKNOWN;
        }
        if ((n & 4) != 0) {
            return UNAVAILABLE;
        }
        if ((n & 8) != 0) {
            return (n & 1) != 0 ? RINGING_IN_USE : RINGING;
        }
        if ((n & 16) != 0) {
            return ON_HOLD;
        }
        if ((n & 2) != 0) {
            return BUSY;
        }
        if ((n & 1) != 0) {
            return IN_USE;
        }
        return NOT_IN_USE;
    }

    /** The wire spelling: {@code not_in_use}, {@code ringing}, ... */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
