package io.ctiserver.server.storage.history;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.Json;
import io.ctiserver.routing.PhoneNumbers;
import io.ctiserver.server.storage.schema.Database;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads the stored calls: the history API (filters, newest first, cursor paging), one call by id, a caller's recent
 * calls (screen pop), and the answered calls that warm routing's last-agent memory at start-up. Every query is served
 * by an index ({@code caller_norm, started_ms}, {@code agent, started_ms}, {@code queue, started_ms},
 * {@code started_ms, id}) and bounded by a time range and a limit. Blocking JDBC: call it off the event loops.
 */
public final class CallHistoryStore {

    public static final int MAX_LIMIT = 500;
    private static final ObjectMapper LENIENT = Json.newMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Database db;
    private final int maxDays;

    public CallHistoryStore(Database db, int maxDays) {
        this.db = db;
        this.maxDays = maxDays;
    }

    public int maxDays() {
        return maxDays;
    }

    /** Who may see what: null fields mean "everything". An agent sees calls they took and calls of their queues. */
    public record Visibility(String agent, List<String> queues) {
        public static final Visibility ALL = new Visibility(null, List.of());

        boolean all() {
            return agent == null && queues.isEmpty();
        }
    }

    /**
     * A search. {@code number} is compared after {@link PhoneNumbers#normalize}; {@code cursor} is the
     * {@link Page#nextCursor} of the previous page.
     */
    public record Query(Instant from, Instant to, String number, String agent, String queue, String result,
                        int limit, String cursor, Visibility visibility) {
    }

    /** A stored call: its whole record as stored, and its disposition if it has one. */
    public record StoredCall(@JsonRawValue String record, Disposition disposition) {
    }

    public record Disposition(String code, boolean resolved, String notes, String outcome, BigDecimal amount,
                              String username, Instant time) {
    }

    /** @param nextCursor give it back as {@code cursor} for the next (older) page; null on the last page */
    public record Page(List<StoredCall> calls, String nextCursor) {
    }

    /** One of a caller's last calls, for the screen pop. */
    public record RecentCall(String callId, Instant date, String agent, String agentName, String queue,
                             String result, String disposition) {
    }

    private static final String SELECT = "SELECT c.id, c.started_ms, c.record_json, d.code, d.resolved, d.notes, "
            + "d.outcome, d.amount, d.username, d.time_ms FROM call_records c LEFT JOIN dispositions d "
            + "ON d.pbx = c.pbx AND d.call_id = c.call_id";

