package io.ctiserver.server.agi;

/** Why an AGI command or script did not complete. */
public final class AgiException extends RuntimeException {

    public enum Kind {
        /** Asterisk sent HANGUP: the caller is gone. */
        HANGUP,
        /** No reply within the command timeout. */
        TIMEOUT,
        /** The connection closed (Asterisk ended the AGI, or we did). */
        CLOSED,
        /** Asterisk refused the command: 510, 511 (dead channel), 520 (usage), or a result the command calls failure. */
        REJECTED,
        /** A reply that is not AGI, or too many commands queued. */
        PROTOCOL
    }

    private final Kind kind;

    public AgiException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The AgiException behind a CompletionException chain, or null. */
    public static AgiException of(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof AgiException a) {
                return a;
            }
        }
        return null;
    }
}
