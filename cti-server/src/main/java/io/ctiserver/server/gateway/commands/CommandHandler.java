package io.ctiserver.server.gateway.commands;

import static io.ctiserver.server.gateway.commands.CallParties.agentChannel;
import static io.ctiserver.server.gateway.commands.CallParties.agentChannelOrNull;
import static io.ctiserver.server.gateway.commands.CallParties.otherChannel;
import static io.ctiserver.server.gateway.commands.CallParties.room;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.ami.AmiActionException;
import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.Party;
import io.ctiserver.server.gateway.CallDataSink;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.auth.Role;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.commands.CommandError.Code;
import io.ctiserver.server.gateway.events.EventFanout;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The one command handler behind the WebSocket and REST: validates, authorises, turns a command into AMI actions for
 * the call's PBX, and answers {@code ok} or an error carrying Asterisk's own message. Every command is audited.
 *
 * <p>Runs on a Netty event loop: nothing here blocks; the AMI answer completes the returned future later.
 */
public final class CommandHandler {

    public static final Set<String> COMMANDS = Set.of(
            "queue.login", "queue.logout", "pause", "unpause", "wrapup.end",
            "dial", "hangup", "hold", "unhold", "transfer.blind", "transfer.attended", "transfer.complete",
            "transfer.cancel", "conference", "dtmf", "record.start", "record.stop",
            "monitor.listen", "monitor.whisper", "monitor.barge", "disposition", "data.attach");

