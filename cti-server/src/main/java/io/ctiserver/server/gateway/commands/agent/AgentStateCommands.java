package io.ctiserver.server.gateway.commands.agent;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.commands.CommandError.Code;
import io.ctiserver.server.gateway.commands.CommandException;
import io.ctiserver.server.gateway.commands.CommandFamily;
import io.ctiserver.server.gateway.commands.CommandResult;
import io.ctiserver.server.gateway.commands.CommandSupport;
import io.ctiserver.server.gateway.commands.Fields;
import io.ctiserver.server.gateway.commands.Invocation;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * An agent's queue membership and state: log in and out of a queue, pause with a reason, end wrap-up. An agent acts
 * on themselves; supervisors may name another agent.
 */
public final class AgentStateCommands implements CommandFamily {

    private final CommandSupport s;

    public AgentStateCommands(CommandSupport support) {
        this.s = support;
    }

    @Override
    public Set<String> commands() {
        return Set.of("queue.login", "queue.logout", "pause", "unpause", "wrapup.end");
    }

    @Override
    public CompletableFuture<CommandResult> run(Invocation inv) {
        return switch (inv.name()) {
            case "queue.login" -> queueLogin(inv);
            case "queue.logout" -> queueLogout(inv);
            case "pause" -> pause(inv, true, inv.req().optional("reason"));
            case "unpause" -> pause(inv, false, inv.req().optional("reason"));
            case "wrapup.end" -> wrapUpEnd(inv);
            default -> throw new IllegalArgumentException(inv.name());
        };
    }

    private CompletableFuture<CommandResult> queueLogin(Invocation inv) {
        User agent = s.targetAgent(inv);
        String queue = inv.req().required("queue", Fields.QUEUE, "a queue name");
        Integer penalty = inv.req().optionalInt("penalty", 0, 1000);
        inv.target(agent.username() + "@" + queue);
        AmiMessage.Builder b = AmiMessage.builder().add("Action", "QueueAdd").add("Queue", queue)
                .add("Interface", agent.iface());
        b.addIfPresent("MemberName", agent.memberName());
        b.addIfPresent("Penalty", penalty == null ? null : penalty.toString());
        b.add("Paused", "false");
        b.addIfPresent("StateInterface", agent.stateInterface());
        return s.send(agent.pbx(), b.build(), Map.of());
    }

    private CompletableFuture<CommandResult> queueLogout(Invocation inv) {
        User agent = s.targetAgent(inv);
        String queue = inv.req().required("queue", Fields.QUEUE, "a queue name");
        inv.target(agent.username() + "@" + queue);
        return s.send(agent.pbx(), AmiMessage.of("Action", "QueueRemove", "Queue", queue, "Interface", agent.iface()),
                Map.of());
    }

    private CompletableFuture<CommandResult> pause(Invocation inv, boolean paused, String reason) {
        User agent = s.targetAgent(inv);
        String queue = optionalQueue(inv);
        inv.target(agent.username() + (queue == null ? "" : "@" + queue));
        AmiMessage.Builder b = AmiMessage.builder().add("Action", "QueuePause").add("Interface", agent.iface())
                .add("Paused", Boolean.toString(paused));
        b.addIfPresent("Queue", queue);
        b.addIfPresent("Reason", reason);
        return s.send(agent.pbx(), b.build(), Map.of());
    }

    /** Wrap-up is an automatic pause with a reason: ending it unpauses the member in every queue. */
    private CompletableFuture<CommandResult> wrapUpEnd(Invocation inv) {
        User agent = s.targetAgent(inv);
        inv.target(agent.username());
        return s.send(agent.pbx(), AmiMessage.of("Action", "QueuePause", "Interface", agent.iface(), "Paused", "false",
                "Reason", "wrap-up ended"), Map.of());
    }

    private static String optionalQueue(Invocation inv) {
        String q = inv.req().optional("queue");
        if (q != null && !Fields.QUEUE.matcher(q).matches()) {
            throw new CommandException(Code.INVALID_FIELD, "field 'queue' must be a queue name");
        }
        return q;
    }
}
