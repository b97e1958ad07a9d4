package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.commands.AuditLog;
import io.ctiserver.server.gateway.commands.CommandError.Code;
import io.ctiserver.server.gateway.commands.CommandException;
import io.ctiserver.server.gateway.commands.CommandFamily;
import io.ctiserver.server.gateway.commands.CommandHandler;
import io.ctiserver.server.gateway.commands.CommandResult;
import io.ctiserver.server.gateway.commands.CommandSupport;
import io.ctiserver.server.gateway.commands.DispositionStore;
import io.ctiserver.server.gateway.commands.Invocation;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The dispatcher: each command name has exactly one family; every outcome, a family's refusal too, is audited. */
class CommandFamiliesTest {

    private final GatewayConfig config = GatewayConfig.defaults().withUsers(Fixture.users());
    private final UserDirectory users = new UserDirectory(config.users(), "pbx1");
    private final AuditLog audit = new AuditLog(100);
    private final CommandSupport support = new CommandSupport(config, users, new FakeStateView(), pbx -> null,
            Clock.fixed(Instant.parse("2026-12-03T09:00:00Z"), ZoneOffset.UTC));

    /** A family that answers {@code echo} with its field, and refuses {@code refuse} with a field error. */
    private static final class Echo implements CommandFamily {
        @Override
        public Set<String> commands() {
            return Set.of("echo", "refuse");
        }

        @Override
        public CompletableFuture<CommandResult> run(Invocation inv) {
            if (inv.name().equals("refuse")) {
                throw new CommandException(Code.INVALID_FIELD, "refused on purpose");
            }
            inv.target(inv.req().required("text"));
            return CompletableFuture.completedFuture(CommandResult.success(Map.of("text", inv.target())));
        }
    }

    private CommandHandler handler(List<CommandFamily> extra) {
        return new CommandHandler(support, audit, s -> {
            List<CommandFamily> all = new ArrayList<>(CommandHandler.standardFamilies(s, CallDataSink.NONE,
                    id -> null, new DispositionStore(10)));
            all.addAll(extra);
            return all;
        });
    }

    private CommandResult run(CommandHandler h, String json) throws Exception {
        User agent = users.byName("agent201").orElseThrow();
        return h.handle(agent, Json.MAPPER.readTree(json)).get();
    }

    @Test
    void anAddedFamilyIsDispatchedByNameAndAudited() throws Exception {
        CommandHandler h = handler(List.of(new Echo()));
        assertTrue(h.commands().containsAll(Set.of("echo", "refuse", "hold", "pause", "monitor.barge", "disposition")));

        CommandResult ok = run(h, "{\"command\":\"echo\",\"text\":\"hello\"}");
        assertTrue(ok.ok(), ok.toString());
        AuditLog.Entry e = audit.recent().get(audit.recent().size() - 1);
        assertEquals("echo", e.command());
        assertEquals("hello", e.target());
        assertEquals("ok", e.result());

        CommandResult refused = run(h, "{\"command\":\"refuse\"}");
        assertFalse(refused.ok());
        assertEquals(Code.INVALID_FIELD.wire(), refused.error().code());
        assertEquals(Code.INVALID_FIELD.wire(), audit.recent().get(audit.recent().size() - 1).result());
    }

    @Test
    void withoutTheFamilyItsCommandsAreUnknown() throws Exception {
        CommandResult r = run(handler(List.of()), "{\"command\":\"echo\",\"text\":\"hello\"}");
        assertFalse(r.ok());
        assertEquals(Code.UNKNOWN_COMMAND.wire(), r.error().code());
    }

    @Test
    void twoFamiliesMayNotOwnOneName() {
        CommandFamily holdAgain = new CommandFamily() {
            @Override
            public Set<String> commands() {
                return Set.of("hold");
            }

            @Override
            public CompletableFuture<CommandResult> run(Invocation inv) {
                return CompletableFuture.completedFuture(CommandResult.success());
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> handler(List.of(holdAgain)));
        assertTrue(e.getMessage().contains("'hold'"), e.getMessage());
    }
}
