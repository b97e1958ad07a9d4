package io.ctiserver.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.contact.ContactCustomer;
import io.ctiserver.contact.ContactRecord;
import io.ctiserver.contact.Medium;
import io.ctiserver.contact.StoredContact;
import io.ctiserver.contact.TranscriptEntry;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.Json;
import io.ctiserver.server.omni.CustomerLink;
import io.ctiserver.server.omni.OmniConfig;
import io.ctiserver.server.omni.OmniService;
import io.ctiserver.server.storage.contacts.DatabaseContactStore;
import io.ctiserver.server.storage.contacts.DatabaseContactStore.Query;
import io.ctiserver.server.storage.contacts.DatabaseContactStore.Visibility;
import io.ctiserver.server.storage.testing.Rows;
import io.ctiserver.server.storage.testing.TestDatabases;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Finished chats and emails in the database (issue 15: "the transcript is stored with the contact record"), on a
 * real H2 and a real PostgreSQL: a chat closed through the omni engine survives a restart with its transcript, the
 * journal replayed twice writes nothing twice, the history query pages and hides what an agent may not see, and
 * retention removes a contact together with its transcript.
 */
class ContactStorageTest {

    @TempDir
    Path dir;

    private static final CustomerLink NOBODY = new CustomerLink() {
        @Override
        public void send(byte[] frame) {
        }

        @Override
        public void close(byte[] lastFrame) {
        }
    };

    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void aClosedChatAndItsTranscriptSurviveARestart(TestDatabases kind) throws Exception {
        StorageConfig config = kind.config(dir);
        String id;
        List<TranscriptEntry> before;
        ContactRecord record;
        try (Storage s = Storage.start(config)) {
            OmniService omni = new OmniService(OmniConfig.defaults(), s.contacts(), null, null, Clock.systemUTC());
            try {
                omni.ready("ann", true, List.of()).get(5, TimeUnit.SECONDS);
                id = omni.startChat(new OmniService.ChatStart("Eve", "Eve@Example.com", null, null), NOBODY)
                        .get(5, TimeUnit.SECONDS);
                omni.customerMessage(id, "my order <script>alert(1)</script> has not come, ça va?")
                        .get(5, TimeUnit.SECONDS);
                omni.accept("ann", id).get(5, TimeUnit.SECONDS);
                omni.agentMessage("ann", id, "Sorry!\nIt ships today.").get(5, TimeUnit.SECONDS);
                record = omni.close("ann", id, "solved", "shipped").get(5, TimeUnit.SECONDS);
                before = omni.store().findAsync(id).get(5, TimeUnit.SECONDS).orElseThrow().transcript();
            } finally {
                omni.close();
            }
            int rows = before.size() + 1;
            StorageTest.await(() -> s.writer().written() >= rows && s.health().journalDepth() == 0,
                    "the contact and its " + before.size() + " transcript lines written");
        }
        assertTrue(before.size() >= 2, "customer and agent lines at least: " + before);

        try (Storage s = Storage.start(config)) { // a new store: nothing in memory, all from the database
            // A start replays what the journal still holds (idempotent): let it finish, or a row it writes back
            // after the retention purge below would look like a purge that missed it.
            StorageTest.await(() -> s.health().journalDepth() == 0, "the journal replayed at start");
            StoredContact c = s.contacts().find(id).orElseThrow(() -> new AssertionError("not stored: " + id));
            assertEquals(Medium.CHAT, c.record().medium());
            assertEquals("ann", c.record().agent());
            assertEquals("solved", c.record().disposition());
            assertEquals(CallResult.ANSWERED, c.record().result());
            assertEquals(record.waitSeconds(), c.record().waitSeconds());
            assertEquals(record.offeredAt(), c.record().offeredAt());
            assertEquals(toMillis(before), c.transcript(),
                    "the transcript as it was, entry by entry (times kept to the millisecond)");
            assertTrue(c.transcript().stream().anyMatch(
                    e -> e.text().equals("my order <script>alert(1)</script> has not come, ça va?")),
                    "the customer's text kept as written");

            Instant from = record.offeredAt().minusSeconds(60);
            Instant to = record.offeredAt().plusSeconds(60);
            DatabaseContactStore.Page all = s.contacts().contacts(new Query(from, to, "chat", null, null,
                    "eve@example.com", 50, null, Visibility.ALL));
            assertEquals(1, all.contacts().size(), "found by the customer's email in any case");
            assertEquals(before.size(), all.contacts().get(0).entries());
            assertEquals(id, Json.mapper().readTree(all.contacts().get(0).record()).get("contactId").asText());
            assertEquals(0, s.contacts().contacts(new Query(from, to, "email", null, null, null, 50, null,
                    Visibility.ALL)).contacts().size(), "medium filter");
            assertEquals(1, s.contacts().contacts(new Query(from, to, null, null, null, null, 50, null,
                    new Visibility("ann", List.of()))).contacts().size(), "ann handled it");
            assertEquals(1, s.contacts().contacts(new Query(from, to, null, null, null, null, 50, null,
                    new Visibility("bob", List.of(record.queue())))).contacts().size(), "bob is in its queue");
            assertEquals(0, s.contacts().contacts(new Query(from, to, null, null, null, null, 50, null,
                    new Visibility("bob", List.of("elsewhere")))).contacts().size(), "bob may not see it");

            // retention: the contact and its transcript go together, past storage.retention.contactsDays (400)
            long ended = record.endedAt().toEpochMilli();
            Map<String, Long> kept = s.retention().purge(ended + Duration.ofDays(399).toMillis());
            assertEquals(0L, kept.get("contacts"));
            Map<String, Long> purged = s.retention().purge(ended + Duration.ofDays(401).toMillis());
            assertEquals(1L, purged.get("contacts"));
            assertEquals((long) before.size(), purged.get("contact_transcripts"));
            assertFalse(s.contacts().find(id).isPresent());
        }
    }

