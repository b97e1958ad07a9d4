package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.Party;
import io.ctiserver.events.QueueView;
import io.ctiserver.kpi.KpiSnapshot;
import io.ctiserver.kpi.ServiceLevelFormula;
import io.ctiserver.server.gateway.auth.Role;
import io.ctiserver.server.gateway.auth.UserConfig;
import io.ctiserver.server.storage.Storage;
import io.ctiserver.server.storage.StorageApi;
import io.ctiserver.server.storage.StorageConfig;
import io.ctiserver.server.storage.testing.Rows;
import io.ctiserver.testing.Captures;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command and every REST endpoint, for every role, on the user's own call (or self) and on another agent's:
 * the expected answer of each cell is read from the table in {@code docs/gateway.md}, the one the operators read, and
 * checked against a running gateway. Commands go over REST and over the WebSocket and must agree. A command that
 * {@link io.ctiserver.server.gateway.commands.CommandHandler#commands()} knows and the table does not fails the test.
 */
class AuthorisationMatrixTest {

    static final List<String> COLUMNS = List.of("anonymous", "agent own", "agent other", "supervisor own",
            "supervisor other", "admin own", "admin other", "integration own", "integration other");

    /** The REST endpoints: a new one must get a row (and a case in {@link #endpoint}). */
    static final Set<String> ENDPOINTS = Set.of("GET /api/calls", "GET /api/calls/{callId}", "GET /api/agents",
            "GET /api/queues", "GET /api/kpis", "GET /api/route", "POST /api/logout", "POST /api/login",
            "GET /api/health", "GET /api/openapi.json", "GET /api/history/contacts",
            "GET /api/history/contacts/{contactId}");

    /** Commands acting on an agent (self, or {@code agent}); all others act on a call ({@code callId}). */
    static final Set<String> AGENT_COMMANDS = Set.of("queue.login", "queue.logout", "pause", "unpause", "wrapup.end",
            "dial", "phone.answer", "phone.dial", "phone.dnd.set", "phone.forward.set", "phone.settings");

    /** Valid fields of each command besides {@code callId} / {@code agent}: a new command needs its line here. */
    static final Map<String, String> FIELDS = Map.ofEntries(
            Map.entry("queue.login", "\"queue\":\"support\""), Map.entry("queue.logout", "\"queue\":\"support\""),
            Map.entry("pause", "\"reason\":\"lunch\""), Map.entry("unpause", "\"reason\":\"back\""),
            Map.entry("wrapup.end", ""), Map.entry("dial", "\"number\":\"5551234\""),
            Map.entry("hangup", ""), Map.entry("hold", ""), Map.entry("unhold", ""),
            Map.entry("transfer.blind", "\"target\":\"300\""), Map.entry("transfer.attended", "\"target\":\"300\""),
            Map.entry("transfer.complete", ""), Map.entry("transfer.cancel", ""),
            Map.entry("conference", "\"target\":\"300\""), Map.entry("dtmf", "\"digits\":\"12#\""),
            Map.entry("record.start", ""), Map.entry("record.stop", ""),
            Map.entry("monitor.listen", ""), Map.entry("monitor.whisper", ""), Map.entry("monitor.barge", ""),
            Map.entry("disposition", "\"code\":\"sale\",\"resolved\":true"),
            Map.entry("data.attach", "\"data\":{\"CRM_TICKET\":\"T-1\"}"),
            Map.entry("phone.answer", ""), Map.entry("phone.dial", "\"number\":\"5551234\""),
            Map.entry("phone.hangup", ""), Map.entry("phone.hold", ""), Map.entry("phone.unhold", ""),
            Map.entry("phone.dnd.set", "\"enabled\":true"),
            Map.entry("phone.forward.set", "\"kind\":\"busy\",\"target\":\"5551234\""),
            Map.entry("phone.settings", ""));

    /** Role column -> the acting user; "other" is always agent202 and its call. */
    static final Map<String, String> ACTOR = Map.of("agent", "agent201", "supervisor", "sup", "admin", "admin",
            "integration", "crm");

    static final Map<String, String> IFACE = Map.of("agent201", "Local/201@agents/n", "agent202", "Local/202@agents/n",
            "sup", "PJSIP/sup1", "admin", "PJSIP/admin1");

    private static Fixture f;
    private static Storage storage;
    private static StorageApi storedData;

    @TempDir
    static Path storageDir;
    private static final Map<String, WsClient> desktops = new HashMap<>();
    private static WsClient anonymousDesktop;

    static List<UserConfig> users() {
        String h = Fixture.HASH;
        return List.of(
                new UserConfig("agent201", h, Role.AGENT, IFACE.get("agent201"), "Agent 201", null, null, null,
                        List.of("support"), false, null),
                new UserConfig("agent202", h, Role.AGENT, IFACE.get("agent202"), "Agent 202", null, null, null,
                        List.of("sales"), false, null),
                new UserConfig("sup", h, Role.SUPERVISOR, IFACE.get("sup"), "Team Lead", null, null, null,
                        List.of("support"), false, null),
                new UserConfig("admin", h, Role.ADMIN, IFACE.get("admin"), "Admin", null, null, null,
                        List.of("support"), false, null),
                new UserConfig("crm", h, Role.INTEGRATION, null, null, null, null, null, List.of("support"), true,
                        List.of()));
    }

    @BeforeAll
    static void start() throws Exception {
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, null, null, users(), 0, "", 0, 0, 0, 0, 0, 0,
                1000, 1000, 0, "pbx1", null);
        Reports reports = new Reports() {
            @Override
            public KpiSnapshot kpis() {
                Instant now = Instant.parse("2026-12-03T09:00:00Z");
                List<KpiSnapshot.AgentKpis> agents = IFACE.values().stream().map(i -> new KpiSnapshot.AgentKpis(
                        "pbx1", i, i, AgentState.AVAILABLE, null, null)).toList();
                return new KpiSnapshot(now, LocalDate.of(2026, 12, 3), "UTC", 900, 20,
                        ServiceLevelFormula.values()[0], 5, null, null, 0, 0, List.of(), agents);
            }

            @Override
            public CompletableFuture<Object> whatIf(String number, String time, String dialed,
                                                    Map<String, String> ivr) {
                return CompletableFuture.completedFuture(Map.of("queue", "support", "number", number));
            }
        };
        // stored chats and emails, one per user with an interface, in that user's queue (agent202: sales)
        storage = Storage.start(StorageConfig.of("jdbc:h2:file:" + storageDir.resolve("db").toAbsolutePath(), "sa",
                "", storageDir.resolve("journal")));
        for (String user : IFACE.keySet()) {
            storage.contacts().save(Rows.email("contact-" + user, Instant.now().minusSeconds(3600), user,
                    user.equals("agent202") ? "sales" : "support", 2));
        }
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (storage.writer().written() < IFACE.size() * 3L) {
            assertTrue(System.nanoTime() < deadline, "stored contacts written");
            Thread.sleep(20);
        }
        storedData = new StorageApi(storage);
        f = new Fixture(config, b -> b.reports(reports).storedData(storedData)
                .callDataSink((pbx, callId, data) -> CompletableFuture.completedFuture(true)));
        for (String user : IFACE.keySet()) {
            String iface = IFACE.get(user);
            f.state.put(call(user, iface, user.equals("agent202") ? "sales" : "support"));
            f.state.agents.put(iface, new AgentView("pbx1", iface, user, AgentState.AVAILABLE, null,
                    List.of("support"), null, Instant.parse("2026-12-03T08:00:00Z")));
        }
        for (String q : List.of("support", "sales")) {
            f.state.queues.put(q, new QueueView("pbx1", q, "rrmemory", List.of(), List.of()));
        }
        for (String user : ACTOR.values()) {
            desktops.put(user, f.desktop(user));
        }
        anonymousDesktop = WsClient.connect(f.port(), "");
    }

    @AfterAll
    static void stop() {
        desktops.values().forEach(WsClient::close);
        if (anonymousDesktop != null) {
            anonymousDesktop.close();
        }
        if (f != null) {
            f.close();
        }
        if (storedData != null) {
            storedData.close();
        }
        if (storage != null) {
            storage.close();
        }
    }

    /** A call answered at {@code iface}, with a consultation leg, so that every call command has its parties. */
    static CallView call(String user, String iface, String queue) {
        Instant t0 = Instant.parse("2026-12-03T09:00:00Z");
        String n = Integer.toString(Math.abs(user.hashCode() % 1000));
        List<Party> parties = List.of(
                new Party(Party.Role.CALLER, "PJSIP/trunk-0000" + n, "1795458626." + n, null, "Caller", "5551001"),
                new Party(Party.Role.AGENT, iface.replace("/n", "") + "-0001;1", "1795458627." + n, iface, user, "201"),
                new Party(Party.Role.TRANSFER_TARGET, "PJSIP/300-0000" + n, "1795458628." + n, null, "Target", "300"));
        return new CallView("call-" + user, "pbx1", "1795458626." + n, CallDirection.INBOUND, CallState.CONNECTED,
                "5551001", "Caller", "5000", queue, iface, user, t0, t0.plusSeconds(3), t0.plusSeconds(10), false,
                parties, Map.of());
    }

    // ---- the table ----------------------------------------------------------------------------------------------

    /** The rows of the marked table in docs/gateway.md: name -> column -> cell. */
    static Map<String, Map<String, String>> table() throws Exception {
        Path doc = Captures.dir().toAbsolutePath().getParent().getParent().resolve("docs/gateway.md");
        String text = Files.readString(doc);
        int from = text.indexOf("<!-- authorisation-matrix:begin -->");
        int to = text.indexOf("<!-- authorisation-matrix:end -->");
        assertTrue(from >= 0 && to > from, "docs/gateway.md has the marked authorisation table");
        List<String> lines = text.substring(from, to).lines().filter(l -> l.startsWith("|")).toList();
        List<String> header = cells(lines.get(0));
        assertEquals(COLUMNS, header.subList(1, header.size()), "the table's columns");
        Map<String, Map<String, String>> rows = new LinkedHashMap<>();
        for (String line : lines.subList(2, lines.size())) {
            List<String> c = cells(line);
            assertEquals(header.size(), c.size(), "cells in: " + line);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 1; i < c.size(); i++) {
                row.put(header.get(i), c.get(i));
            }
            rows.put(c.get(0).replace("`", ""), row);
        }
        return rows;
    }

    private static List<String> cells(String line) {
        String inner = line.substring(1, line.lastIndexOf('|'));
        List<String> out = new ArrayList<>();
        for (String s : inner.split("\\|")) {
            out.add(s.trim());
        }
        return out;
    }

    @Test
    void everyCommandAndEndpointHasARowAndNoRowIsStale() throws Exception {
        Set<String> expected = new TreeSet<>(f.gateway.commands().commands());
        expected.addAll(ENDPOINTS);
        assertEquals(expected, new TreeSet<>(table().keySet()),
                "rows of the authorisation table in docs/gateway.md vs the commands and endpoints the gateway has");
        assertEquals(new TreeSet<>(f.gateway.commands().commands()), new TreeSet<>(FIELDS.keySet()),
                "every command has sample fields in this test");
    }

    @Test
    void everyCellHoldsOverRestAndTheWebSocket() throws Exception {
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (var row : table().entrySet()) {
            for (var cell : row.getValue().entrySet()) {
                String actual = ENDPOINTS.contains(row.getKey())
                        ? endpoint(row.getKey(), cell.getKey())
                        : command(row.getKey(), cell.getKey());
                checked++;
                if (!actual.equals(cell.getValue())) {
                    wrong.add(row.getKey() + " / " + cell.getKey() + ": table says " + cell.getValue() + ", gateway "
                            + actual);
                }
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " of " + checked + " cells differ:\n" + String.join("\n", wrong));
        assertTrue(checked >= 32 * COLUMNS.size(), "cells checked: " + checked);
    }

    // ---- one cell ----------------------------------------------------------------------------------------------

    private static String actor(String column) {
        return ACTOR.get(column.split(" ")[0]);
    }

    private static boolean own(String column) {
        return column.endsWith(" own");
    }

    /** A command cell: the same answer over REST and the WebSocket, else both are reported. */
    private static String command(String name, String column) throws Exception {
        String user = column.equals("anonymous") ? null : actor(column);
        StringBuilder json = new StringBuilder("{\"command\":\"").append(name).append('"');
        if (!FIELDS.get(name).isEmpty()) {
            json.append(',').append(FIELDS.get(name));
        }
        if (AGENT_COMMANDS.contains(name)) {
            if (user != null && !own(column)) {
                json.append(",\"agent\":\"agent202\"");
            }
        } else {
            String target = user == null || !own(column) ? "agent202" : user;
            if (!IFACE.containsKey(target)) {
                return "n/a"; // no call on a user without an interface
            }
            json.append(",\"callId\":\"call-").append(target).append('"');
        }
        json.append('}');
        String token = user == null ? null : token(user);
        String rest = code(f.post("/api/commands", json.toString(), token));
        JsonNode r = (user == null ? anonymousDesktop : desktops.get(user)).command(name + "-" + column, json.toString());
        String ws = r.path("ok").asBoolean() ? "ok" : r.path("error").path("code").asText();
        return rest.equals(ws) ? rest : "REST " + rest + " but WebSocket " + ws;
    }

    private static String endpoint(String name, String column) throws Exception {
        String user = column.equals("anonymous") ? null : actor(column);
        boolean own = own(column);
        String target = own ? user : "agent202";
        boolean ownsNothing = user != null && own && !IFACE.containsKey(user);
        // Logout gets a token of its own: the others are shared by the cells (a user keeps at most 32 tokens).
        String token = user == null ? null : name.equals("POST /api/logout") ? f.login(user) : token(user);
        switch (name) {
            case "POST /api/login" -> {
                return code(f.post("/api/login", "{\"username\":\"" + (user == null ? "agent201" : user)
                        + "\",\"password\":\"" + Fixture.PASSWORD + "\"}", null));
            }
            case "POST /api/logout" -> {
                String result = code(f.post("/api/logout", "", token));
                if (result.equals("ok") && !code(f.get("/api/queues", token)).equals("unauthenticated")) {
                    return "ok, but the token still works";
                }
                return result;
            }
            case "GET /api/health" -> {
                return code(f.get("/api/health", token));
            }
            case "GET /api/openapi.json" -> {
                return code(f.get("/api/openapi.json", token));
            }
            case "GET /api/route" -> {
                return code(f.get("/api/route?number=5551001", token));
            }
            case "GET /api/queues" -> {
                return listed(f.get("/api/queues", token), own ? "\"support\"" : "\"sales\"");
            }
            default -> {
                // own/other call, agent entry, KPI entry
            }
        }
        if (ownsNothing) {
            return "n/a";
        }
        String callId = "call-" + (target == null ? "agent202" : target);
        String iface = IFACE.get(target == null ? "agent202" : target);
        return switch (name) {
            case "GET /api/calls" -> listed(f.get("/api/calls", token), "\"" + callId + "\"");
            case "GET /api/calls/{callId}" -> code(f.get("/api/calls/" + callId, token));
            case "GET /api/agents" -> listed(f.get("/api/agents", token), "\"" + iface + "\"");
            case "GET /api/kpis" -> listed(f.get("/api/kpis", token), "\"" + iface + "\"");
            case "GET /api/history/contacts" -> listed(f.get("/api/history/contacts", token),
                    "\"contact-" + (target == null ? "agent202" : target) + "\"");
            case "GET /api/history/contacts/{contactId}" -> code(f.get("/api/history/contacts/contact-"
                    + (target == null ? "agent202" : target), token));
            default -> throw new AssertionError("no check for endpoint " + name);
        };
    }

    private static final Map<String, String> tokens = new HashMap<>();

    private static String token(String user) throws Exception {
        String t = tokens.get(user);
        if (t == null) {
            t = f.login(user);
            tokens.put(user, t);
        }
        return t;
    }

    private static String code(HttpResponse<String> r) throws Exception {
        if (r.statusCode() == 200) {
            return "ok";
        }
        return Fixture.json(r).path("error").path("code").asText("HTTP " + r.statusCode());
    }

    /** 200 with the item: ok; 200 without: hidden; else the error code. */
    private static String listed(HttpResponse<String> r, String item) throws Exception {
        String c = code(r);
        return !c.equals("ok") ? c : r.body().contains(item) ? "ok" : "hidden";
    }
}