    public Page calls(Query q) throws SQLException {
        StringBuilder sql = new StringBuilder(SELECT).append(" WHERE c.started_ms >= ? AND c.started_ms < ?");
        List<Consumer<Binder>> binds = new ArrayList<>();
        binds.add(b -> b.setLong(q.from().toEpochMilli()));
        binds.add(b -> b.setLong(q.to().toEpochMilli()));
        if (q.number() != null) {
            sql.append(" AND c.caller_norm = ?");
            String n = PhoneNumbers.normalize(q.number());
            binds.add(b -> b.setString(n));
        }
        if (q.agent() != null) {
            sql.append(" AND c.agent = ?");
            binds.add(b -> b.setString(q.agent()));
        }
        if (q.queue() != null) {
            sql.append(" AND c.queue = ?");
            binds.add(b -> b.setString(q.queue()));
        }
        if (q.result() != null) {
            sql.append(" AND c.result = ?");
            binds.add(b -> b.setString(q.result()));
        }
        Visibility v = q.visibility() == null ? Visibility.ALL : q.visibility();
        if (!v.all()) {
            sql.append(" AND (c.agent = ?");
            binds.add(b -> b.setString(v.agent() == null ? "" : v.agent()));
            for (String queue : v.queues()) {
                sql.append(" OR c.queue = ?");
                binds.add(b -> b.setString(queue));
            }
            sql.append(')');
        }
        if (q.cursor() != null) {
            long[] c = decodeCursor(q.cursor());
            sql.append(" AND (c.started_ms < ? OR (c.started_ms = ? AND c.id < ?))");
            binds.add(b -> b.setLong(c[0]));
            binds.add(b -> b.setLong(c[0]));
            binds.add(b -> b.setLong(c[1]));
        }
        int limit = Math.max(1, Math.min(q.limit(), MAX_LIMIT));
        sql.append(" ORDER BY c.started_ms DESC, c.id DESC LIMIT ").append(limit + 1);
        List<StoredCall> calls = new ArrayList<>();
        String next = null;
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql.toString())) {
            Binder b = new Binder(ps);
            binds.forEach(x -> x.accept(b));
            try (ResultSet rs = ps.executeQuery()) {
                long lastStarted = 0;
                long lastId = 0;
                while (rs.next()) {
                    if (calls.size() == limit) {
                        next = encodeCursor(lastStarted, lastId);
                        break;
                    }
                    lastId = rs.getLong(1);
                    lastStarted = rs.getLong(2);
                    calls.add(stored(rs));
                }
            }
        }
        return new Page(calls, next);
    }

    /** The call with this id (the latest, should two PBXs have used it). */
    public Optional<StoredCall> call(String callId, Visibility v) throws SQLException {
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(SELECT
                + " WHERE c.call_id = ? ORDER BY c.started_ms DESC LIMIT 1")) {
            ps.setString(1, callId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                StoredCall s = stored(rs);
                return visible(s, v) ? Optional.of(s) : Optional.empty();
            }
        }
    }

    private static boolean visible(StoredCall s, Visibility v) {
        if (v == null || v.all()) {
            return true;
        }
        try {
            var node = Json.mapper().readTree(s.record());
            String agent = node.path("agentInterface").asText(null);
            String queue = node.path("queue").asText(null);
            return (agent != null && agent.equals(v.agent())) || (queue != null && v.queues().contains(queue));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The caller's last {@code limit} calls, newest first. */
    public List<RecentCall> recentCalls(String callerNumber, int limit) throws SQLException {
        String norm = PhoneNumbers.normalize(callerNumber);
        if (norm.isEmpty()) {
            return List.of();
        }
        List<RecentCall> out = new ArrayList<>(limit);
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT c.call_id, "
                + "c.started_ms, c.agent, c.agent_name, c.queue, c.result, d.code FROM call_records c "
                + "LEFT JOIN dispositions d ON d.pbx = c.pbx AND d.call_id = c.call_id WHERE c.caller_norm = ? "
                + "ORDER BY c.started_ms DESC LIMIT " + Math.max(1, Math.min(limit, 50)))) {
            ps.setString(1, norm);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new RecentCall(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)));
                }
            }
        }
        return out;
    }

    /**
     * The answered calls ended since {@code sinceMs}, newest first, at most {@code max}, as records (to warm
     * routing's last-agent memory after a restart). A stored record that no longer reads as a {@link CallRecord} is
     * skipped.
     */
    public List<CallRecord> answeredSince(long sinceMs, int max) throws SQLException {
        List<CallRecord> out = new ArrayList<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement("SELECT record_json FROM "
                + "call_records WHERE ended_ms >= ? AND result = 'answered' AND agent IS NOT NULL "
                + "ORDER BY ended_ms DESC LIMIT " + Math.max(1, max))) {
            ps.setLong(1, sinceMs);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.add(LENIENT.readValue(rs.getString(1), CallRecord.class));
                    } catch (java.io.IOException | RuntimeException e) {
                        // an older or newer shape of the record: not worth failing the start for
                    }
                }
            }
        }
        return out;
    }

    private static StoredCall stored(ResultSet rs) throws SQLException {
        String code = rs.getString(4);
        Disposition d = code == null ? null : new Disposition(code, rs.getBoolean(5), rs.getString(6),
                rs.getString(7), rs.getBigDecimal(8), rs.getString(9), Instant.ofEpochMilli(rs.getLong(10)));
        return new StoredCall(rs.getString(3), d);
    }

    public static String encodeCursor(long startedMs, long id) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((startedMs + ":" + id).getBytes(StandardCharsets.US_ASCII));
    }

    /** @throws IllegalArgumentException when it is not a cursor this store gave out */
    public static long[] decodeCursor(String cursor) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
            int colon = s.indexOf(':');
            return new long[] {Long.parseLong(s.substring(0, colon)), Long.parseLong(s.substring(colon + 1))};
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cursor: not a cursor from a previous page");
        }
    }

    /** Binds parameters in order. */
    private static final class Binder {
        private final PreparedStatement ps;
        private int i = 1;

        Binder(PreparedStatement ps) {
            this.ps = ps;
        }

        void setLong(long v) {
            try {
                ps.setLong(i++, v);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        void setString(String v) {
            try {
                ps.setString(i++, v);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
