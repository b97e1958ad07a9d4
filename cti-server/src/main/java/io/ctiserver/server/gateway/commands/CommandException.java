package io.ctiserver.server.gateway.commands;

/** A command refused before anything was sent to the PBX. */
public final class CommandException extends RuntimeException {

    private final CommandError error;

    public CommandException(CommandError.Code code, String message) {
        super(message, null, false, false);
        this.error = CommandError.of(code, message);
    }

    public CommandError error() {
        return error;
    }
}
