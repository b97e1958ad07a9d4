package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.events.Json;
import io.ctiserver.server.storage.Storage;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
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

    private static long count(Storage s, String table) throws Exception {
        try (Connection c = s.database().connection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
