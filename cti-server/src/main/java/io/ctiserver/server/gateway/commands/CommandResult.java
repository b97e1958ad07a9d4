package io.ctiserver.server.gateway.commands;

import java.util.Map;

/** The answer to a command: {@code ok} with optional data, or an error. */
public record CommandResult(boolean ok, Map<String, Object> data, CommandError error) {

    public static CommandResult success(Map<String, Object> data) {
        return new CommandResult(true, data, null);
    }

    public static CommandResult success() {
        return new CommandResult(true, Map.of(), null);
    }

    public static CommandResult error(CommandError error) {
        return new CommandResult(false, null, error);
    }
}
