package io.ctiserver.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.server.gateway.Json;
import io.ctiserver.server.run.CtiServer;
import io.ctiserver.server.run.DemoServers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * cti-client.js has a helper for every command the gateway has, so the two cannot drift: its
 * {@code COMMAND_HELPERS} table names the same commands as the server's {@code CommandHandler.commands()} (every
 * family: agent, call, supervision, after-call, phone, chat), and each helper, called in Chromium against the real
 * server, sends its own command with fields the gateway accepts: the answer may be a refusal of the request (no such
 * call, forbidden for this role), never an unknown command or a missing or malformed field.
 */
class CtiClientCommandsBrowserTest {

    private static final String PASSWORD = "helpers";
    private static final Set<String> WRONG_SHAPE = Set.of("unknown_command", "missing_field", "invalid_field",
            "invalid_json", "not_connected", "timeout", "link_lost");
    /**
     * Arguments for each helper: well-formed values for calls and contacts that do not exist, so that nothing but the
     * shape of the message is at stake. A command added to the server needs a helper, and a line here.
     */
    private static final String SAMPLES = """
            {
              "queue.login": ["support"], "queue.logout": ["sales"], "pause": ["Break"], "unpause": [],
              "wrapup.end": [],
              "dial": ["5551234"], "hangup": ["9999.1"], "hold": ["9999.1"], "unhold": ["9999.1"],
              "transfer.blind": ["9999.1", "204"], "transfer.attended": ["9999.1", "204"],
              "transfer.complete": ["9999.1"], "transfer.cancel": ["9999.1"], "conference": ["9999.1", "204"],
              "dtmf": ["9999.1", "5"], "record.start": ["9999.1"], "record.stop": ["9999.1"],
              "monitor.listen": ["9999.1"], "monitor.whisper": ["9999.1"], "monitor.barge": ["9999.1"],
              "disposition": ["9999.1", { "code": "Information", "resolved": true, "notes": "n" }],
              "data.attach": ["9999.1", { "CRM_TICKET": "T-1" }],
              "phone.answer": [], "phone.dial": ["5551234"], "phone.hangup": ["9999.1"], "phone.hold": ["9999.1"],
              "phone.unhold": ["9999.1"], "phone.dnd.set": [false], "phone.forward.set": ["busy", "5551234"],
              "phone.settings": [],
              "contact.ready": [true], "contact.accept": ["c-none"], "contact.decline": ["c-none"],
              "contact.reply": ["c-none", "Hello"], "contact.typing": ["c-none"],
              "contact.transfer": ["c-none", { "queue": "support" }],
              "contact.close": ["c-none", { "disposition": "solved", "notes": "n" }], "contact.get": ["c-none"],
              "contact.list": [], "contact.record": ["c-none"], "contact.kpis": [], "kb.search": ["password"]
            }""";

    /** A supervisor acts on an agent: the helpers' {agent} option. */
    private static final String SUPERVISOR_SAMPLES = """
            {
              "queue.login": ["support", { "agent": "agent202" }], "queue.logout": ["sales", { "agent": "agent202" }],
              "pause": ["Break", { "agent": "agent202" }], "unpause": [{ "agent": "agent202" }],
              "wrapup.end": [{ "agent": "agent202" }], "dial": ["5551234", { "agent": "agent202" }],
              "phone.answer": [{ "agent": "agent202" }], "phone.dial": ["5551234", { "agent": "agent202" }],
              "phone.dnd.set": [false, { "agent": "agent202" }],
              "phone.forward.set": ["busy", "5551234", { "agent": "agent202" }],
              "phone.settings": [{ "agent": "agent202" }]
            }""";

    private static CtiServer server;

