package io.ctiserver.server.omni;

/** A customer or agent request refused, with a stable code for the wire. */
public final class OmniException extends RuntimeException {

    private final String code;

    public OmniException(String code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
