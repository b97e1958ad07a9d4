package io.ctiserver.server.fuzz;

import static io.ctiserver.server.fuzz.FuzzTarget.check;

import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.Party;
import io.ctiserver.events.QueueView;
import io.ctiserver.server.ami.codec.AmiEncoder;
import io.ctiserver.server.gateway.GatewayConfig;
import io.ctiserver.server.gateway.auth.Role;
import io.ctiserver.server.gateway.auth.UserConfig;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.commands.AuditLog;
import io.ctiserver.server.gateway.commands.CommandHandler;
import io.ctiserver.server.gateway.commands.DispositionStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The fuzz targets, by name, and what they share: the users, a state with one live call, the gateway config. Each
 * target checks the code's own promises (see each class): no exception escapes, the documented limits hold, feeding
 * the same bytes whole or cut anywhere gives the same messages, no control byte reaches an AMI action, no REST or
 * WebSocket answer is an internal error.
 */
public final class FuzzTargets {

    /** Built on demand: some set up a whole gateway, which is wasted on a run of one other target. */
    private static final Map<String, Supplier<FuzzTarget>> TARGETS = new LinkedHashMap<>();

    static {
        TARGETS.put("ami-decoder", AmiDecoderTarget::new);
        TARGETS.put("agi-decoder", AgiDecoderTarget::new);
        TARGETS.put("agi-variables", AgiVariablesTarget::new);
        TARGETS.put("commands", CommandTarget::new);
        TARGETS.put("rest-query", RestQueryTarget::new);
        TARGETS.put("websocket", WebSocketTarget::new);
        TARGETS.put("config", ConfigTarget::new);
    }

    private FuzzTargets() {
    }

    public static List<String> names() {
        return List.copyOf(TARGETS.keySet());
    }

    public static List<FuzzTarget> all() {
        return TARGETS.values().stream().map(Supplier::get).toList();
    }

    /** A new instance of the target called {@code name}. */
    public static FuzzTarget byName(String name) {
        Supplier<FuzzTarget> t = TARGETS.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no fuzz target '" + name + "'; one of " + names());
        }
        return t.get();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    // ---- what the gateway targets share -------------------------------------------------------------------------

    /**
     * The defaults, with the three users, and rate limits no fuzz run reaches: at the real ones (50 REST requests a
     * second) nearly every input would be answered 429 before its parameters were read.
     */
    static GatewayConfig gatewayConfig() {
        return new GatewayConfig(null, 0, null, null, users(), 0, null, 0, 0, 0, 0, 0, 0, 1e9, 100_000_000, 0, null,
                null, null);
    }

    static List<UserConfig> users() {
        String h = "pbkdf2$1000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        return List.of(new UserConfig("admin", h, Role.ADMIN, "PJSIP/admin1", "Admin", null, null, null,
                        List.of("support"), false, null),
                new UserConfig("agent201", h, Role.AGENT, "Local/201@agents/n", "Agent 201", null, null, null,
                        List.of("support"), false, null),
                new UserConfig("crm", h, Role.INTEGRATION, null, null, null, null, null, List.of(), true, null));
    }

    /**
     * The command handler with an AMI link that answers Success to everything and fails the run on an action with a
     * control byte (every action goes through the AMI encoder).
     */
    static CommandHandler commandHandler(GatewayConfig config, UserDirectory dir, CtiStateView state) {
        AmiActionSender sender = action -> {
            ByteBuf buf = Unpooled.buffer();
            try {
                AmiEncoder.encode(action, buf);
                for (int i = 0; i < buf.readableBytes(); i++) {
                    int c = buf.getByte(i) & 0xff;
                    boolean crlf = (c == '\r' && buf.getByte(i + 1) == '\n')
                            || (c == '\n' && i > 0 && buf.getByte(i - 1) == '\r');
                    check(crlf || (c >= 0x20 && c != 0x7f), "control byte " + c + " in " + action);
                }
            } finally {
                buf.release();
            }
            return CompletableFuture.completedFuture(AmiResponse.of(AmiMessage.of("Response", "Success")));
        };
        return new CommandHandler(config, dir, state, pbx -> sender,
                (pbx, id, data) -> CompletableFuture.completedFuture(true), id -> null, new AuditLog(16),
                new DispositionStore(16), Clock.systemUTC());
    }

    /** A state with one live call answered by the admin, so that call commands go all the way. */
    static CtiStateView oneCall() {
        Instant t0 = Instant.parse("2026-12-03T09:00:00Z");
        CallView c = new CallView("c1", "pbx1", "1795458626.1", CallDirection.INBOUND, CallState.CONNECTED, "5551001",
                "Caller", "5000", "support", "PJSIP/admin1", "Admin", t0, t0, t0, false, List.of(
                new Party(Party.Role.CALLER, "PJSIP/trunk-00000001", "1795458626.1", null, "Caller", "5551001"),
                new Party(Party.Role.AGENT, "PJSIP/admin1-00000002", "1795458626.2", "PJSIP/admin1", "Admin", "1"),
                new Party(Party.Role.TRANSFER_TARGET, "PJSIP/300-00000003", "1795458626.3", null, "T", "300")),
                Map.of());
        return new FixedState(List.of(c), List.of(), List.of());
    }

    /** A state that never changes; the record's lists answer calls(), agents() and queues(). */
    record FixedState(List<CallView> calls, List<AgentView> agents, List<QueueView> queues) implements CtiStateView {
        @Override
        public Optional<CallView> call(String callId) {
            return calls.stream().filter(c -> c.callId().equals(callId)).findFirst();
        }
    }
}
