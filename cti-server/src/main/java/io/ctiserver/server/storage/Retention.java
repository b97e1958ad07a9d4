package io.ctiserver.server.storage;

import io.ctiserver.server.storage.schema.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily purge: each table loses the rows older than its retention ({@code storage.retention}). Runs on the
 * database thread when it is idle, at most once a day (a first purge of a large table is one long statement; run
 * it at a quiet hour by restarting then, or purge by hand).
 */
public final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    private final Database db;
    private final Clock clock;
    private final Map<String, String[]> tables = new LinkedHashMap<>();
    private final Map<String, Integer> days = new LinkedHashMap<>();
    private long lastRun = Long.MIN_VALUE;

    public Retention(Database db, StorageConfig.Retention r, Clock clock) {
        this.db = db;
        this.clock = clock;
        put("call_records", "started_ms", r.callRecordsDays());
        put("agent_states", "end_ms", r.agentStatesDays());
        put("agent_media", "end_ms", r.agentStatesDays()); // the omnichannel side of the agent's states
        put("dispositions", "time_ms", r.dispositionsDays());
        put("surveys", "time_ms", r.surveysDays());
        put("audit_log", "time_ms", r.auditDays());
        put("route_decisions", "time_ms", r.routeDecisionsDays());
        put("contacts", "ended_ms", r.contactsDays());
        put("contact_transcripts", "ended_ms", r.contactsDays()); // a transcript goes with its contact
        put("interval_queue", "interval_ms", r.intervalsDays());
        put("interval_agent", "interval_ms", r.intervalsDays());
        put("interval_occupancy", "interval_ms", r.intervalsDays());
    }

    private void put(String table, String column, int keepDays) {
        tables.put(table, new String[] {column});
        days.put(table, keepDays);
    }

    /** Purges when the last purge is a day old. */
    public void runDue() {
        long now = clock.millis();
        if (now - lastRun < Duration.ofDays(1).toMillis()) {
            return;
        }
        lastRun = now;
        try {
            Map<String, Long> purged = purge(now);
            LOG.info("storage retention purge: {}", purged);
        } catch (SQLException e) {
            LOG.warn("storage retention purge failed: {}", e.toString());
            lastRun = now - Duration.ofDays(1).toMillis() + Duration.ofMinutes(10).toMillis(); // retry in 10 min
        }
    }

    /** Deletes every row older than its table's retention at {@code nowMs}; rows deleted per table. */
    public Map<String, Long> purge(long nowMs) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (Connection c = db.connection()) {
            for (Map.Entry<String, String[]> t : tables.entrySet()) {
                long cutoff = nowMs - Duration.ofDays(days.get(t.getKey())).toMillis();
                String col = t.getValue()[0];
                long total = 0;
                String sql = "DELETE FROM " + t.getKey() + " WHERE " + col + " < ?";
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    ps.setLong(1, cutoff);
                    total += ps.executeUpdate();
                }
                out.put(t.getKey(), total);
            }
        }
        return out;
    }
}
