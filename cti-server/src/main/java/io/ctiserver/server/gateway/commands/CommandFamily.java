package io.ctiserver.server.gateway.commands;

import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A family of related commands (agent state, call control, supervision, after-call, phones, presence, chat, ...).
 * {@link CommandHandler} validates the envelope, dispatches by name to the one family that owns it, and audits the
 * result; the family checks its own fields and authorisation and turns the command into actions.
 *
 * <p>Runs on a Netty event loop: a family never blocks; it answers with a future. A {@link CommandException} thrown
 * (or completing the future) becomes the command's error.
 */
public interface CommandFamily {

    /** The command names this family owns; no two families share a name. */
    Set<String> commands();

    CompletableFuture<CommandResult> run(Invocation inv);
}
