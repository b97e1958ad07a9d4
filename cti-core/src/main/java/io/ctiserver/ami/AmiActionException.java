package io.ctiserver.ami;

/** An action that got no answer: it timed out, or the link to the PBX went down before the answer came. */
public class AmiActionException extends RuntimeException {

    public enum Reason { TIMEOUT, DISCONNECTED, NOT_CONNECTED, REJECTED }

    private final Reason reason;

    public AmiActionException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
