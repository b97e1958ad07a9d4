package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.QueueUpdated;
import io.ctiserver.events.QueueView;
import io.ctiserver.server.storage.Row;
import io.ctiserver.server.storage.Storage;
import io.ctiserver.server.storage.StorageApi;
import io.ctiserver.server.storage.StorageConfig;
import io.ctiserver.server.storage.testing.Rows;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history and report endpoints and the screen pop's recent calls, over HTTP and WebSocket, on stored rows (H2). */
class StorageApiTest {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    private Storage storage;
    private StorageApi api;
    private Fixture f;

    @BeforeEach
    void start() throws Exception {
        storage = Storage.start(StorageConfig.of("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "sa", "",
                dir.resolve("journal")));
        api = new StorageApi(storage);
        f = new Fixture(api);
        for (int i = 0; i < 12; i++) {
            String agent = i % 2 == 0 ? Fixture.AGENT_201 : Fixture.AGENT_202;
            storage.offer(Rows.call("s" + i, "5551001", "support", agent, "answered", 5, 60,
                    T0.plusSeconds(60L * i)));
        }
        storage.offer(new Row.Disposition("pbx", "s11", "agent202", "RESOLVED", true, null, "sale",
                new BigDecimal("12.00"), T0.plusSeconds(700).toEpochMilli()));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (storage.writer().written() < 13) {
            assertTrue(System.nanoTime() < deadline, "rows written");
            Thread.sleep(20);
        }
        storage.aggregator().runAll();
    }

    @AfterEach
    void stop() {
        f.close();
        api.close();
        storage.close();
    }

    @Test
    void supervisorPagesThroughEveryCallNewestFirst() throws Exception {
        String sup = f.login("sup");
        Set<String> ids = new HashSet<>();
        String cursor = null;
        String first = null;
        do {
            HttpResponse<String> r = f.get("/api/history/calls?from=2026-11-23&to=2026-11-24&number=%2B5551001"
                    + "&limit=5" + (cursor == null ? "" : "&cursor=" + cursor), sup);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode body = Json.MAPPER.readTree(r.body());
            for (JsonNode c : body.get("calls")) {
                String id = c.get("record").get("callId").asText();
                first = first == null ? id : first;
                ids.add(id);
            }
            cursor = body.hasNonNull("nextCursor") ? body.get("nextCursor").asText() : null; // absent on the last page
        } while (cursor != null);
        assertEquals(12, ids.size());
        assertEquals("s11", first);

        JsonNode one = Json.MAPPER.readTree(f.get("/api/history/calls/s11", sup).body());
        assertEquals("RESOLVED", one.get("disposition").get("code").asText());
        assertEquals("sale", one.get("disposition").get("outcome").asText());
    }

    @Test
    void anAgentSeesOnlyTheirOwnCalls() throws Exception {
        String agent = f.login("agent201");
        JsonNode body = Json.MAPPER.readTree(f.get("/api/history/calls?from=2026-11-23&to=2026-11-24", agent).body());
        assertEquals(6, body.get("calls").size());
        for (JsonNode c : body.get("calls")) {
            assertEquals(Fixture.AGENT_201, c.get("record").get("agentInterface").asText());
        }
        assertEquals(404, f.get("/api/history/calls/s11", agent).statusCode(), "agent202's call");
        assertEquals(403, f.get("/api/reports/intervals?from=2026-11-23&to=2026-11-24", agent).statusCode());
    }

    @Test
    void badParametersAre400NamingThem() throws Exception {
        String sup = f.login("sup");
        for (String[] c : new String[][] {
            {"/api/history/calls?from=yesterday", "from"},
            {"/api/history/calls?limit=0", "limit"},
            {"/api/history/calls?limit=ten", "limit"},
            {"/api/history/calls?result=maybe", "result"},
            {"/api/history/calls?cursor=%25%25", "cursor"},
            {"/api/history/calls?from=2026-01-01&to=2026-12-01", "to"},
            {"/api/history/calls?from=2026-11-24&to=2026-11-23", "from"},
            {"/api/reports/intervals?interval=5m", "interval"},
            {"/api/reports/intervals?medium=fax", "medium"},
            {"/api/reports/agents?medium=sms", "medium"},
            {"/api/reports/agents?from=2020-01-01&to=2026-01-01", "to"}}) {
            HttpResponse<String> r = f.get(c[0], sup);
            assertEquals(400, r.statusCode(), c[0] + " -> " + r.body());
            String message = Json.MAPPER.readTree(r.body()).get("error").get("message").asText();
            assertTrue(message.startsWith(c[1] + ":"), c[0] + " -> " + message);
        }
    }

