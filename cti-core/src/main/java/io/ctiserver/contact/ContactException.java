package io.ctiserver.contact;

/** A request the router refuses; nothing changed. */
public final class ContactException extends RuntimeException {

    public enum Reason { NOT_FOUND, NOT_YOURS, WRONG_STATE, NO_CAPACITY, UNKNOWN_AGENT }

    private final Reason reason;

    public ContactException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
