package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.ami.AmiActionSender;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.ami.AmiResponse;
import io.ctiserver.server.ami.codec.AmiEncoder;
import io.ctiserver.server.gateway.auth.User;
import io.ctiserver.server.gateway.auth.UserDirectory;
import io.ctiserver.server.gateway.commands.AuditLog;
import io.ctiserver.server.gateway.commands.CommandHandler;
import io.ctiserver.server.gateway.commands.CommandResult;
import io.ctiserver.server.gateway.commands.DispositionStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * No control character from a desktop reaches an AMI action: for every command of
 * {@link CommandHandler#commands()}, every field the command reads (found by running it once with valid fields and
 * recording which fields it looks at, optional ones included) is given each control character, alone and as a CRLF
 * header injection. Each must be refused as {@code invalid_field}, and no action may leave with a control byte.
 */
class HeaderInjectionTest {

    /** What a desktop could slip in: C0 controls, DEL, CR/LF injections of a whole header or action. */
    static final List<String> BAD = List.of("\r", "\n", "\r\n", "\u0000", "\t", "\u001b", "\u007f", "\u0008",
            "\r\nAction: Originate\r\nChannel: PJSIP/evil", "\nVariable: X=1", "\r\n\r\nAction: Logoff\r\n\r\n");

    private final GatewayConfig config = GatewayConfig.defaults().withUsers(AuthorisationMatrixTest.users());
    private final UserDirectory users = new UserDirectory(config.users(), "pbx1");
    private final FakeStateView state = new FakeStateView();
    /** Every action as the AMI encoder wrote it, bytes and all. */
    private final List<byte[]> wire = new CopyOnWriteArrayList<>();
    private final AmiActionSender sender = action -> {
        for (int i = 0; i < action.size(); i++) {
            if (hasControlInsideLines((action.key(i) + action.value(i)).getBytes(StandardCharsets.UTF_8))) {
                wire.add(("control character in header " + action.key(i) + "\0").getBytes(StandardCharsets.UTF_8));
            }
        }
        ByteBuf buf = Unpooled.buffer();
        try {
            AmiEncoder.encode(action, buf);
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            wire.add(b);
        } finally {
            buf.release();
        }
        return CompletableFuture.completedFuture(AmiResponse.of(AmiMessage.of("Response", "Success")));
    };
    private final CommandHandler handler = new CommandHandler(config, users, state, pbx -> sender,
            (pbx, id, data) -> CompletableFuture.completedFuture(true), id -> null, new AuditLog(100),
            new DispositionStore(100), Clock.systemUTC());

    /** An object node that notes every field a command reads. */
    static final class Recording extends ObjectNode {
        final Set<String> read = new LinkedHashSet<>();

        Recording(ObjectNode from) {
            super(JsonNodeFactory.instance, new LinkedHashMap<>());
            setAll(from);
        }

        @Override
        public JsonNode get(String field) {
            read.add(field);
            return super.get(field);
        }
    }

    @Test
    void everyFieldOfEveryCommandRefusesControlCharacters() throws Exception {
        User admin = users.byName("admin").orElseThrow();
        state.put(AuthorisationMatrixTest.call("admin", AuthorisationMatrixTest.IFACE.get("admin"), "support"));
        List<String> leaks = new ArrayList<>();
        int cases = 0;
        for (String command : handler.commands()) {
            ObjectNode valid = valid(command);
            Recording probe = new Recording(valid);
            wire.clear();
            CommandResult ok = run(admin, probe);
            assertTrue(ok.ok(), command + " with valid fields: " + ok);
            probe.read.remove("command");
            assertFalse(probe.read.isEmpty(), command + " reads no field");
            for (String field : probe.read) {
                for (String bad : BAD) {
                    for (ObjectNode attack : attacks(valid, field, bad)) {
                        wire.clear();
                        CommandResult r = run(admin, attack);
                        cases++;
                        String shown = attack.toString();
                        if (r.ok() || !r.error().code().equals("invalid_field")) {
                            leaks.add(command + "." + field + " accepted " + shown + " -> " + r);
                        }
                        for (byte[] action : wire) {
                            if (hasControlInsideLines(action)) {
                                leaks.add(command + "." + field + ": an action left with a control byte: "
                                        + new String(action, StandardCharsets.UTF_8).replace("\r\n", "\\r\\n"));
                            }
                        }
                    }
                }
            }
        }
        assertTrue(leaks.isEmpty(), leaks.size() + " of " + cases + " cases:\n" + String.join("\n", leaks));
        assertTrue(cases > 500, "cases: " + cases);
    }

    /** The value with the bad text appended, prepended, in the middle; for an object field, in a value and a key. */
    private static List<ObjectNode> attacks(ObjectNode valid, String field, String bad) {
        List<ObjectNode> out = new ArrayList<>();
        JsonNode v = valid.get(field);
        if (v != null && v.isObject()) {
            String key = v.fieldNames().next();
            ObjectNode inValue = valid.deepCopy();
            ((ObjectNode) inValue.get(field)).put(key, "T-1" + bad);
            out.add(inValue);
            ObjectNode inKey = valid.deepCopy();
            ((ObjectNode) inKey.get(field)).put("K" + bad, "v");
            out.add(inKey);
            return out;
        }
        String base = v == null || v.isNull() ? (field.equals("agent") ? "admin" : "x") : v.asText();
        for (String s : List.of(base + bad, bad + base, base.charAt(0) + bad + base.substring(1))) {
            ObjectNode n = valid.deepCopy();
            n.put(field, s);
            out.add(n);
        }
        return out;
    }

    private ObjectNode valid(String command) throws Exception {
        String fields = AuthorisationMatrixTest.FIELDS.get(command);
        assertTrue(fields != null, "no sample fields for " + command + " in AuthorisationMatrixTest.FIELDS");
        String json = "{\"command\":\"" + command + "\"" + (fields.isEmpty() ? "" : "," + fields)
                + (AuthorisationMatrixTest.AGENT_COMMANDS.contains(command) ? "" : ",\"callId\":\"call-admin\"") + "}";
        return (ObjectNode) Json.MAPPER.readTree(json);
    }

    private CommandResult run(User user, ObjectNode json) throws Exception {
        return handler.handle(user, json).get(5, TimeUnit.SECONDS);
    }

    /** A byte below 0x20 or DEL anywhere but in the CRLF line ends. */
    static boolean hasControlInsideLines(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xff;
            boolean lineEnd = (c == '\r' && i + 1 < b.length && b[i + 1] == '\n') || (c == '\n' && i > 0 && b[i - 1] == '\r');
            if ((c < 0x20 || c == 0x7f) && !lineEnd) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theCheckSeesAnInjectedByte() {
        assertTrue(hasControlInsideLines("Action: Ping\r\nX: a\u0000b\r\n\r\n".getBytes(StandardCharsets.UTF_8)));
        assertFalse(hasControlInsideLines("Action: Ping\r\nX: ab\r\n\r\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, BAD.stream().filter(s -> s.equals("\r\n")).count());
    }
}
