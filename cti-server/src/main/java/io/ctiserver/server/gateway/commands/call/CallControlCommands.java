package io.ctiserver.server.gateway.commands.call;

import static io.ctiserver.server.gateway.commands.CallParties.agentChannel;
import static io.ctiserver.server.gateway.commands.CallParties.agentChannelOrNull;
import static io.ctiserver.server.gateway.commands.CallParties.otherChannel;
import static io.ctiserver.server.gateway.commands.CallParties.room;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallView;
import io.ctiserver.events.Party;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.commands.CommandError.Code;
import io.ctiserver.server.gateway.commands.CommandException;
import io.ctiserver.server.gateway.commands.CommandFamily;
import io.ctiserver.server.gateway.commands.CommandResult;
import io.ctiserver.server.gateway.commands.CommandSupport;
import io.ctiserver.server.gateway.commands.Fields;
import io.ctiserver.server.gateway.commands.Invocation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Control of a live call from the agent's side: click-to-dial, hang up, hold and retrieve, blind and attended
 * transfer, conference, DTMF, recording. Each acts only on a call on the user's own device (admins: any).
 */
public final class CallControlCommands implements CommandFamily {

    private final CommandSupport s;
    private final GatewayConfig.Dialplan dialplan;

    public CallControlCommands(CommandSupport support) {
        this.s = support;
        this.dialplan = support.dialplan();
    }

    @Override
    public Set<String> commands() {
        return Set.of("dial", "hangup", "hold", "unhold", "transfer.blind", "transfer.attended", "transfer.complete",
                "transfer.cancel", "conference", "dtmf", "record.start", "record.stop");
    }

    @Override
    public CompletableFuture<CommandResult> run(Invocation inv) {
        return switch (inv.name()) {
            case "dial" -> dial(inv);
            case "hangup" -> hangup(inv);
            case "hold" -> hold(inv);
            case "unhold" -> unhold(inv);
            case "transfer.blind" -> transfer(inv, "BlindTransfer");
            case "transfer.attended" -> transfer(inv, "Atxfer");
            case "transfer.complete" -> transferComplete(inv);
            case "transfer.cancel" -> transferCancel(inv);
            case "conference" -> conference(inv);
            case "dtmf" -> dtmf(inv);
            case "record.start" -> recordStart(inv);
            case "record.stop" -> recordStop(inv);
            default -> throw new IllegalArgumentException(inv.name());
        };
    }

    /** Click-to-dial: ring the agent's device, then dial the number from {@code dialContext}. */
    private CompletableFuture<CommandResult> dial(Invocation inv) {
        User u = inv.user();
        String number = inv.req().required("number", Fields.NUMBER, "a phone number (digits, +, *, #)");
        User agent = s.dialingFor(inv);
        if (agent.device() == null) {
            throw new CommandException(Code.INVALID_FIELD, "no device configured for '" + agent.username() + "'");
        }
        inv.target(agent.username() + "->" + number);
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
        return s.send(agent.pbx(), action, Map.of());
    }


    private CompletableFuture<CommandResult> hangup(Invocation inv) {
        CallView c = s.controlledCall(inv);
        String ch = agentChannelOrNull(c, inv.user());
        return s.send(c.pbx(), AmiMessage.of("Action", "Hangup", "Channel", ch != null ? ch : otherChannel(c, null)),
                Map.of());
    }

    /**
     * Hold: both legs leave the bridge with one Redirect: the customer to music on hold, the agent's channel to a
     * silent wait extension. Unhold bridges them again with the Bridge action. (Asterisk 22; dialplan in docs.)
     */
    private CompletableFuture<CommandResult> hold(Invocation inv) {
        CallView c = s.controlledCall(inv);
        String agent = agentChannel(c, inv.user());
        String other = otherChannel(c, agent);
        return s.send(c.pbx(), AmiMessage.builder().add("Action", "Redirect")
                .add("Channel", other).add("Context", dialplan.holdContext()).add("Exten", dialplan.holdExten())
                .add("Priority", "1")
                .add("ExtraChannel", agent).add("ExtraContext", dialplan.holdContext())
                .add("ExtraExten", dialplan.parkExten()).add("ExtraPriority", "1").build(), Map.of());
    }

    private CompletableFuture<CommandResult> unhold(Invocation inv) {
        CallView c = s.controlledCall(inv);
        String agent = agentChannel(c, inv.user());
        String other = otherChannel(c, agent);
        return s.send(c.pbx(), AmiMessage.of("Action", "Bridge", "Channel1", agent, "Channel2", other, "Tone", "no"),
                Map.of());
    }

