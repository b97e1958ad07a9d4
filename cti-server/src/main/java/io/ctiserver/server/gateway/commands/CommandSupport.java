package io.ctiserver.server.gateway.commands;

import io.ctiserver.ami.AmiActionException;
import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.auth.Role;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.commands.CommandError.Code;
import io.ctiserver.server.gateway.events.EventFanout;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * What every command family shares: the users, the live state, the dialplan names, the clock, and the two rules
 * that decide most authorisation (which live call a user may control, which agent a state command is about); and the
 * one way to send AMI actions and turn Asterisk's answer into a {@link CommandResult}.
 */
public final class CommandSupport {

    private final GatewayConfig config;
    private final UserDirectory users;
    private final CtiStateView state;
    private final Function<String, AmiActionSender> senders;
    private final Clock clock;

    public CommandSupport(GatewayConfig config, UserDirectory users, CtiStateView state,
                          Function<String, AmiActionSender> senders, Clock clock) {
        this.config = config;
        this.users = users;
        this.state = state;
        this.senders = senders;
        this.clock = clock;
    }

    public GatewayConfig config() {
        return config;
    }

    public GatewayConfig.Dialplan dialplan() {
        return config.dialplan();
    }

    public UserDirectory users() {
        return users;
    }

    public CtiStateView state() {
        return state;
    }

    public Clock clock() {
        return clock;
    }

    // ---- which call, which agent -----------------------------------------------------------------------------------

    /** The live call named by {@code callId} (any user may name it; authorisation is the caller's next step). */
    public CallView call(Invocation inv) {
        String id = inv.req().required("callId");
        inv.target(id);
        return state.call(id).orElseThrow(() -> new CommandException(Code.NOT_FOUND, "no live call '" + id + "'"));
    }

    /** A live call the user may control: one on the user's own device; admins any; integrations none. */
    public CallView controlledCall(Invocation inv) {
        CallView c = call(inv);
        User u = inv.user();
        if (u.role() == Role.ADMIN) {
            return c;
        }
        if (u.role() == Role.INTEGRATION || !EventFanout.involves(c, u)) {
            throw forbiddenCall(c.callId());
        }
        return c;
    }

    /** The agent a state command is about: yourself, or (supervisors, admins) anyone named in {@code agent}. */
    public User targetAgent(Invocation inv) {
        User u = inv.user();
        String name = inv.req().optional("agent");
        if (name == null || name.equals(u.username())) {
            if (u.iface() == null) {
                throw new CommandException(Code.MISSING_FIELD, "missing field 'agent': you are not an agent yourself");
            }
            return u;
        }
        if (!u.role().supervises()) {
            throw new CommandException(Code.FORBIDDEN, "only supervisors may change another agent's state");
        }
        return users.byName(name).filter(a -> a.iface() != null)
                .orElseThrow(() -> new CommandException(Code.NOT_FOUND, "no agent '" + name + "'"));
    }

    /**
     * Whose phone rings first for a click-to-dial: your own; for {@code agent}, an admin's choice or an integration's
     * allowed by {@code mayDialForAgents} (and its list, when it has one).
     */
    public User dialingFor(Invocation inv) {
        User u = inv.user();
        String name = inv.req().optional("agent");
        if (name == null || name.equals(u.username())) {
            if (u.role() == Role.INTEGRATION) {
                throw new CommandException(Code.MISSING_FIELD, "missing field 'agent': whom to dial for");
            }
            return u;
        }
        boolean allowed = u.role() == Role.ADMIN || (u.role() == Role.INTEGRATION && u.mayDialForAgents()
                && (u.dialForAgents().isEmpty() || u.dialForAgents().contains(name)));
        if (!allowed) {
            throw new CommandException(Code.FORBIDDEN, "you may not dial on behalf of '" + name + "'");
        }
        return users.byName(name).filter(a -> a.device() != null)
                .orElseThrow(() -> new CommandException(Code.NOT_FOUND, "no agent '" + name + "'"));
    }

    public static CommandException forbiddenCall(String callId) {
        return new CommandException(Code.FORBIDDEN, "call " + callId + " is not on your device");
    }

    // ---- sending -------------------------------------------------------------------------------------------------

    /** Sends one action to {@code pbx}; success carries {@code okData}, a refusal Asterisk's own message. */
    public CompletableFuture<CommandResult> send(String pbx, AmiMessage action, Map<String, Object> okData) {
        AmiActionSender sender = senders.apply(pbx);
        if (sender == null) {
            return CompletableFuture.completedFuture(CommandResult.error(
                    CommandError.of(Code.PBX_UNAVAILABLE, "no link to PBX '" + pbx + "'")));
        }
        CompletableFuture<AmiResponse> f;
        try {
            f = sender.send(action);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        return f.handle((resp, ex) -> {
            if (ex != null) {
                return failure(ex);
            }
            if (resp.isSuccess()) {
                return CommandResult.success(okData);
            }
            return CommandResult.error(new CommandError(Code.PBX_REFUSED.wire(),
                    "the PBX refused " + action.action(), resp.message()));
        });
    }

    /**
     * Sends one action and hands back Asterisk's whole answer (for reads: DBGet and other event lists); fails with
     * {@code pbx_unavailable} when there is no link.
     */
    public CompletableFuture<AmiResponse> sendRaw(String pbx, AmiMessage action) {
        AmiActionSender sender = senders.apply(pbx);
        if (sender == null) {
            return CompletableFuture.failedFuture(new CommandException(Code.PBX_UNAVAILABLE,
                    "no link to PBX '" + pbx + "'"));
        }
        try {
            return sender.send(action);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Sends actions one after the other; stops at the first refusal. */
    public CompletableFuture<CommandResult> sendAll(String pbx, List<AmiMessage> actions, Map<String, Object> okData) {
        CompletableFuture<CommandResult> f = CompletableFuture.completedFuture(CommandResult.success(okData));
        for (AmiMessage a : actions) {
            f = f.thenCompose(prev -> prev.ok() ? send(pbx, a, okData) : CompletableFuture.completedFuture(prev));
        }
        return f;
    }

    /** A failed future's cause as the command's error: ours as is, a lost PBX as unavailable, the rest internal. */
    public static CommandResult failure(Throwable ex) {
        Throwable t = ex instanceof CompletionException && ex.getCause() != null ? ex.getCause() : ex;
        if (t instanceof CommandException ce) {
            return CommandResult.error(ce.error());
        }
        if (t instanceof AmiActionException ae) {
            return CommandResult.error(CommandError.of(Code.PBX_UNAVAILABLE,
                    "no answer from the PBX (" + ae.reason().name().toLowerCase() + ")"));
        }
        return CommandResult.error(CommandError.of(Code.INTERNAL, "internal error: " + t.getClass().getSimpleName()));
    }
}
