package io.ctiserver.server.storage.schema;

import io.ctiserver.server.storage.Row;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a batch of rows in one transaction, one JDBC batch per table, each row as an upsert on its natural key:
 * writing the same rows again (a journal replayed after a crash) leaves the tables as they were.
 */
public final class RowWriter {

    private enum Kind { CALL, AGENT, DISP, SURVEY, AUDIT, ROUTE, LINE, CONTACT, MEDIA }

    private final Map<Kind, String> sql = new EnumMap<>(Kind.class);

    public RowWriter(Dialect d) {
        sql.put(Kind.CALL, d.upsert("call_records", List.of("pbx", "call_id"), List.of("linked_id", "medium",
                "direction", "caller_number", "caller_norm", "agent", "agent_name", "queue", "result", "wait_seconds",
                "talk_seconds", "transfers", "started_ms", "answered_ms", "ended_ms", "record_json")));
        sql.put(Kind.AGENT, d.upsert("agent_states", List.of("pbx", "agent", "start_ms"),
                List.of("agent_name", "state", "reason", "queue", "end_ms")));
        sql.put(Kind.DISP, d.upsert("dispositions", List.of("pbx", "call_id"),
                List.of("username", "code", "resolved", "notes", "outcome", "amount", "time_ms")));
        sql.put(Kind.SURVEY, d.upsert("surveys", List.of("call_id"),
                List.of("agent", "agent_name", "caller_number", "score", "time_ms")));
        sql.put(Kind.AUDIT, d.upsert("audit_log", List.of("id"),
                List.of("time_ms", "username", "role", "command", "target", "result", "detail")));
        sql.put(Kind.ROUTE, d.upsert("route_decisions", List.of("id"), List.of("time_ms", "call_id", "uniqueid",
                "linked_id", "caller_number", "queue", "agent", "vip", "reason", "fallback", "elapsed_us")));
        sql.put(Kind.LINE, d.upsert("contact_transcripts", List.of("contact_id", "seq"),
                List.of("at_ms", "author", "name", "body", "meta_json", "ended_ms")));
        sql.put(Kind.CONTACT, d.upsert("contacts", List.of("contact_id"), List.of("medium", "queue", "agent",
                "customer_name", "customer_email", "customer_phone", "customer_norm", "customer_id", "result",
                "wait_seconds", "handle_seconds", "ended_by", "offered_ms", "answered_ms", "ended_ms", "disposition",
                "entries", "record_json")));
        sql.put(Kind.MEDIA, d.upsert("agent_media", List.of("agent", "start_ms"),
                List.of("ready", "chat", "email", "end_ms")));
    }