    /** BlindTransfer / Atxfer act on the agent's channel: its peer (the customer) goes to the target. */
    private CompletableFuture<CommandResult> transfer(Invocation inv, String action) {
        CallView c = s.controlledCall(inv);
        String target = inv.req().required("target", Fields.EXTEN, "an extension");
        String context = inv.req().optional("context");
        if (context != null && !Fields.QUEUE.matcher(context).matches()) {
            throw new CommandException(Code.INVALID_FIELD, "field 'context' must be a dialplan context name");
        }
        inv.target(c.callId() + "->" + target);
        return s.send(c.pbx(), AmiMessage.of("Action", action, "Channel", agentChannel(c, inv.user()), "Exten", target,
                "Context", context != null ? context : dialplan.transferContext()), Map.of());
    }

    /** Completing an attended transfer = the transferring agent hangs up; Asterisk joins customer and target. */
    private CompletableFuture<CommandResult> transferComplete(Invocation inv) {
        CallView c = s.controlledCall(inv);
        return s.send(c.pbx(), AmiMessage.of("Action", "Hangup", "Channel", agentChannel(c, inv.user())), Map.of());
    }

    /** Cancelling = hanging up the consultation leg; Asterisk returns the agent to the customer. */
    private CompletableFuture<CommandResult> transferCancel(Invocation inv) {
        CallView c = s.controlledCall(inv);
        String consult = c.parties().stream().filter(p -> p.role() == Party.Role.TRANSFER_TARGET)
                .map(Party::channel).filter(ch -> ch != null).reduce((a, b) -> b)
                .orElseThrow(() -> new CommandException(Code.NOT_FOUND,
                        "call " + c.callId() + " has no consultation leg to cancel"));
        return s.send(c.pbx(), AmiMessage.of("Action", "Hangup", "Channel", consult), Map.of());
    }

    /** Both legs into a ConfBridge room named after the call, then (optionally) the third party dialled into it. */
    private CompletableFuture<CommandResult> conference(Invocation inv) {
        CallView c = s.controlledCall(inv);
        String target = inv.req().optional("target");
        if (target != null && !Fields.EXTEN.matcher(target).matches()) {
            throw new CommandException(Code.INVALID_FIELD, "field 'target' must be an extension");
        }
        String agent = agentChannel(c, inv.user());
        String other = otherChannel(c, agent);
        String room = room(c);
        inv.target(c.callId() + (target == null ? "" : "+" + target));
        AmiMessage redirect = AmiMessage.builder().add("Action", "Redirect")
                .add("Channel", other).add("Context", dialplan.conferenceContext()).add("Exten", room)
                .add("Priority", "1")
                .add("ExtraChannel", agent).add("ExtraContext", dialplan.conferenceContext())
                .add("ExtraExten", room).add("ExtraPriority", "1").build();
        if (target == null) {
            return s.send(c.pbx(), redirect, Map.of("room", room));
        }
        AmiMessage dialOut = AmiMessage.builder().add("Action", "Originate")
                .add("Channel", "Local/" + target + "@" + dialplan.dialContext())
                .add("Context", dialplan.conferenceContext()).add("Exten", room).add("Priority", "1")
                .add("Timeout", Integer.toString(dialplan.originateTimeoutMs()))
                .add("Async", "true").build();
        return s.sendAll(c.pbx(), List.of(redirect, dialOut), Map.of("room", room));
    }

    /** PlayDTMF sends one digit per action, towards the other party (e.g. an IVR the agent dialled). */
    private CompletableFuture<CommandResult> dtmf(Invocation inv) {
        CallView c = s.controlledCall(inv);
        String digits = inv.req().required("digits", Fields.DIGITS, "DTMF digits (0-9, *, #, A-D)");
        String other = otherChannel(c, agentChannelOrNull(c, inv.user()));
        List<AmiMessage> actions = digits.chars().mapToObj(d -> AmiMessage.of("Action", "PlayDTMF", "Channel", other,
                "Digit", Character.toString(d), "Duration", "250")).toList();
        return s.sendAll(c.pbx(), actions, Map.of());
    }

    private CompletableFuture<CommandResult> recordStart(Invocation inv) {
        CallView c = s.controlledCall(inv);
        String file = dialplan.recordingDir() + "/" + c.callId().replaceAll("[^A-Za-z0-9._-]", "_") + "-"
                + s.clock().millis() + ".wav";
        return s.send(c.pbx(), AmiMessage.of("Action", "MixMonitor", "Channel",
                otherChannel(c, agentChannelOrNull(c, inv.user())), "File", file, "Options", "b"), Map.of("file", file));
    }

    private CompletableFuture<CommandResult> recordStop(Invocation inv) {
        CallView c = s.controlledCall(inv);
        return s.send(c.pbx(), AmiMessage.of("Action", "StopMixMonitor", "Channel",
                otherChannel(c, agentChannelOrNull(c, inv.user()))), Map.of());
    }
}
