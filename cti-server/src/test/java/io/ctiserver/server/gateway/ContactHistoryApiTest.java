package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.storage.Storage;
import io.ctiserver.server.storage.StorageApi;
import io.ctiserver.server.storage.StorageConfig;
import io.ctiserver.server.storage.testing.Rows;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/history/contacts} and {@code /api/history/contacts/{id}} over HTTP on stored chats and emails (H2),
 * every answer checked against the OpenAPI document by the fixture: paging, an agent's view, the transcript, 400s
 * naming the parameter.
 */
class ContactHistoryApiTest {

    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    @TempDir
    Path dir;

    private Storage storage;
    private StorageApi api;
    private Fixture f;

    @BeforeEach
    void start() throws Exception {
        // a fresh store for the writes and a second one for the reads: the reads come from the database, not memory
        StorageConfig config = StorageConfig.of("jdbc:h2:file:" + dir.resolve("db").toAbsolutePath(), "sa", "",
                dir.resolve("journal"));
        try (Storage writer = Storage.start(config)) {
            for (int i = 0; i < 6; i++) {
                writer.contacts().save(Rows.email("m" + i, T0.plusSeconds(60L * i), i % 2 == 0 ? "agent201"
                        : "agent202", 3));
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (writer.writer().written() < 6 * 4) {
                assertTrue(System.nanoTime() < deadline, "rows written");
                Thread.sleep(20);
            }
        }
        storage = Storage.start(config);
        api = new StorageApi(storage);
        f = new Fixture(api);
    }

    @AfterEach
    void stop() {
        f.close();
        api.close();
        storage.close();
    }

    @Test
    void supervisorPagesThroughEveryContactNewestFirst() throws Exception {
        String sup = f.login("sup");
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> r = f.get("/api/history/contacts?from=2026-11-23&to=2026-11-24&medium=email"
                    + "&customer=EVE%40example.com&limit=4" + (cursor == null ? "" : "&cursor=" + cursor), sup);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode body = Fixture.json(r);
            for (JsonNode c : body.get("contacts")) {
                ids.add(c.get("record").get("contactId").asText());
                assertEquals(3, c.get("entries").asInt());
                assertEquals("email", c.get("record").get("medium").asText());
            }
            cursor = body.hasNonNull("nextCursor") ? body.get("nextCursor").asText() : null;
        } while (cursor != null);
        assertEquals(List.of("m5", "m4", "m3", "m2", "m1", "m0"), ids);
        assertEquals(0, Fixture.json(f.get("/api/history/contacts?from=2026-11-23&to=2026-11-24&medium=chat", sup))
                .get("contacts").size());

        JsonNode one = Fixture.json(f.get("/api/history/contacts/m3", sup));
        assertEquals("agent202", one.get("record").get("agent").asText());
        assertEquals(3, one.get("transcript").size());
        assertEquals("line 2 of m3", one.get("transcript").get(1).get("text").asText());
        assertEquals("agent", one.get("transcript").get(1).get("from").asText());
        assertEquals("<m3.2@example.com>", one.get("transcript").get(1).get("meta").get("messageId").asText());
    }

    @Test
    void anAgentSeesOnlyTheirOwnContacts() throws Exception {
        String agent = f.login("agent201");
        JsonNode body = Fixture.json(f.get("/api/history/contacts?from=2026-11-23&to=2026-11-24", agent));
        List<String> ids = new ArrayList<>();
        body.get("contacts").forEach(c -> ids.add(c.get("record").get("contactId").asText()));
        assertEquals(List.of("m4", "m2", "m0"), ids);
        assertEquals(200, f.get("/api/history/contacts/m2", agent).statusCode());
        assertEquals(404, f.get("/api/history/contacts/m3", agent).statusCode(), "agent202's email");
        assertEquals(404, f.get("/api/history/contacts/nope", agent).statusCode());
        assertEquals(401, f.get("/api/history/contacts", null).statusCode());
    }

    @Test
    void badParametersAre400NamingThem() throws Exception {
        String sup = f.login("sup");
        for (String[] c : new String[][] {
            {"/api/history/contacts?medium=fax", "medium"},
            {"/api/history/contacts?limit=0", "limit"},
            {"/api/history/contacts?cursor=%25%25", "cursor"},
            {"/api/history/contacts?from=2026-01-01&to=2026-12-01", "to"},
            {"/api/history/contacts?from=tomorrow", "from"}}) {
            HttpResponse<String> r = f.get(c[0], sup);
            assertEquals(400, r.statusCode(), c[0] + " -> " + r.body());
            String message = Fixture.json(r).get("error").get("message").asText();
            assertTrue(message.startsWith(c[1] + ":"), c[0] + " -> " + message);
        }
    }
}
