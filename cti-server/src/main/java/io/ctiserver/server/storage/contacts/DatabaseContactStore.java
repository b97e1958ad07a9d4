package io.ctiserver.server.storage.contacts;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctiserver.contact.ContactCustomer;
import io.ctiserver.contact.ContactRecord;
import io.ctiserver.contact.ContactStore;
import io.ctiserver.contact.StoredContact;
import io.ctiserver.contact.TranscriptEntry;
import io.ctiserver.events.Json;
import io.ctiserver.routing.PhoneNumbers;
import io.ctiserver.server.storage.Row;
import io.ctiserver.server.storage.history.CallHistoryStore;
import io.ctiserver.server.storage.schema.Database;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finished chats and emails in the database: the {@code contacts} table (the record, with a call record's timing
 * fields and {@code medium}) and {@code contact_transcripts} (one row per entry).
 *
 * <p>{@link #save} runs on the omni thread and never blocks: it offers the transcript lines, then the contact, to
 * the storage writer (journal first, then the database; upserts on natural keys, so a replayed journal writes nothing
 * twice). Until the database has them, the last {@value #PENDING} saved contacts are answered from memory, so a
 * desktop that asks for a contact just closed finds it. Reads are blocking JDBC: the history API calls them on its
 * reader threads; {@link #findAsync} runs on this store's own reader thread (bounded queue; beyond it, refused).
 */
public final class DatabaseContactStore implements ContactStore, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseContactStore.class);
    static final int PENDING = 1_000;
    public static final int MAX_LIMIT = CallHistoryStore.MAX_LIMIT;
    private static final ObjectMapper LENIENT = Json.newMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final TypeReference<Map<String, String>> META = new TypeReference<>() {
    };

    private final Database db;
    private final Predicate<Row> sink;
    private final int maxDays;
    private final Map<String, StoredContact> pending = new LinkedHashMap<>(256, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, StoredContact> eldest) {
            return size() > PENDING;
        }
    };
    private final ThreadPoolExecutor reader = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64), r -> {
                Thread t = new Thread(r, "contact-read");
                t.setDaemon(true);
                return t;
            });

    /** @param sink where rows go: {@code storage::offer} */
    public DatabaseContactStore(Database db, Predicate<Row> sink, int maxDays) {
        this.db = db;
        this.sink = sink;
        this.maxDays = maxDays;
    }

    public int maxDays() {
        return maxDays;
    }

    // ---- writing -----------------------------------------------------------------------------------------------

    @Override
    public void save(StoredContact c) {
        List<Row> rows = rows(c);
        synchronized (pending) {
            pending.remove(c.record().contactId());
            pending.put(c.record().contactId(), c);
        }
        int refused = 0;
        for (Row r : rows) {
            if (!sink.test(r)) {
                refused++;
            }
        }
        if (refused > 0) {
            // the writer counts and logs refusals (its queue full: the journal's disk stuck); say which contact
            LOG.warn("contact {}: {} of {} rows refused by the storage writer", c.record().contactId(), refused,
                    rows.size());
        }
    }

    /** The rows of a contact: its transcript lines first, then the contact (the same order the writer keeps). */
    public static List<Row> rows(StoredContact c) {
        ContactRecord r = c.record();
        long offered = millis(r.offeredAt(), 0);
        long ended = millis(r.endedAt(), offered);
        List<Row> rows = new ArrayList<>(c.transcript().size() + 1);
        for (TranscriptEntry e : c.transcript()) {
            rows.add(new Row.TranscriptLine(r.contactId(), e.seq(), millis(e.at(), ended), e.from().wire(),
                    e.name(), e.text() == null ? "" : e.text(), e.meta().isEmpty() ? null : json(e.meta()), ended));
        }
        ContactCustomer cu = r.customer() == null ? new ContactCustomer(null, null, null, null, null) : r.customer();
        String norm = cu.phone() == null ? "" : PhoneNumbers.normalize(cu.phone());
        rows.add(new Row.Contact(r.contactId(), r.medium().wire(), r.queue(), r.agent(), cu.name(),
                cu.email() == null ? null : cu.email().toLowerCase(Locale.ROOT), cu.phone(),
                norm.isEmpty() ? null : norm, cu.customerId(), r.result() == null ? null : r.result().wire(),
                r.waitSeconds(), r.handleSeconds(), r.endedBy() == null ? null : r.endedBy().wire(), offered,
                r.answeredAt() == null ? null : r.answeredAt().toEpochMilli(), ended, r.disposition(),
                c.transcript().size(), json(r)));
        return rows;
    }

    // ---- reading -----------------------------------------------------------------------------------------------

    @Override
    public Optional<StoredContact> find(String contactId) {
        try {
            return stored(contactId);
        } catch (SQLException e) {
            throw new IllegalStateException("the database did not answer: " + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<Optional<StoredContact>> findAsync(String contactId) {
        StoredContact p = pending(contactId);
        if (p != null) {
            return CompletableFuture.completedFuture(Optional.of(p));
        }
        try {
            return CompletableFuture.supplyAsync(() -> find(contactId), reader);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new IllegalStateException("the contact store is busy; retry"));
        }
    }

    @Override
    public List<StoredContact> recent(int limit) {
        List<StoredContact> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT record_json FROM "
                + "contacts ORDER BY offered_ms DESC, id DESC LIMIT " + Math.max(1, Math.min(limit, MAX_LIMIT)))) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ContactRecord r = record(rs.getString(1));
                    if (r != null) {
                        out.add(new StoredContact(r, transcript(c, r.contactId())));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("the database did not answer: " + e.getMessage(), e);
        }
        return out;
    }

    /** The stored contact, from memory while it may not have reached the database yet, else from the database. */
    public Optional<StoredContact> stored(String contactId) throws SQLException {
        StoredContact p = pending(contactId);
        if (p != null) {
            return Optional.of(p);
        }
        try (Connection c = db.connection();
             PreparedStatement ps = c.prepareStatement("SELECT record_json FROM contacts WHERE contact_id = ?")) {
            ps.setString(1, contactId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                ContactRecord r = record(rs.getString(1));
                return r == null ? Optional.empty() : Optional.of(new StoredContact(r, transcript(c, contactId)));
            }
        }
    }

    /** Who may see what: an agent (by username) sees the contacts they handled and those of their queues. */
    public record Visibility(String agent, List<String> queues) {
        public static final Visibility ALL = new Visibility(null, List.of());

        boolean all() {
            return agent == null && queues.isEmpty();
        }

        public boolean sees(ContactRecord r) {
            return all() || (r.agent() != null && r.agent().equals(agent))
                    || (r.queue() != null && queues.contains(r.queue()));
        }
    }

    /** A search over contacts offered in [from, to); null filters mean any. */
    public record Query(Instant from, Instant to, String medium, String agent, String queue, String customer,
                        int limit, String cursor, Visibility visibility) {
    }

    /** One contact of a history page: its record as stored and how many transcript entries it has. */
    public record Item(@JsonRawValue String record, int entries) {
    }

    /** @param nextCursor give it back as {@code cursor} for the next (older) page; null on the last page */
    public record Page(List<Item> contacts, String nextCursor) {
    }

    /**
     * Newest first ({@code offered_ms DESC, id DESC}), cursor paging like the call history. {@code customer} matches
     * an email address (any case), a phone number (normalised) or a customer id.
     */
    public Page contacts(Query q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT id, offered_ms, record_json, entries FROM contacts "
                + "WHERE offered_ms >= ? AND offered_ms < ?");
        List<Object> args = new ArrayList<>();
        args.add(q.from().toEpochMilli());
        args.add(q.to().toEpochMilli());
        if (q.medium() != null) {
            sql.append(" AND medium = ?");
            args.add(q.medium());
        }
        if (q.agent() != null) {
            sql.append(" AND agent = ?");
            args.add(q.agent());
        }
        if (q.queue() != null) {
            sql.append(" AND queue = ?");
            args.add(q.queue());
        }
        if (q.customer() != null) {
            String norm = PhoneNumbers.normalize(q.customer());
            sql.append(" AND (customer_email = ? OR customer_id = ?");
            args.add(q.customer().toLowerCase(Locale.ROOT));
            args.add(q.customer());
            if (!norm.isEmpty()) {
                sql.append(" OR customer_norm = ?");
                args.add(norm);
            }
            sql.append(')');
        }
        Visibility v = q.visibility() == null ? Visibility.ALL : q.visibility();
        if (!v.all()) {
            sql.append(" AND (agent = ?");
            args.add(v.agent() == null ? "" : v.agent());
            for (String queue : v.queues()) {
                sql.append(" OR queue = ?");
                args.add(queue);
            }
            sql.append(')');
        }
        if (q.cursor() != null) {
            long[] c = CallHistoryStore.decodeCursor(q.cursor());
            sql.append(" AND (offered_ms < ? OR (offered_ms = ? AND id < ?))");
            args.add(c[0]);
            args.add(c[0]);
            args.add(c[1]);
        }
        int limit = Math.max(1, Math.min(q.limit(), MAX_LIMIT));
        sql.append(" ORDER BY offered_ms DESC, id DESC LIMIT ").append(limit + 1);
        List<Item> items = new ArrayList<>();
        String next = null;
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                Object a = args.get(i);
                if (a instanceof Long l) {
                    ps.setLong(i + 1, l);
                } else {
                    ps.setString(i + 1, (String) a);
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                long lastOffered = 0;
                long lastId = 0;
                while (rs.next()) {
                    if (items.size() == limit) {
                        next = CallHistoryStore.encodeCursor(lastOffered, lastId);
                        break;
                    }
                    lastId = rs.getLong(1);
                    lastOffered = rs.getLong(2);
                    items.add(new Item(rs.getString(3), rs.getInt(4)));
                }
            }
        }
        return new Page(items, next);
    }

    private StoredContact pending(String contactId) {
        synchronized (pending) {
            return pending.get(contactId);
        }
    }

    private static List<TranscriptEntry> transcript(Connection c, String contactId) throws SQLException {
        List<TranscriptEntry> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, at_ms, author, name, body, meta_json FROM "
                + "contact_transcripts WHERE contact_id = ? ORDER BY seq")) {
            ps.setString(1, contactId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String meta = rs.getString(6);
                    Map<String, String> m;
                    try {
                        m = meta == null ? Map.of() : LENIENT.readValue(meta, META);
                    } catch (IOException e) {
                        m = Map.of();
                    }
                    out.add(new TranscriptEntry(rs.getLong(1), Instant.ofEpochMilli(rs.getLong(2)),
                            TranscriptEntry.From.valueOf(rs.getString(3).toUpperCase(Locale.ROOT)), rs.getString(4),
                            rs.getString(5), m));
                }
            }
        }
        return out;
    }

    private static ContactRecord record(String json) {
        try {
            return LENIENT.readValue(json, ContactRecord.class);
        } catch (IOException e) {
            LOG.warn("a stored contact record does not read as one: {}", e.getMessage());
            return null;
        }
    }

    private static String json(Object o) {
        try {
            return Json.mapper().writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a contact must serialise", e);
        }
    }

    private static long millis(Instant t, long dflt) {
        return t == null ? dflt : t.toEpochMilli();
    }

    @Override
    public void close() {
        reader.shutdownNow();
    }
}