    /** A journal with every contact twice, read by two starts: each contact and each line lands once. */
    @ParameterizedTest
    @MethodSource("io.ctiserver.server.storage.testing.TestDatabases#both")
    void journalReplayedTwiceWritesNothingTwice(TestDatabases kind) throws Exception {
        StorageConfig config = kind.config(dir);
        Instant t0 = Instant.parse("2026-11-23T10:00:00Z");
        List<StoredContact> contacts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            contacts.add(Rows.email("e" + i, t0.plusSeconds(60L * i), i % 2 == 0 ? "ann" : "bob", 3));
        }
        StringBuilder journal = new StringBuilder();
        for (int copy = 0; copy < 2; copy++) {
            for (StoredContact c : contacts) {
                for (Row r : DatabaseContactStore.rows(c)) {
                    journal.append(Json.mapper().writeValueAsString(r)).append('\n');
                }
            }
        }
        Path journalDir = Path.of(config.journalDir());
        Path copyDir = dir.resolve("copy");
        Files.createDirectories(journalDir);
        Files.createDirectories(copyDir);
        Files.writeString(journalDir.resolve("journal-0000000000000001.jnl"), journal, StandardCharsets.UTF_8);
        Files.writeString(copyDir.resolve("journal-0000000000000001.jnl"), journal, StandardCharsets.UTF_8);
        int lines = 2 * 5 * 4;
        for (Path jd : List.of(journalDir, copyDir)) {
            StorageConfig c = new StorageConfig(true, config.url(), config.user(), config.password(), null, null,
                    null, jd.toString(), null, null, null, null, null, null, null, null);
            try (Storage s = Storage.start(c)) {
                StorageTest.await(() -> s.writer().written() == lines && s.health().journalDepth() == 0,
                        "journal replayed");
                try (Connection conn = s.database().connection()) {
                    assertEquals(5, StorageTest.count(conn, "contacts"));
                    assertEquals(15, StorageTest.count(conn, "contact_transcripts"));
                }
                assertEquals(contacts.get(3).transcript(), s.contacts().find("e3").orElseThrow().transcript());
                assertEquals(contacts.get(3).record(), s.contacts().find("e3").orElseThrow().record());

                // newest first, two a page, the cursor carries on where the last page stopped
                List<String> seen = new ArrayList<>();
                String cursor = null;
                do {
                    DatabaseContactStore.Page p = s.contacts().contacts(new Query(t0.minusSeconds(3600),
                            t0.plusSeconds(3600), null, null, null, null, 2, cursor, Visibility.ALL));
                    for (DatabaseContactStore.Item item : p.contacts()) {
                        seen.add(idOf(item));
                    }
                    cursor = p.nextCursor();
                } while (cursor != null);
                assertEquals(List.of("e4", "e3", "e2", "e1", "e0"), seen);
                assertEquals(List.of("e4", "e2", "e0"), s.contacts().contacts(new Query(t0.minusSeconds(3600),
                        t0.plusSeconds(3600), "email", "ann", null, null, 50, null, Visibility.ALL)).contacts()
                        .stream().map(ContactStorageTest::idOf).toList(), "ann's emails");
                assertNull(s.contacts().contacts(new Query(t0.minusSeconds(3600), t0.plusSeconds(3600), null, null,
                        null, null, 50, null, Visibility.ALL)).nextCursor(), "one page holds all five");
            }
        }
    }

    static List<TranscriptEntry> toMillis(List<TranscriptEntry> t) {
        return t.stream().map(e -> new TranscriptEntry(e.seq(), e.at().truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                e.from(), e.name(), e.text(), e.meta())).toList();
    }

    static String idOf(DatabaseContactStore.Item item) {
        try {
            return Json.mapper().readTree(item.record()).get("contactId").asText();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