    @BeforeAll
    static void start() throws Exception {
        ObjectNode root = DemoServers.withPassword(DemoServers.config(), PASSWORD);
        // 42 commands in a row: the per-session rate limit is not what this test is about.
        root.withObject("/gateway").put("commandsPerSecond", 1000).put("commandBurst", 1000);
        server = DemoServers.start(root);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyGatewayCommandHasAHelperThatSendsItWithFieldsTheGatewayAccepts() throws Exception {
        Set<String> serverCommands = new TreeSet<>(server.gateway().commands().commands());
        assertTrue(serverCommands.containsAll(List.of("hold", "phone.dnd.set", "contact.close", "kb.search")),
                "the demo server has every family: " + serverCommands);
        try (Browser b = new Browser("http://127.0.0.1:" + server.gateway().port(), 1024, 700)) {
            b.open("/css/desk.css"); // any page of the server's origin: the module is imported from there
            for (String user : List.of("agent201", "supervisor")) {
                JsonNode run = Json.MAPPER.readTree((String) b.driver.executeAsyncScript(SCRIPT, user, PASSWORD,
                        SAMPLES, user.equals("supervisor") ? SUPERVISOR_SAMPLES : "{}"));
                assertEquals("", run.path("failed").asText(""), user);
                Set<String> helpers = new TreeSet<>();
                run.path("helpers").forEach(n -> helpers.add(n.asText()));
                assertEquals(serverCommands, helpers,
                        "COMMAND_HELPERS of cti-client.js and the gateway's commands differ");
                List<String> wrong = new ArrayList<>();
                for (JsonNode r : run.path("results")) {
                    String name = r.path("command").asText();
                    if (!r.path("isFunction").asBoolean()) {
                        wrong.add(name + ": CtiClient has no method " + r.path("helper").asText());
                    } else if (r.path("noSample").asBoolean()) {
                        wrong.add(name + ": no sample arguments in this test");
                    } else if (!name.equals(r.path("sent").asText())) {
                        wrong.add(name + ": " + r.path("helper").asText() + " sent " + r.path("sent"));
                    } else if (WRONG_SHAPE.contains(r.path("code").asText())) {
                        wrong.add(name + ": " + r.path("code").asText() + " " + r.path("message").asText());
                    }
                }
                assertEquals(serverCommands.size(), run.path("results").size());
                assertTrue(wrong.isEmpty(), user + ": " + String.join("; ", wrong));
                // Not everything was refused: the helpers do work (phone settings, the knowledge base, ready).
                JsonNode settings = find(run, "phone.settings");
                assertTrue(settings.path("ok").asBoolean(), "phone.settings: " + settings);
                assertEquals("5551234", settings.at("/data/forward/busy").asText(), settings.toString());
                if (user.equals("agent201")) {
                    assertTrue(find(run, "kb.search").path("ok").asBoolean(), run.toString());
                    assertTrue(find(run, "contact.ready").path("ok").asBoolean(), run.toString());
                    assertEquals("not_found", find(run, "hold").path("code").asText(), run.toString());
                } else {
                    assertTrue(find(run, "contact.kpis").path("ok").asBoolean(), run.toString());
                    assertEquals("not_found", find(run, "monitor.barge").path("code").asText(), run.toString());
                }
            }
        }
    }

    private static JsonNode find(JsonNode run, String command) {
        for (JsonNode r : run.path("results")) {
            if (command.equals(r.path("command").asText())) {
                return r;
            }
        }
        throw new AssertionError("no result for " + command);
    }

    /**
     * Logs in with the library, waits for the snapshot, then calls each helper of COMMAND_HELPERS in turn (sorted by
     * command), recording the command it put on the WebSocket and the answer. phone.settings runs last, so that it
     * reads the forward that phone.forward.set stored.
     */
    private static final String SCRIPT = """
            const [user, password, samplesText, overridesText, done] = arguments;
            (async () => {
              const { CtiClient, COMMAND_HELPERS } = await import('/js/cti-client.js');
              const samples = Object.assign(JSON.parse(samplesText), JSON.parse(overridesText));
              const cti = new CtiClient({ storage: null });
              await cti.login(user, password);
              const up = cti.once('snapshot');
              cti.connect();
              await up;
              let sent = null;
              const send = cti.ws.send.bind(cti.ws);
              cti.ws.send = (text) => { sent = JSON.parse(text).command; send(text); };
              const names = Object.keys(COMMAND_HELPERS).sort((a, b) =>
                (a === 'phone.settings') - (b === 'phone.settings') || a.localeCompare(b));
              const results = [];
              for (const command of names) {
                const helper = COMMAND_HELPERS[command];
                const r = { command, helper, isFunction: typeof cti[helper] === 'function' };
                results.push(r);
                if (!r.isFunction) continue;
                if (!samples[command]) { r.noSample = true; continue; }
                sent = null;
                try {
                  r.data = await cti[helper](...samples[command]);
                  r.ok = true;
                } catch (e) {
                  r.ok = false; r.code = e.code; r.message = e.message;
                }
                r.sent = sent;
              }
              cti.close();
              done(JSON.stringify({ helpers: Object.keys(COMMAND_HELPERS), results }));
            })().catch((e) => done(JSON.stringify({ failed: String(e && e.stack || e) })));
            """;
}
