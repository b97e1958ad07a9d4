package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.events.Json;
import io.ctiserver.server.omni.CustomerLink;
import io.ctiserver.server.omni.OmniService;
import io.ctiserver.server.storage.Storage;
import io.ctiserver.server.storage.contacts.DatabaseContactStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The wired server stores what its tracker sees: simulated traffic through the real AMI link and tracker ends up as
 * call records (the whole record, readable back) and agent state intervals, and routing decisions; a second server
 * on the same database and journal starts with them.
 */
class StorageWiringTest {

    @Test
    void simulatedCallsAreStoredAndSurviveARestart() throws Exception {
        ObjectNode root = DemoServers.config();
        root.withObject("/sim").put("speed", 50.0).put("seed", 7L).put("arrivalsPerSecond", 0.5)
                .put("meanHandleSeconds", 10.0);
        long calls;
        try (CtiServer server = DemoServers.start(root)) {
            Storage s = server.storage();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (count(s, "call_records") < 5 || count(s, "agent_states") < 5) {
                assertTrue(System.nanoTime() < deadline, "calls stored: " + s.health());
                Thread.sleep(100);
            }
            assertTrue(count(s, "route_decisions") > 0, "FastAGI routing decisions are stored");
            try (Connection c = s.database().connection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT call_id, record_json FROM call_records")) {
                while (rs.next()) {
                    JsonNode record = Json.mapper().readTree(rs.getString(2));
                    assertEquals(rs.getString(1), record.get("callId").asText());
                    assertTrue(record.has("startedAt") && record.has("result"));
                }
            }
            server.simulator().stopTraffic();
            calls = count(s, "call_records");
        }
        try (CtiServer again = DemoServers.start(root.deepCopy())) {
            assertTrue(count(again.storage(), "call_records") >= calls, "the stored calls are still there");
            assertEquals("ok", again.storage().health().status());
        }
    }

    /**
     * Issue 15: "the transcript is stored with the contact record". A chat handed from the bot to agent201, answered
     * and closed over the desktop WebSocket, is read back by the agent's {@code contact.record} and the supervisor's
     * {@code GET /api/history/contacts/{id}} from a second server on the same database.
     */
    @Test
    void aChatClosedOnTheDesktopIsStoredWithItsTranscriptAndSurvivesARestart() throws Exception {
        ObjectNode root = DemoServers.withPassword(DemoServers.config(), "pw");
        String id;
        try (CtiServer server = DemoServers.start(root)) {
            OmniService omni = server.omni().service();
            assertInstanceOf(DatabaseContactStore.class, omni.store(), "storage on: the database keeps contacts");
            try (DesktopClient agent = DesktopClient.login(server.gateway().port(), "agent201", "pw")) {
                assertTrue(command(agent, Map.of("command", "contact.ready", "ready", true)).path("ok").asBoolean());
                id = omni.startChat(new OmniService.ChatStart("Eve", "eve@example.com", null, "support"),
                        new CustomerLink() {
                            @Override
                            public void send(byte[] frame) {
                            }

                            @Override
                            public void close(byte[] lastFrame) {
                            }
                        }).get(5, TimeUnit.SECONDS);
                omni.customerMessage(id, "where is my parcel?").get(5, TimeUnit.SECONDS);
                omni.customerAsksAgent(id).get(5, TimeUnit.SECONDS);
                String contactId = id;
                agent.awaitKeepingOthers(f -> f.path("type").asText().equals("contact.offered"),
                        Duration.ofSeconds(10), "the offer");
                for (Map<String, Object> c : List.<Map<String, Object>>of(
                        Map.of("command", "contact.accept", "contactId", contactId),
                        Map.of("command", "contact.reply", "contactId", contactId, "text", "It left today."),
                        Map.of("command", "contact.close", "contactId", contactId, "disposition", "solved"))) {
                    JsonNode r = command(agent, c);
                    assertTrue(r.path("ok").asBoolean(), c + " -> " + r);
                }
            }
        }
        try (CtiServer again = DemoServers.start(root.deepCopy())) {
            try (DesktopClient agent = DesktopClient.login(again.gateway().port(), "agent201", "pw");
                 DesktopClient sup = DesktopClient.login(again.gateway().port(), "supervisor", "pw")) {
                JsonNode r = command(agent, Map.of("command", "contact.record", "contactId", id));
                assertTrue(r.path("ok").asBoolean(), r.toString());
                JsonNode data = r.path("data");
                assertEquals("agent201", data.path("record").path("agent").asText(), data.toString());
                assertEquals("chat", data.path("record").path("medium").asText());
                List<String> texts = new java.util.ArrayList<>();
                data.path("transcript").forEach(e -> texts.add(e.path("text").asText()));
                assertTrue(texts.contains("where is my parcel?") && texts.contains("It left today."),
                        texts.toString());

                DesktopClient.Rest one = sup.get("/api/history/contacts/" + id);
                assertEquals(200, one.status(), one.body().toString());
                assertEquals(texts.size(), one.body().path("transcript").size());
                DesktopClient.Rest page = sup.get("/api/history/contacts?medium=chat");
                assertEquals(id, page.body().path("contacts").path(0).path("record").path("contactId").asText());
            }
        }
    }


    private static JsonNode command(DesktopClient d, Map<String, Object> fields) throws Exception {
        return d.command(fields, Duration.ofSeconds(10));
    }

    private static long count(Storage s, String table) throws Exception {
        try (Connection c = s.database().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