    @Test
    void intervalReportInJsonAndCsv() throws Exception {
        String sup = f.login("sup");
        JsonNode body = Json.MAPPER.readTree(f.get("/api/reports/intervals?from=2026-11-23T10:00:00Z"
                + "&to=2026-11-23T11:00:00Z&queue=support&interval=1h", sup).body());
        JsonNode row = body.get("rows").get(0);
        assertEquals(12, row.get("answered").asInt());
        assertEquals(100.0, row.get("serviceLevelPercent").asDouble(), 1e-9);
        assertEquals(1, row.get("sales").asInt());

        HttpResponse<String> csv = f.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.port()
                + "/api/reports/intervals?from=2026-11-23T10:00:00Z&to=2026-11-23T11:00:00Z&queue=support"))
                .header("Authorization", "Bearer " + sup).header("Accept", "text/csv").GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, csv.statusCode());
        assertTrue(csv.headers().firstValue("Content-Type").orElse("").startsWith("text/csv"));
        String[] lines = csv.body().split("\r\n");
        assertTrue(lines[0].startsWith("intervalStart,intervalMinutes,queue,medium,offered,answered"), lines[0]);
        assertTrue(lines[1].contains(",support,voice,"), lines[1]);
        assertEquals(2, lines.length, "one 15-minute interval has calls: 10:00 (the calls end 10:00..10:11)");

        JsonNode agents = Json.MAPPER.readTree(f.get("/api/reports/agents?from=2026-11-23&to=2026-11-24", sup)
                .body());
        assertEquals(2, agents.get("agents").size());
        assertEquals(0, agents.get("agents").get(0).get("scheduledPauseSeconds").asInt(), "no schedule configured");

        HttpResponse<String> agentsCsv = f.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + f.port()
                + "/api/reports/agents?from=2026-11-23&to=2026-11-24")).header("Authorization", "Bearer " + sup)
                .header("Accept", "text/csv").GET().build(), HttpResponse.BodyHandlers.ofString());
        String[] agentLines = agentsCsv.body().split("\r\n");
        assertEquals(3, agentLines.length, agentsCsv.body());
        assertTrue(agentLines[0].endsWith(",pausedSecondsByReason,scheduledPauseSeconds,pausedInScheduleSeconds,"
                + "pausedOutOfScheduleSeconds,pauseAdherencePercent"), agentLines[0]);
        assertTrue(agentLines[1].endsWith(",{},0,0,0,"), "nothing scheduled nor paused: no percentage; "
                + agentLines[1]);
    }

    @Test
    void healthShowsStorage() throws Exception {
        JsonNode h = Json.MAPPER.readTree(f.get("/api/health", null).body());
        assertEquals("ok", h.get("storage").get("status").asText());
        assertEquals(0, h.get("storage").get("journalDepth").asInt());
    }

    @Test
    void screenPopCarriesTheCallersRecentCalls() throws Exception {
        // the caller joins the queue: storage fetches their last calls while they wait
        api.onEvent(new QueueUpdated("pbx1", Instant.parse("2026-11-23T11:59:40Z"), new QueueView("pbx1", "support",
                "ringall", List.of(new QueueEntryView("live1", 1, "5551001", Instant.parse("2026-11-23T11:59:40Z"))),
                List.of())));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (api.recentCallsCached("5551001") == null) {
            assertTrue(System.nanoTime() < deadline, "prefetched");
            Thread.sleep(10);
        }
        try (WsClient agent = f.desktop("agent201")) {
            CallView ringing = Fixture.call("live1", CallState.RINGING, Fixture.AGENT_201,
                    "Local/201@agents-00000008;1");
            f.state.put(ringing);
            f.gateway.onEvent(new CallOffered("pbx1", Instant.parse("2026-11-23T12:00:00Z"), ringing,
                    Fixture.AGENT_201, "Agent 201"));
            JsonNode recent = agent.next("call.offered").get("payload").get("recentCalls");
            assertEquals(5, recent.size());
            assertEquals("s11", recent.get(0).get("callId").asText());
            assertEquals("RESOLVED", recent.get(0).get("disposition").asText());
            assertEquals(Fixture.AGENT_202, recent.get(0).get("agent").asText());
            assertEquals("answered", recent.get(0).get("result").asText());
            assertEquals("2026-11-23T10:09:55Z", recent.get(0).get("date").asText());
        }
    }
}
