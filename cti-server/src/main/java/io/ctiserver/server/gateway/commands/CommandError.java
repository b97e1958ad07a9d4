package io.ctiserver.server.gateway.commands;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Why a command (or a message) was refused.
 *
 * @param code            stable machine-readable code (see {@link Code})
 * @param message         for people
 * @param asteriskMessage Asterisk's own {@code Message:} when the PBX refused the action, else null
 */
public record CommandError(String code, String message, String asteriskMessage) {

    /** The codes, with the HTTP status a REST answer carries. */
    public enum Code {
        INVALID_JSON(400), MISSING_FIELD(400), INVALID_FIELD(400), UNKNOWN_COMMAND(400), FRAME_TOO_LARGE(413),
        UNAUTHENTICATED(401), FORBIDDEN(403), NOT_FOUND(404), NOT_SUPPORTED(409), RATE_LIMITED(429), PBX_REFUSED(502),
        PBX_UNAVAILABLE(503), INTERNAL(500);

        public final int httpStatus;

        Code(int httpStatus) {
            this.httpStatus = httpStatus;
        }

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static CommandError of(Code code, String message) {
        return new CommandError(code.wire(), message, null);
    }

    @JsonIgnore
    public int httpStatus() {
        for (Code c : Code.values()) {
            if (c.wire().equals(code)) {
                return c.httpStatus;
            }
        }
        return 500;
    }
}