    private static final Pattern NUMBER = Pattern.compile("[0-9+*#]{1,32}");
    private static final Pattern EXTEN = Pattern.compile("[0-9A-Za-z+*#_-]{1,40}");
    private static final Pattern DIGITS = Pattern.compile("[0-9*#A-Da-d]{1,32}");
    private static final Pattern QUEUE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_. -]{1,64}");

    private final GatewayConfig config;
    private final GatewayConfig.Dialplan dialplan;
    private final UserDirectory users;
    private final CtiStateView state;
    private final Function<String, AmiActionSender> senders;
    private final CallDataSink dataSink;
    private final Function<String, CallRecord> recentlyEnded;
    private final AuditLog audit;
    private final DispositionStore dispositions;
    private final Clock clock;

    public CommandHandler(GatewayConfig config, UserDirectory users, CtiStateView state,
                          Function<String, AmiActionSender> senders, CallDataSink dataSink,
                          Function<String, CallRecord> recentlyEnded, AuditLog audit, DispositionStore dispositions,
                          Clock clock) {
        this.config = config;
        this.dialplan = config.dialplan();
        this.users = users;
        this.state = state;
        this.senders = senders;
        this.dataSink = dataSink;
        this.recentlyEnded = recentlyEnded;
        this.audit = audit;
        this.dispositions = dispositions;
        this.clock = clock;
    }

    /** One command invocation, carrying the audit target as it is found. */
    private static final class Invocation {
        final User user;
        final Request req;
        final String name;
        String target;

        Invocation(User user, Request req, String name) {
            this.user = user;
            this.req = req;
            this.name = name;
        }
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
            if (!COMMANDS.contains(name)) {
                throw new CommandException(Code.UNKNOWN_COMMAND, "unknown command '" + name + "'");
            }
            inv = new Invocation(user, req, name);
            Invocation done = inv;
            return run(inv).exceptionally(CommandHandler::failure).thenApply(r -> audited(done, r));
        } catch (CommandException e) {
            Invocation failed = inv != null ? inv : new Invocation(user, null, name == null ? "?" : truncate(name));
            return CompletableFuture.completedFuture(audited(failed, CommandResult.error(e.error())));
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
        audit.record(new AuditLog.Entry(clock.instant(), inv.user == null ? "-" : inv.user.username(),
                inv.user == null ? "-" : inv.user.role().wire(), inv.name, inv.target, result, detail));
        return r;
    }

    private CompletableFuture<CommandResult> run(Invocation inv) {
        switch (inv.name) {
            case "queue.login": return queueLogin(inv);
            case "queue.logout": return queueLogout(inv);
            case "pause": return pause(inv, true, inv.req.optional("reason"));
            case "unpause": return pause(inv, false, inv.req.optional("reason"));
            case "wrapup.end": return wrapUpEnd(inv);
            case "dial": return dial(inv);
            case "hangup": return hangup(inv);
            case "hold": return hold(inv);
            case "unhold": return unhold(inv);
            case "transfer.blind": return transfer(inv, "BlindTransfer");
            case "transfer.attended": return transfer(inv, "Atxfer");
            case "transfer.complete": return transferComplete(inv);
            case "transfer.cancel": return transferCancel(inv);
            case "conference": return conference(inv);
            case "dtmf": return dtmf(inv);
            case "record.start": return recordStart(inv);
            case "record.stop": return recordStop(inv);
            case "monitor.listen": return monitor(inv, "qE");
            case "monitor.whisper": return monitor(inv, "qwE");
            case "monitor.barge": return monitor(inv, "qBE");
            case "disposition": return disposition(inv);
            case "data.attach": return attachData(inv);
            default: throw new CommandException(Code.UNKNOWN_COMMAND, "unknown command '" + inv.name + "'");
        }
    }

    // ---- agent state -------------------------------------------------------------------------------------------

    private CompletableFuture<CommandResult> queueLogin(Invocation inv) {
        User agent = targetAgent(inv);
        String queue = inv.req.required("queue", QUEUE, "a queue name");
        Integer penalty = inv.req.optionalInt("penalty", 0, 1000);
        inv.target = agent.username() + "@" + queue;
        AmiMessage.Builder b = AmiMessage.builder().add("Action", "QueueAdd").add("Queue", queue)
                .add("Interface", agent.iface());
        b.addIfPresent("MemberName", agent.memberName());
        b.addIfPresent("Penalty", penalty == null ? null : penalty.toString());
        b.add("Paused", "false");
        b.addIfPresent("StateInterface", agent.stateInterface());
        return send(agent.pbx(), b.build(), Map.of());
    }

    private CompletableFuture<CommandResult> queueLogout(Invocation inv) {
        User agent = targetAgent(inv);
        String queue = inv.req.required("queue", QUEUE, "a queue name");
        inv.target = agent.username() + "@" + queue;
        return send(agent.pbx(), AmiMessage.of("Action", "QueueRemove", "Queue", queue, "Interface", agent.iface()),
                Map.of());
    }

    private CompletableFuture<CommandResult> pause(Invocation inv, boolean paused, String reason) {
        User agent = targetAgent(inv);
        String queue = optionalQueue(inv);
        inv.target = agent.username() + (queue == null ? "" : "@" + queue);
        AmiMessage.Builder b = AmiMessage.builder().add("Action", "QueuePause").add("Interface", agent.iface())
                .add("Paused", Boolean.toString(paused));
        b.addIfPresent("Queue", queue);
        b.addIfPresent("Reason", reason);
        return send(agent.pbx(), b.build(), Map.of());
    }

    /** Wrap-up is an automatic pause with a reason: ending it unpauses the member in every queue. */
    private CompletableFuture<CommandResult> wrapUpEnd(Invocation inv) {
        User agent = targetAgent(inv);
        inv.target = agent.username();
        return send(agent.pbx(), AmiMessage.of("Action", "QueuePause", "Interface", agent.iface(), "Paused", "false",
                "Reason", "wrap-up ended"), Map.of());
    }

    private String optionalQueue(Invocation inv) {
        String q = inv.req.optional("queue");
        if (q != null && !QUEUE.matcher(q).matches()) {
            throw new CommandException(Code.INVALID_FIELD, "field 'queue' must be a queue name");
        }
        return q;
    }

    /** The agent a state command is about: yourself, or (supervisors, admins) anyone named in {@code agent}. */
    private User targetAgent(Invocation inv) {
        User u = inv.user;
        String name = inv.req.optional("agent");
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

    // ---- call control --------------------------------------------------------------------------------------------

    /** Click-to-dial: ring the agent's device, then dial the number from {@code dialContext}. */
    private CompletableFuture<CommandResult> dial(Invocation inv) {
        User u = inv.user;
        String number = inv.req.required("number", NUMBER, "a phone number (digits, +, *, #)");
        String name = inv.req.optional("agent");
        User agent;
        if (name == null || name.equals(u.username())) {
            if (u.role() == Role.INTEGRATION) {
                throw new CommandException(Code.MISSING_FIELD, "missing field 'agent': whom to dial for");
            }
            agent = u;
        } else {
            boolean allowed = u.role() == Role.ADMIN || (u.role() == Role.INTEGRATION && u.mayDialForAgents()
                    && (u.dialForAgents().isEmpty() || u.dialForAgents().contains(name)));
            if (!allowed) {
                throw new CommandException(Code.FORBIDDEN, "you may not dial on behalf of '" + name + "'");
            }
            agent = users.byName(name).filter(a -> a.device() != null)
                    .orElseThrow(() -> new CommandException(Code.NOT_FOUND, "no agent '" + name + "'"));
        }
        if (agent.device() == null) {
            throw new CommandException(Code.INVALID_FIELD, "no device configured for '" + agent.username() + "'");
        }
        inv.target = agent.username() + "->" + number;
        AmiMessage action = AmiMessage.builder()
                .add("Action", "Originate")
                .add("Channel", agent.device())
                .add("Context", dialplan.dialContext())
                .add("Exten", number)
                .add("Priority", "1")
                .add("CallerID", "\"" + number + "\" <" + number + ">")
                .add("Timeout", Integer.toString(dialplan.originateTimeoutMs()))
                .add("Async", "true")
                .add("Variable", "CTI_ORIGINATED_BY=" + u.username())
                .build();
        return send(agent.pbx(), action, Map.of());
    }

    private CompletableFuture<CommandResult> hangup(Invocation inv) {
        CallView c = controlledCall(inv);
        String ch = agentChannelOrNull(c, inv.user);
        return send(c.pbx(), AmiMessage.of("Action", "Hangup", "Channel", ch != null ? ch : otherChannel(c, null)),
                Map.of());
    }

    /**
     * Hold: both legs leave the bridge with one Redirect: the customer to music on hold, the agent's channel to a
     * silent wait extension. Unhold bridges them again with the Bridge action. (Asterisk 22; dialplan in docs.)
     */
    private CompletableFuture<CommandResult> hold(Invocation inv) {
        CallView c = controlledCall(inv);
        String agent = agentChannel(c, inv.user);
        String other = otherChannel(c, agent);
        return send(c.pbx(), AmiMessage.builder().add("Action", "Redirect")
                .add("Channel", other).add("Context", dialplan.holdContext()).add("Exten", dialplan.holdExten())
                .add("Priority", "1")
                .add("ExtraChannel", agent).add("ExtraContext", dialplan.holdContext())
                .add("ExtraExten", dialplan.parkExten()).add("ExtraPriority", "1").build(), Map.of());
    }

    private CompletableFuture<CommandResult> unhold(Invocation inv) {
        CallView c = controlledCall(inv);
        String agent = agentChannel(c, inv.user);
        String other = otherChannel(c, agent);
        return send(c.pbx(), AmiMessage.of("Action", "Bridge", "Channel1", agent, "Channel2", other, "Tone", "no"),
                Map.of());
    }

    /** BlindTransfer / Atxfer act on the agent's channel: its peer (the customer) goes to the target. */
    private CompletableFuture<CommandResult> transfer(Invocation inv, String action) {
        CallView c = controlledCall(inv);
        String target = inv.req.required("target", EXTEN, "an extension");
        String context = inv.req.optional("context");
        if (context != null && !QUEUE.matcher(context).matches()) {
            throw new CommandException(Code.INVALID_FIELD, "field 'context' must be a dialplan context name");
        }
        inv.target = c.callId() + "->" + target;
        return send(c.pbx(), AmiMessage.of("Action", action, "Channel", agentChannel(c, inv.user), "Exten", target,
                "Context", context != null ? context : dialplan.transferContext()), Map.of());
    }

    /** Completing an attended transfer = the transferring agent hangs up; Asterisk joins customer and target. */
    private CompletableFuture<CommandResult> transferComplete(Invocation inv) {
        CallView c = controlledCall(inv);
        return send(c.pbx(), AmiMessage.of("Action", "Hangup", "Channel", agentChannel(c, inv.user)), Map.of());
    }

    /** Cancelling = hanging up the consultation leg; Asterisk returns the agent to the customer. */
    private CompletableFuture<CommandResult> transferCancel(Invocation inv) {
        CallView c = controlledCall(inv);
        String consult = c.parties().stream().filter(p -> p.role() == Party.Role.TRANSFER_TARGET)
                .map(Party::channel).filter(ch -> ch != null).reduce((a, b) -> b)
                .orElseThrow(() -> new CommandException(Code.NOT_FOUND,
                        "call " + c.callId() + " has no consultation leg to cancel"));
        return send(c.pbx(), AmiMessage.of("Action", "Hangup", "Channel", consult), Map.of());
    }

    /** Both legs into a ConfBridge room named after the call, then (optionally) the third party dialled into it. */
    private CompletableFuture<CommandResult> conference(Invocation inv) {
        CallView c = controlledCall(inv);
        String target = inv.req.optional("target");
        if (target != null && !EXTEN.matcher(target).matches()) {
            throw new CommandException(Code.INVALID_FIELD, "field 'target' must be an extension");
        }
        String agent = agentChannel(c, inv.user);
        String other = otherChannel(c, agent);
        String room = room(c);
        inv.target = c.callId() + (target == null ? "" : "+" + target);
        AmiMessage redirect = AmiMessage.builder().add("Action", "Redirect")
                .add("Channel", other).add("Context", dialplan.conferenceContext()).add("Exten", room)
                .add("Priority", "1")
                .add("ExtraChannel", agent).add("ExtraContext", dialplan.conferenceContext())
                .add("ExtraExten", room).add("ExtraPriority", "1").build();
        if (target == null) {
            return send(c.pbx(), redirect, Map.of("room", room));
        }
        AmiMessage dialOut = AmiMessage.builder().add("Action", "Originate")
                .add("Channel", "Local/" + target + "@" + dialplan.dialContext())
                .add("Context", dialplan.conferenceContext()).add("Exten", room).add("Priority", "1")
                .add("Timeout", Integer.toString(dialplan.originateTimeoutMs()))
                .add("Async", "true").build();
        return sendAll(c.pbx(), List.of(redirect, dialOut), Map.of("room", room));
    }

    /** PlayDTMF sends one digit per action, towards the other party (e.g. an IVR the agent dialled). */
    private CompletableFuture<CommandResult> dtmf(Invocation inv) {
        CallView c = controlledCall(inv);
        String digits = inv.req.required("digits", DIGITS, "DTMF digits (0-9, *, #, A-D)");
        String other = otherChannel(c, agentChannelOrNull(c, inv.user));
        List<AmiMessage> actions = digits.chars().mapToObj(d -> AmiMessage.of("Action", "PlayDTMF", "Channel", other,
                "Digit", Character.toString(d), "Duration", "250")).toList();
        return sendAll(c.pbx(), actions, Map.of());
    }

    private CompletableFuture<CommandResult> recordStart(Invocation inv) {
        CallView c = controlledCall(inv);
        String file = dialplan.recordingDir() + "/" + c.callId().replaceAll("[^A-Za-z0-9._-]", "_") + "-"
                + clock.millis() + ".wav";
        return send(c.pbx(), AmiMessage.of("Action", "MixMonitor", "Channel",
                otherChannel(c, agentChannelOrNull(c, inv.user)), "File", file, "Options", "b"), Map.of("file", file));
    }

    private CompletableFuture<CommandResult> recordStop(Invocation inv) {
        CallView c = controlledCall(inv);
        return send(c.pbx(), AmiMessage.of("Action", "StopMixMonitor", "Channel",
                otherChannel(c, agentChannelOrNull(c, inv.user))), Map.of());
    }

    /** Listen (q), whisper (qw) or barge (qB), all with E: ChanSpy ends when the agent's channel hangs up. */
    private CompletableFuture<CommandResult> monitor(Invocation inv, String options) {
        User u = inv.user;
        if (!u.role().supervises()) {
            throw new CommandException(Code.FORBIDDEN, "only supervisors may listen, whisper or barge");
        }
        if (u.device() == null) {
            throw new CommandException(Code.INVALID_FIELD, "no device configured for '" + u.username() + "'");
        }
        CallView c = call(inv);
        String agent = c.parties().stream()
                .filter(p -> p.role() == Party.Role.AGENT && p.channel() != null).map(Party::channel).findFirst()
                .orElseThrow(() -> new CommandException(Code.NOT_FOUND, "call " + c.callId() + " has no agent yet"));
        return send(c.pbx(), AmiMessage.builder().add("Action", "Originate")
                .add("Channel", u.device())
                .add("Application", "ChanSpy")
                .add("Data", agent + "," + options)
                .add("CallerID", "\"" + inv.name.substring("monitor.".length()) + "\" <" + u.username() + ">")
                .add("Timeout", Integer.toString(dialplan.originateTimeoutMs()))
                .add("Async", "true").build(), Map.of());
    }

    // ---- after the call ------------------------------------------------------------------------------------------

    private CompletableFuture<CommandResult> disposition(Invocation inv) {
        User u = inv.user;
        String callId = inv.req.required("callId");
        String code = inv.req.required("code", CODE, "a wrap-up code");
        boolean resolved = inv.req.requiredBoolean("resolved");
        String notes = inv.req.optional("notes");
        String outcome = inv.req.optional("outcome");
        if (outcome != null && !DispositionStore.OUTCOMES.contains(outcome)) {
            throw new CommandException(Code.INVALID_FIELD, "outcome must be one of sale, cross_sell, up_sell, none");
        }
        java.math.BigDecimal amount = amount(inv.req.optional("amount"));
        inv.target = callId;
        String pbx;
        String agentIface;
        CallView live = state.call(callId).orElse(null);
        if (live != null) {
            pbx = live.pbx();
            agentIface = live.agentInterface();
            if (!u.role().supervises() && !EventFanout.involves(live, u)) {
                throw forbiddenCall(callId);
            }
        } else {
            CallRecord r = recentlyEnded.apply(callId);
            if (r == null) {
                throw new CommandException(Code.NOT_FOUND, "no call '" + callId + "'");
            }
            pbx = r.pbx();
            agentIface = r.agentInterface();
            boolean own = u.iface() != null && u.iface().equalsIgnoreCase(agentIface) && u.pbx().equals(pbx);
            if (!u.role().supervises() && !own) {
                throw forbiddenCall(callId);
            }
        }
        if (u.role() == Role.INTEGRATION) {
            throw forbiddenCall(callId);
        }
        dispositions.add(new DispositionStore.Disposition(pbx, callId, u.username(), code, resolved, notes,
                clock.instant(), outcome, amount));
        return CompletableFuture.completedFuture(CommandResult.success());
    }

    private CompletableFuture<CommandResult> attachData(Invocation inv) {
        User u = inv.user;
        CallView c = call(inv);
        if (!u.role().supervises() && !(u.role() == Role.AGENT && EventFanout.involves(c, u))) {
            throw forbiddenCall(c.callId());
        }
        Map<String, String> data = inv.req.stringMap("data", 32);
        return dataSink.attach(c.pbx(), c.callId(), data).thenApply(ok -> ok
                ? CommandResult.success()
                : CommandResult.error(CommandError.of(Code.NOT_FOUND, "call " + c.callId() + " is no longer live")));
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /** A sale's amount: a decimal number 0..999,999,999.99 with at most two decimals, or null. */
    private static java.math.BigDecimal amount(String s) {
        if (s == null) {
            return null;
        }
        try {
            java.math.BigDecimal a = new java.math.BigDecimal(s);
            if (a.signum() < 0 || a.scale() > 2 || a.compareTo(new java.math.BigDecimal("999999999.99")) > 0) {
                throw new NumberFormatException();
            }
            return a;
        } catch (NumberFormatException e) {
            throw new CommandException(Code.INVALID_FIELD, "amount must be a number 0..999999999.99 with at most "
                    + "two decimals");
        }
    }

    private CallView call(Invocation inv) {
        String id = inv.req.required("callId");
        inv.target = id;
        return state.call(id).orElseThrow(() -> new CommandException(Code.NOT_FOUND, "no live call '" + id + "'"));
    }

    /** A live call the user may control: an agent's (or supervisor's) own device; admins any. */
    private CallView controlledCall(Invocation inv) {
        CallView c = call(inv);
        User u = inv.user;
        if (u.role() == Role.ADMIN) {
            return c;
        }
        if (u.role() == Role.INTEGRATION || !EventFanout.involves(c, u)) {
            throw forbiddenCall(c.callId());
        }
        return c;
    }

    private static CommandException forbiddenCall(String callId) {
        return new CommandException(Code.FORBIDDEN, "call " + callId + " is not on your device");
    }

    private CompletableFuture<CommandResult> send(String pbx, AmiMessage action, Map<String, Object> okData) {
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

    /** Sends actions one after the other; stops at the first refusal. */
    private CompletableFuture<CommandResult> sendAll(String pbx, List<AmiMessage> actions, Map<String, Object> okData) {
        CompletableFuture<CommandResult> f = CompletableFuture.completedFuture(CommandResult.success(okData));
        for (AmiMessage a : actions) {
            f = f.thenCompose(prev -> prev.ok() ? send(pbx, a, okData) : CompletableFuture.completedFuture(prev));
        }
        return f;
    }

    private static CommandResult failure(Throwable ex) {
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

    private static String truncate(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
    }

    GatewayConfig config() {
        return config;
    }
}
