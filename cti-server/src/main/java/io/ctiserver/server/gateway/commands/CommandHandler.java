package io.ctiserver.server.gateway.commands;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.server.gateway.CallDataSink;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.commands.CommandError.Code;
import io.ctiserver.server.gateway.commands.aftercall.AfterCallCommands;
import io.ctiserver.server.gateway.commands.agent.AgentStateCommands;
import io.ctiserver.server.gateway.commands.call.CallControlCommands;
import io.ctiserver.server.gateway.commands.supervision.SupervisionCommands;
import io.ctiserver.server.gateway.events.EndedCall;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The one entry for commands behind the WebSocket and REST: checks the envelope, dispatches by name to the
 * {@link CommandFamily} that owns the command, and audits every outcome (refusals included). The families validate
 * their fields, authorise, and turn the command into AMI actions; the answer carries Asterisk's own message.
 *
 * <p>Runs on a Netty event loop: nothing here blocks; the AMI answer completes the returned future later.
 */
public final class CommandHandler {

    private final Map<String, CommandFamily> byName;
    private final AuditLog audit;
    private final Clock clock;

    /** The standard families: agent state, call control, supervision, after-call; then {@code extra} ones. */
    public CommandHandler(GatewayConfig config, UserDirectory users, CtiStateView state,
                          Function<String, AmiActionSender> senders, CallDataSink dataSink,
                          Function<String, EndedCall> recentlyEnded, AuditLog audit, DispositionStore dispositions,
                          Clock clock) {
        this(new CommandSupport(config, users, state, senders, clock), audit,
                s -> standardFamilies(s, dataSink, recentlyEnded, dispositions));
    }

    /** {@code families} builds every family from the shared support; two families may not own the same name. */
    public CommandHandler(CommandSupport support, AuditLog audit,
                          Function<CommandSupport, List<CommandFamily>> families) {
        this.audit = audit;
        this.clock = support.clock();
        Map<String, CommandFamily> map = new TreeMap<>();
        for (CommandFamily f : families.apply(support)) {
            for (String name : f.commands()) {
                CommandFamily before = map.putIfAbsent(name, f);
                if (before != null) {
                    throw new IllegalArgumentException("command '" + name + "' is owned by both "
                            + before.getClass().getSimpleName() + " and " + f.getClass().getSimpleName());
                }
            }
        }
        this.byName = Collections.unmodifiableMap(map);
    }

    public static List<CommandFamily> standardFamilies(CommandSupport s, CallDataSink dataSink,
                                                       Function<String, EndedCall> recentlyEnded,
                                                       DispositionStore dispositions) {
        List<CommandFamily> list = new ArrayList<>();
        list.add(new AgentStateCommands(s));
        list.add(new CallControlCommands(s));
        list.add(new SupervisionCommands(s));
        list.add(new AfterCallCommands(s, dataSink, recentlyEnded, dispositions));
        return list;
    }

    /** Every command name this handler accepts, sorted. */
    public Set<String> commands() {
        return byName.keySet();
    }

    /** Handles {@code {"command": NAME, ...fields}}; never throws. */
    public CompletableFuture<CommandResult> handle(User user, JsonNode json) {
        Invocation inv = null;
        String name = json != null && json.hasNonNull("command") ? json.get("command").asText() : null;
        try {
            if (json == null || !json.isObject()) {
                throw new CommandException(Code.INVALID_FIELD, "a command is a JSON object");
            }
            Request req = new Request(json);
            name = req.required("command");
            CommandFamily family = byName.get(name);
            if (family == null) {
                throw new CommandException(Code.UNKNOWN_COMMAND, "unknown command '" + name + "'");
            }
            inv = new Invocation(user, req, name);
            Invocation done = inv;
            return family.run(inv).exceptionally(CommandSupport::failure).thenApply(r -> audited(done, r));
        } catch (CommandException e) {
            Invocation failed = inv != null ? inv : new Invocation(user, null, name == null ? "?" : truncate(name));
            return CompletableFuture.completedFuture(audited(failed, CommandResult.error(e.error())));
        } catch (RuntimeException e) {
            Invocation failed = inv != null ? inv : new Invocation(user, null, name == null ? "?" : truncate(name));
            return CompletableFuture.completedFuture(audited(failed, CommandSupport.failure(e)));
        }
    }

    /** Records a refusal that never reached {@link #handle} (rate limit, unauthenticated). */
    public void auditRefusal(User user, String command, CommandError error) {
        Invocation inv = new Invocation(user, null, command == null ? "?" : truncate(command));
        audited(inv, CommandResult.error(error));
    }

    /** Records a successful login (failed ones go through {@link #auditRefusal}). */
    public void auditLogin(User user) {
        audited(new Invocation(user, null, "login"), CommandResult.success());
    }

    private CommandResult audited(Invocation inv, CommandResult r) {
        String result = r.ok() ? "ok" : r.error().code();
        String detail = r.ok() ? null : r.error().asteriskMessage();
        User u = inv.user();
        audit.record(new AuditLog.Entry(clock.instant(), u == null ? "-" : u.username(),
                u == null ? "-" : u.role().wire(), inv.name(), inv.target(), result, detail));
        return r;
    }

    private static String truncate(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
    }
}
