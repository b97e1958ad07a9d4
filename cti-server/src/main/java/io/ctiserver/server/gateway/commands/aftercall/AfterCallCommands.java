package io.ctiserver.server.gateway.commands.aftercall;

import io.ctiserver.events.CallView;
import io.ctiserver.server.gateway.CallDataSink;
import io.ctiserver.server.gateway.auth.Role;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.commands.CommandError;
import io.ctiserver.server.gateway.commands.CommandError.Code;
import io.ctiserver.server.gateway.commands.CommandException;
import io.ctiserver.server.gateway.commands.CommandFamily;
import io.ctiserver.server.gateway.commands.CommandResult;
import io.ctiserver.server.gateway.commands.CommandSupport;
import io.ctiserver.server.gateway.commands.DispositionStore;
import io.ctiserver.server.gateway.commands.Fields;
import io.ctiserver.server.gateway.commands.Invocation;
import io.ctiserver.server.gateway.events.EventFanout;
import io.ctiserver.server.gateway.events.EndedCall;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What an agent adds to a call: data attached while it is live (it rides into the record and the screen pops), and
 * the disposition (wrap-up code, resolved, notes) during or after it.
 */
public final class AfterCallCommands implements CommandFamily {

    private final CommandSupport s;
    private final CallDataSink dataSink;
    private final Function<String, EndedCall> recentlyEnded;
    private final DispositionStore dispositions;

    public AfterCallCommands(CommandSupport support, CallDataSink dataSink, Function<String, EndedCall> recentlyEnded,
                             DispositionStore dispositions) {
        this.s = support;
        this.dataSink = dataSink;
        this.recentlyEnded = recentlyEnded;
        this.dispositions = dispositions;
    }

    @Override
    public Set<String> commands() {
        return Set.of("disposition", "data.attach");
    }

    @Override
    public CompletableFuture<CommandResult> run(Invocation inv) {
        return switch (inv.name()) {
            case "disposition" -> disposition(inv);
            case "data.attach" -> attachData(inv);
            default -> throw new IllegalArgumentException(inv.name());
        };
    }

    /** A live call of the agent's, or one that ended recently on the agent's interface; supervisors any. */
    private CompletableFuture<CommandResult> disposition(Invocation inv) {
        User u = inv.user();
        String callId = inv.req().required("callId");
        String code = inv.req().required("code", Fields.CODE, "a wrap-up code");
        boolean resolved = inv.req().requiredBoolean("resolved");
        String notes = inv.req().optional("notes");
        String outcome = inv.req().optional("outcome");
        if (outcome != null && !DispositionStore.OUTCOMES.contains(outcome)) {
            throw new CommandException(Code.INVALID_FIELD, "outcome must be one of sale, cross_sell, up_sell, none");
        }
        BigDecimal amount = amount(inv.req().optional("amount"));
        inv.target(callId);
        String pbx;
        CallView live = s.state().call(callId).orElse(null);
        if (live != null) {
            pbx = live.pbx();
            if (!u.role().supervises() && !EventFanout.involves(live, u)) {
                throw CommandSupport.forbiddenCall(callId);
            }
        } else {
            EndedCall r = recentlyEnded.apply(callId);
            if (r == null) {
                throw new CommandException(Code.NOT_FOUND, "no call '" + callId + "'");
            }
            pbx = r.pbx();
            boolean own = u.iface() != null && u.iface().equalsIgnoreCase(r.agentInterface()) && u.pbx().equals(pbx);
            if (!u.role().supervises() && !own) {
                throw CommandSupport.forbiddenCall(callId);
            }
        }
        if (u.role() == Role.INTEGRATION) {
            throw CommandSupport.forbiddenCall(callId);
        }
        dispositions.add(new DispositionStore.Disposition(pbx, callId, u.username(), code, resolved, notes,
                s.clock().instant(), outcome, amount));
        return CompletableFuture.completedFuture(CommandResult.success());
    }

    /** A sale's amount: a decimal number 0..999,999,999.99 with at most two decimals, or null. */
    private static BigDecimal amount(String s) {
        if (s == null) {
            return null;
        }
        try {
            BigDecimal a = new BigDecimal(s);
            if (a.signum() < 0 || a.scale() > 2 || a.compareTo(new BigDecimal("999999999.99")) > 0) {
                throw new NumberFormatException();
            }
            return a;
        } catch (NumberFormatException e) {
            throw new CommandException(Code.INVALID_FIELD, "amount must be a number 0..999999999.99 with at most "
                    + "two decimals");
        }
    }

    private CompletableFuture<CommandResult> attachData(Invocation inv) {
        User u = inv.user();
        CallView c = s.call(inv);
        if (!u.role().supervises() && !(u.role() == Role.AGENT && EventFanout.involves(c, u))) {
            throw CommandSupport.forbiddenCall(c.callId());
        }
        Map<String, String> data = inv.req().stringMap("data", 32);
        return dataSink.attach(c.pbx(), c.callId(), data).thenApply(ok -> ok
                ? CommandResult.success()
                : CommandResult.error(CommandError.of(Code.NOT_FOUND, "call " + c.callId() + " is no longer live")));
    }
}
