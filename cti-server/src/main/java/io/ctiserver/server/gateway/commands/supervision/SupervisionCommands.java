package io.ctiserver.server.gateway.commands.supervision;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallView;
import io.ctiserver.events.Party;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.commands.CommandError.Code;
import io.ctiserver.server.gateway.commands.CommandException;
import io.ctiserver.server.gateway.commands.CommandFamily;
import io.ctiserver.server.gateway.commands.CommandResult;
import io.ctiserver.server.gateway.commands.CommandSupport;
import io.ctiserver.server.gateway.commands.Invocation;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** A supervisor listens to, whispers to, or barges into an agent's call, from the supervisor's own device. */
public final class SupervisionCommands implements CommandFamily {

    private final CommandSupport s;

    public SupervisionCommands(CommandSupport support) {
        this.s = support;
    }

    @Override
    public Set<String> commands() {
        return Set.of("monitor.listen", "monitor.whisper", "monitor.barge");
    }

    @Override
    public CompletableFuture<CommandResult> run(Invocation inv) {
        return switch (inv.name()) {
            case "monitor.listen" -> monitor(inv, "qE");
            case "monitor.whisper" -> monitor(inv, "qwE");
            case "monitor.barge" -> monitor(inv, "qBE");
            default -> throw new IllegalArgumentException(inv.name());
        };
    }

    /** Listen (q), whisper (qw) or barge (qB), all with E: ChanSpy ends when the agent's channel hangs up. */
    private CompletableFuture<CommandResult> monitor(Invocation inv, String options) {
        User u = inv.user();
        if (!u.role().supervises()) {
            throw new CommandException(Code.FORBIDDEN, "only supervisors may listen, whisper or barge");
        }
        if (u.device() == null) {
            throw new CommandException(Code.INVALID_FIELD, "no device configured for '" + u.username() + "'");
        }
        CallView c = s.call(inv);
        String agent = c.parties().stream()
                .filter(p -> p.role() == Party.Role.AGENT && p.channel() != null).map(Party::channel).findFirst()
                .orElseThrow(() -> new CommandException(Code.NOT_FOUND, "call " + c.callId() + " has no agent yet"));
        return s.send(c.pbx(), AmiMessage.builder().add("Action", "Originate")
                .add("Channel", u.device())
                .add("Application", "ChanSpy")
                .add("Data", agent + "," + options)
                .add("CallerID", "\"" + inv.name().substring("monitor.".length()) + "\" <" + u.username() + ">")
                .add("Timeout", Integer.toString(s.dialplan().originateTimeoutMs()))
                .add("Async", "true").build(), Map.of());
    }
}