    /** Writes every row, all or nothing. */
    public void write(Connection c, List<Row> rows) throws SQLException {
        Map<Kind, List<Row>> byKind = new EnumMap<>(Kind.class);
        for (Row r : rows) {
            byKind.computeIfAbsent(kind(r), k -> new ArrayList<>()).add(r);
        }
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            for (Map.Entry<Kind, List<Row>> e : byKind.entrySet()) {
                try (PreparedStatement ps = c.prepareStatement(sql.get(e.getKey()))) {
                    for (Row r : dedupe(e.getValue())) {
                        bind(ps, r);
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            try {
                c.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * The last row per key only: PostgreSQL refuses an ON CONFLICT batch statement that touches one row twice
     * ("cannot affect row a second time") only within one statement, but a batch is many statements; keeping the last
     * one is still what a replay would leave, and it is cheaper.
     */
    private static List<Row> dedupe(List<Row> rows) {
        Map<Object, Row> last = new java.util.LinkedHashMap<>();
        for (Row r : rows) {
            last.put(key(r), r);
        }
        return last.size() == rows.size() ? rows : new ArrayList<>(last.values());
    }

    private static Object key(Row r) {
        if (r instanceof Row.Call x) {
            return List.of("c", x.pbx(), x.callId());
        } else if (r instanceof Row.AgentInterval x) {
            return List.of("a", x.pbx(), x.agent(), x.startMs());
        } else if (r instanceof Row.Disposition x) {
            return List.of("d", x.pbx(), x.callId());
        } else if (r instanceof Row.Survey x) {
            return List.of("s", x.callId());
        } else if (r instanceof Row.Audit x) {
            return List.of("u", x.id());
        } else if (r instanceof Row.Contact x) {
            return List.of("k", x.contactId());
        } else if (r instanceof Row.TranscriptLine x) {
            return List.of("l", x.contactId(), x.seq());
        } else if (r instanceof Row.AgentMedia x) {
            return List.of("m", x.agent(), x.startMs());
        }
        return List.of("r", ((Row.RouteDecision) r).id());
    }

    private static Kind kind(Row r) {
        if (r instanceof Row.Call) {
            return Kind.CALL;
        } else if (r instanceof Row.AgentInterval) {
            return Kind.AGENT;
        } else if (r instanceof Row.Disposition) {
            return Kind.DISP;
        } else if (r instanceof Row.Survey) {
            return Kind.SURVEY;
        } else if (r instanceof Row.Audit) {
            return Kind.AUDIT;
        } else if (r instanceof Row.Contact) {
            return Kind.CONTACT;
        } else if (r instanceof Row.TranscriptLine) {
            return Kind.LINE;
        } else if (r instanceof Row.AgentMedia) {
            return Kind.MEDIA;
        }
        return Kind.ROUTE;
    }

    private static void bind(PreparedStatement ps, Row row) throws SQLException {
        int i = 1;
        if (row instanceof Row.Call r) {
            ps.setString(i++, r.pbx());
            ps.setString(i++, r.callId());
            ps.setString(i++, r.linkedId());
            ps.setString(i++, r.medium() == null ? "voice" : r.medium());
            ps.setString(i++, r.direction());
            ps.setString(i++, r.callerNumber());
            ps.setString(i++, r.callerNorm());
            ps.setString(i++, r.agent());
            ps.setString(i++, r.agentName());
            ps.setString(i++, r.queue());
            ps.setString(i++, r.result());
            ps.setLong(i++, r.waitSeconds());
            ps.setLong(i++, r.talkSeconds());
            ps.setInt(i++, r.transfers());
            ps.setLong(i++, r.startedMs());
            setLong(ps, i++, r.answeredMs());
            ps.setLong(i++, r.endedMs());
            ps.setString(i, r.json());
        } else if (row instanceof Row.AgentInterval r) {
            ps.setString(i++, r.pbx());
            ps.setString(i++, r.agent());
            ps.setLong(i++, r.startMs());
            ps.setString(i++, r.agentName());
            ps.setString(i++, r.state());
            ps.setString(i++, r.reason());
            ps.setString(i++, r.queue());
            ps.setLong(i, r.endMs());
        } else if (row instanceof Row.Disposition r) {
            ps.setString(i++, r.pbx());
            ps.setString(i++, r.callId());
            ps.setString(i++, r.username());
            ps.setString(i++, r.code());
            ps.setBoolean(i++, r.resolved());
            ps.setString(i++, r.notes());
            ps.setString(i++, r.outcome());
            ps.setBigDecimal(i++, r.amount());
            ps.setLong(i, r.timeMs());
        } else if (row instanceof Row.Survey r) {
            ps.setString(i++, r.callId());
            ps.setString(i++, r.agent());
            ps.setString(i++, r.agentName());
            ps.setString(i++, r.callerNumber());
            ps.setInt(i++, r.score());
            ps.setLong(i, r.timeMs());
        } else if (row instanceof Row.Audit r) {
            ps.setString(i++, r.id());
            ps.setLong(i++, r.timeMs());
            ps.setString(i++, r.username());
            ps.setString(i++, r.role());
            ps.setString(i++, r.command());
            ps.setString(i++, r.target());
            ps.setString(i++, r.result());
            ps.setString(i, r.detail());
        } else if (row instanceof Row.RouteDecision r) {
            ps.setString(i++, r.id());
            ps.setLong(i++, r.timeMs());
            ps.setString(i++, r.callId());
            ps.setString(i++, r.uniqueid());
            ps.setString(i++, r.linkedId());
            ps.setString(i++, r.callerNumber());
            ps.setString(i++, r.queue());
            ps.setString(i++, r.agent());
            ps.setBoolean(i++, r.vip());
            ps.setString(i++, r.reason());
            ps.setBoolean(i++, r.fallback());
            ps.setLong(i, r.elapsedMicros());
        } else if (row instanceof Row.TranscriptLine r) {
            ps.setString(i++, r.contactId());
            ps.setLong(i++, r.seq());
            ps.setLong(i++, r.atMs());
            ps.setString(i++, r.author());
            ps.setString(i++, r.name());
            ps.setString(i++, r.text());
            ps.setString(i++, r.metaJson());
            ps.setLong(i, r.endedMs());
        } else if (row instanceof Row.Contact r) {
            ps.setString(i++, r.contactId());
            ps.setString(i++, r.medium());
            ps.setString(i++, r.queue());
            ps.setString(i++, r.agent());
            ps.setString(i++, r.customerName());
            ps.setString(i++, r.customerEmail());
            ps.setString(i++, r.customerPhone());
            ps.setString(i++, r.customerNorm());
            ps.setString(i++, r.customerId());
            ps.setString(i++, r.result());
            ps.setLong(i++, r.waitSeconds());
            ps.setLong(i++, r.handleSeconds());
            ps.setString(i++, r.endedBy());
            ps.setLong(i++, r.offeredMs());
            setLong(ps, i++, r.answeredMs());
            ps.setLong(i++, r.endedMs());
            ps.setString(i++, r.disposition());
            ps.setInt(i++, r.entries());
            ps.setString(i, r.json());
        } else if (row instanceof Row.AgentMedia r) {
            ps.setString(i++, r.agent());
            ps.setLong(i++, r.startMs());
            ps.setBoolean(i++, r.ready());
            ps.setBoolean(i++, r.chat());
            ps.setBoolean(i++, r.email());
            ps.setLong(i, r.endMs());
        }
    }

    private static void setLong(PreparedStatement ps, int i, Long v) throws SQLException {
        if (v == null) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v);
        }
    }
}
