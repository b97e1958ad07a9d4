package io.ctiserver.server.storage.reports;

import io.ctiserver.kpi.ErlangC;
import io.ctiserver.server.storage.StorageConfig;
import io.ctiserver.server.storage.schema.Database;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Interval and agent reports from the 15-minute tables. Rows are counters, added up to the asked granularity
 * (15 min, 1 h, 1 day, in UTC) and only then turned into ratios, with the definitions of docs/kpis.md; so an hour is
 * exactly its four quarters. Each row is an ordered map (the same keys in JSON and in the CSV header).
 *
 * <p>Every row has a {@code medium} ({@code voice}, {@code chat}, {@code email}); a medium filter keeps one, none keeps
 * all, each in rows of its own (media are never added together: their thresholds and handle times differ). Voice rows
 * mean what they meant before media were counted.
 */
public final class ReportStore {

    public static final long MINUTE = 60_000;

    private final Database db;
    private final int slSeconds;
    private final int targetPercent;
    private final int maxDays;
    private final BreakSchedule schedule;

    public ReportStore(Database db, StorageConfig c) {
        this.db = db;
        this.slSeconds = c.serviceLevelSeconds();
        this.targetPercent = c.serviceLevelTargetPercent();
        this.maxDays = c.maxReportDays();
        this.schedule = c.schedule();
    }

    public int maxDays() {
        return maxDays;
    }

    /**
     * Per interval: one row per queue and, without a queue filter, a total row ({@code queue: null}) that also has
     * the occupancy of all agents. With {@code agent}, that agent's rows instead.
     */
    public List<Map<String, Object>> intervals(Instant from, Instant to, String queue, String agent, long stepMs)
            throws SQLException {
        return intervals(from, to, queue, agent, null, stepMs);
    }

    /** The same for one medium ({@code voice}, {@code chat}, {@code email}); null: every medium, each in its rows. */
    public List<Map<String, Object>> intervals(Instant from, Instant to, String queue, String agent, String medium,
                                               long stepMs) throws SQLException {
        return agent != null ? agentIntervals(from, to, agent, medium, stepMs)
                : queueIntervals(from, to, queue, medium, stepMs);
    }

    /** The media in report order; a row key sorts by it, then by queue (the total, null, first). */
    public static final List<String> MEDIA = List.of("voice", "chat", "email");

    private static final java.util.Comparator<List<String>> ROW_ORDER = java.util.Comparator
            .<List<String>>comparingInt(k -> mediumOrder(k.get(0)))
            .thenComparing(k -> k.get(1), java.util.Comparator.nullsFirst(String::compareTo));

    private static int mediumOrder(String medium) {
        int i = MEDIA.indexOf(medium);
        return i < 0 ? MEDIA.size() : i;
    }

    /** {@code [medium, queue]}; a list that may hold a null queue (the total). */
    private static List<String> rowKey(String medium, String queue) {
        return java.util.Arrays.asList(medium, queue);
    }

    private List<Map<String, Object>> queueIntervals(Instant from, Instant to, String queue, String medium,
                                                     long stepMs) throws SQLException {
        String sql = "SELECT interval_ms, queue, offered, answered, abandoned, short_abandoned, unanswered, other, "
                + "answered_within_t, abandoned_after_t, wait_answered_s, max_wait_answered_s, wait_abandoned_s, "
                + "talk_s, wrap_up_s, transfers, " + OUTCOMES + ", medium FROM interval_queue WHERE interval_ms >= ? "
                + "AND interval_ms < ?"
                + (queue == null ? "" : " AND queue = ?")
                + (medium == null ? "" : " AND medium = ?");
        // bucket -> [medium, queue (null = the medium's total)] -> sums
        TreeMap<Long, TreeMap<List<String>, Sums>> buckets = new TreeMap<>();
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(sql)) {
            int p = 1;
            ps.setLong(p++, from.toEpochMilli());
            ps.setLong(p++, to.toEpochMilli());
            if (queue != null) {
                ps.setString(p++, queue);
            }
            if (medium != null) {
                ps.setString(p, medium);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long b = bucket(rs.getLong(1), stepMs);
                    String m = rs.getString(OUTCOMES_END + 1);
                    TreeMap<List<String>, Sums> row = buckets.computeIfAbsent(b, k -> new TreeMap<>(ROW_ORDER));
                    Sums q = row.computeIfAbsent(rowKey(m, rs.getString(2)), k -> new Sums());
                    q.addQueueRow(rs);
                    if (queue == null) {
                        row.computeIfAbsent(rowKey(m, null), k -> new Sums()).addQueueRow(rs);
                    }
                }
            }
            if (queue == null) {
                if (!buckets.isEmpty()) {
                    addOccupancy(c, from, to, stepMs, buckets);
                }
                addMediaOccupancy(c, from, to, null, medium, stepMs, buckets, null);
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        buckets.forEach((b, row) -> row.forEach((k, s) -> {
            Map<String, Object> m = intervalRow(b, stepMs);
            m.put("queue", k.get(1));
            m.put("medium", k.get(0));
            boolean voice = k.get(0).equals("voice");
            // occupancy in the medium's total row only (agents serve several queues); Erlang C for calls, not chats
            s.putQueueFigures(m, stepMs / 1000.0, slSeconds, targetPercent, k.get(1) == null, voice);
            out.add(m);
        }));
        return out;
    }

    private static void addOccupancy(Connection c, Instant from, Instant to, long stepMs,
                                     TreeMap<Long, TreeMap<List<String>, Sums>> buckets) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT interval_ms, SUM(available_ms), SUM(ringing_ms), "
                + "SUM(on_call_ms), SUM(wrap_up_ms) FROM interval_agent WHERE interval_ms >= ? AND interval_ms < ? "
                + "AND medium = 'voice' GROUP BY interval_ms")) {
            ps.setLong(1, from.toEpochMilli());
            ps.setLong(2, to.toEpochMilli());
            List<String> voiceTotal = rowKey("voice", null);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TreeMap<List<String>, Sums> row = buckets.get(bucket(rs.getLong(1), stepMs));
                    if (row != null && row.containsKey(voiceTotal)) {
                        Sums t = row.get(voiceTotal);
                        t.availableMs += rs.getLong(2);
                        t.ringingMs += rs.getLong(3);
                        t.onCallMs += rs.getLong(4);
                        t.agentWrapUpMs += rs.getLong(5);
                    }
                }
            }
        }
    }

    /**
     * The occupancy on every medium ({@code interval_occupancy}) added to the buckets' rows: to each medium's total
     * row ({@code rowQueue} null: the interval report) or the agent's rows ({@code rowQueue} "": the agent's interval
     * report, {@code agent} set). A chat or email row is made when the medium had busy time and no row yet (a chat
     * held through the interval, none ended in it); voice rows are made only by calls and agent states, as before.
     */
    private static void addMediaOccupancy(Connection c, Instant from, Instant to, String agent, String medium,
                                          long stepMs, TreeMap<Long, TreeMap<List<String>, Sums>> buckets,
                                          String rowQueue) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT interval_ms, SUM(staffed_ms), SUM(busy_any_ms), "
                + "SUM(chat_ms), SUM(email_ms) FROM interval_occupancy WHERE interval_ms >= ? AND interval_ms < ?"
                + (agent == null ? "" : " AND agent = ?") + " GROUP BY interval_ms")) {
            ps.setLong(1, from.toEpochMilli());
            ps.setLong(2, to.toEpochMilli());
            if (agent != null) {
                ps.setString(3, agent);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long[] o = {rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)};
                    long b = bucket(rs.getLong(1), stepMs);
                    for (String m : MEDIA) {
                        if (medium != null && !medium.equals(m)) {
                            continue;
                        }
                        TreeMap<List<String>, Sums> row = buckets.get(b);
                        List<String> key = rowKey(m, rowQueue);
                        Sums t = row == null ? null : row.get(key);
                        if (t == null && !m.equals("voice") && Sums.busyOf(o, m) > 0) {
                            t = buckets.computeIfAbsent(b, k -> new TreeMap<>(ROW_ORDER))
                                    .computeIfAbsent(key, k -> new Sums());
                        }
                        if (t != null) {
                            t.addOccupancy(o, m);
                        }
                    }
                }
            }
        }
    }

    private List<Map<String, Object>> agentIntervals(Instant from, Instant to, String agent, String medium,
                                                     long stepMs) throws SQLException {
        TreeMap<Long, TreeMap<List<String>, Sums>> buckets = new TreeMap<>();
        String[] name = new String[1];
        try (Connection c = db.connection(); PreparedStatement ps = c.prepareStatement(AGENT_SELECT
                + " WHERE agent = ? AND interval_ms >= ? AND interval_ms < ?"
                + (medium == null ? "" : " AND medium = ?"))) {
            ps.setString(1, agent);
            ps.setLong(2, from.toEpochMilli());
            ps.setLong(3, to.toEpochMilli());
            if (medium != null) {
                ps.setString(4, medium);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    buckets.computeIfAbsent(bucket(rs.getLong(1), stepMs), k -> new TreeMap<>(ROW_ORDER))
                            .computeIfAbsent(rowKey(rs.getString(AGENT_MEDIUM), ""), k -> new Sums())
                            .addAgentRow(rs);
                    if (name[0] == null || rs.getString(AGENT_MEDIUM).equals("voice")) {
                        name[0] = rs.getString(4);
                    }
                }
            }
            addMediaOccupancy(c, from, to, agent, medium, stepMs, buckets, "");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        buckets.forEach((b, row) -> row.forEach((k, s) -> {
            Map<String, Object> m = intervalRow(b, stepMs);
            m.put("agent", agent);
            m.put("agentName", name[0]);
            m.put("medium", k.get(0));
            s.putAgentFigures(m, k.get(0));
            out.add(m);
        }));
        return out;
    }

    /** The counters both interval tables have, last in both selects: read by {@link Sums#addOutcomes}. */
    private static final String OUTCOMES = "dispositions, resolved, surveys, satisfied, score_sum, sales, "
            + "sales_amount, repeat_eligible, repeat_calls";
    /** The column of the queue select's last {@link #OUTCOMES} column. */
    private static final int OUTCOMES_END = 25;

    private static final String AGENT_SELECT = "SELECT interval_ms, pbx, agent, agent_name, handled, "
            + "wait_answered_s, talk_s, transfers, available_ms, ringing_ms, on_call_ms, wrap_up_ms, paused_ms, "
            + OUTCOMES + ", medium FROM interval_agent";
    /** The column of {@code medium} in {@link #AGENT_SELECT}. */
    private static final int AGENT_MEDIUM = 23;

    private static long bucket(long intervalMs, long stepMs) {
        return Math.floorDiv(intervalMs, stepMs) * stepMs;
    }

    /** A report row's first columns: the bucket's start and length. */
    private static Map<String, Object> intervalRow(long bucket, long stepMs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intervalStart", Instant.ofEpochMilli(bucket));
        m.put("intervalMinutes", stepMs / MINUTE);
        return m;
    }

    /**
     * One row per agent over the range: handled, AHT, occupancy, time per state, pause time per reason and adherence
     * to the planned breaks (both from the stored agent state intervals), FCR, CSAT, conversion.
     */
    public List<Map<String, Object>> agents(Instant from, Instant to) throws SQLException {
        return agents(from, to, null);
    }

    /** The same for one medium; null: every medium, one row per agent and medium. */
    public List<Map<String, Object>> agents(Instant from, Instant to, String medium) throws SQLException {
        // (pbx, agent, medium): each agent's media in report order
        Map<List<String>, Sums> byAgent = new TreeMap<>(java.util.Comparator
                .<List<String>, String>comparing(k -> k.get(0) + '\u0000' + k.get(1))
                .thenComparingInt(k -> mediumOrder(k.get(2))));
        Map<List<String>, String> names = new LinkedHashMap<>();
        Map<List<String>, Map<String, Long>> reasons = new LinkedHashMap<>();
        Map<List<String>, PauseAdherence> adherence = new LinkedHashMap<>();
        long lo = from.toEpochMilli();
        long hi = to.toEpochMilli();
        try (Connection c = db.connection()) {
            try (PreparedStatement ps = c.prepareStatement(AGENT_SELECT + " WHERE interval_ms >= ? AND interval_ms < ?"
                    + (medium == null ? "" : " AND medium = ?"))) {
                ps.setLong(1, lo);
                ps.setLong(2, hi);
                if (medium != null) {
                    ps.setString(3, medium);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        List<String> key = List.of(rs.getString(2), rs.getString(3), rs.getString(AGENT_MEDIUM));
                        byAgent.computeIfAbsent(key, k -> new Sums()).addAgentRow(rs);
                        if (rs.getString(4) != null) {
                            names.put(key, rs.getString(4));
                        }
                    }
                }
            }
            // occupancy on every medium: onto the agent's rows; a chat or email row for time held without a close
            try (PreparedStatement ps = c.prepareStatement("SELECT pbx, agent, SUM(staffed_ms), SUM(busy_any_ms), "
                    + "SUM(chat_ms), SUM(email_ms) FROM interval_occupancy WHERE interval_ms >= ? AND interval_ms < ? "
                    + "GROUP BY pbx, agent")) {
                ps.setLong(1, lo);
                ps.setLong(2, hi);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long[] o = {rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)};
                        for (String m : MEDIA) {
                            if (medium != null && !medium.equals(m)) {
                                continue;
                            }
                            List<String> key = List.of(rs.getString(1), rs.getString(2), m);
                            Sums t = byAgent.get(key);
                            if (t == null && !m.equals("voice") && Sums.busyOf(o, m) > 0) {
                                t = new Sums();
                                byAgent.put(key, t);
                            }
                            if (t != null) {
                                t.addOccupancy(o, m);
                            }
                        }
                    }
                }
            }
            // every logged-in stretch: paused ones give the time per reason, all of them the adherence
            try (PreparedStatement ps = c.prepareStatement("SELECT pbx, agent, state, reason, start_ms, end_ms FROM "
                    + "agent_states WHERE end_ms > ? AND start_ms < ? AND state <> 'logged_out'")) {
                ps.setLong(1, lo);
                ps.setLong(2, hi);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        List<String> key = List.of(rs.getString(1), rs.getString(2));
                        String state = rs.getString(3);
                        String reason = rs.getString(4);
                        long start = Math.max(lo, rs.getLong(5));
                        long end = Math.min(hi, rs.getLong(6));
                        if (end > start) {
                            adherence.computeIfAbsent(key, k -> new PauseAdherence(schedule.windows(k.get(1), from,
                                    to))).add(state, reason, start, end);
                        }
                        if (state.equals("paused")) {
                            reasons.computeIfAbsent(key, k -> new TreeMap<>()).merge(
                                    reason == null || reason.isEmpty() ? "(none)" : reason,
                                    Math.round((end - start) / 1000.0), Long::sum);
                        }
                    }
                }
            }
        }
        List<Map<String, Object>> out = new ArrayList<>();
        byAgent.forEach((k, s) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("pbx", k.get(0));
            m.put("agent", k.get(1));
            m.put("agentName", names.get(k));
            m.put("medium", k.get(2));
            s.putAgentFigures(m, k.get(2));
            // pauses and planned breaks are the agent's states (the tracker's): on the voice row
            List<String> who = k.get(2).equals("voice") ? List.of(k.get(0), k.get(1)) : null;
            m.put("pausedSecondsByReason", who == null ? Map.of() : reasons.getOrDefault(who, Map.of()));
            PauseAdherence a = who == null ? null : adherence.get(who);
            if (a != null) {
                a.putFigures(m);
            } else {
                PauseAdherence.putNone(m);
            }
            out.add(m);
        });
        return out;
    }

    /** Counters added up over intervals. */
    static final class Sums {
        long offered, answered, abandoned, shortAbandoned, unanswered, other, withinT, abandonedAfterT;
        long waitAnswered, maxWaitAnswered, waitAbandoned, talk, wrapUp, transfers;
        long dispositions, resolved, surveys, satisfied, scoreSum, sales, repeatEligible, repeatCalls;
        BigDecimal salesAmount = BigDecimal.ZERO;
        long handled, availableMs, ringingMs, onCallMs, agentWrapUpMs, pausedMs;
        /** From {@code interval_occupancy}: staffed and busy on any medium, and busy on this row's medium. */
        long staffedMs, busyAnyMs, mediumMs;

        /** The busy time of {@code medium} in an {@code interval_occupancy} sum (voice: none there). */
        static long busyOf(long[] o, String medium) {
            return switch (medium) {
                case "chat" -> o[2];
                case "email" -> o[3];
                default -> 0;
            };
        }

        void addOccupancy(long[] o, String medium) {
            staffedMs += o[0];
            busyAnyMs += o[1];
            mediumMs += busyOf(o, medium);
        }

        void addQueueRow(ResultSet rs) throws SQLException {
            offered += rs.getLong(3);
            answered += rs.getLong(4);
            abandoned += rs.getLong(5);
            shortAbandoned += rs.getLong(6);
            unanswered += rs.getLong(7);
            other += rs.getLong(8);
            withinT += rs.getLong(9);
            abandonedAfterT += rs.getLong(10);
            waitAnswered += rs.getLong(11);
            maxWaitAnswered = Math.max(maxWaitAnswered, rs.getLong(12));
            waitAbandoned += rs.getLong(13);
            talk += rs.getLong(14);
            wrapUp += rs.getLong(15);
            transfers += rs.getLong(16);
            addOutcomes(rs, 17);
        }

        void addAgentRow(ResultSet rs) throws SQLException {
            handled += rs.getLong(5);
            waitAnswered += rs.getLong(6);
            talk += rs.getLong(7);
            transfers += rs.getLong(8);
            availableMs += rs.getLong(9);
            ringingMs += rs.getLong(10);
            onCallMs += rs.getLong(11);
            agentWrapUpMs += rs.getLong(12);
            pausedMs += rs.getLong(13);
            addOutcomes(rs, 14);
        }

        /** The {@link #OUTCOMES} columns, from column {@code i} on. */
        private void addOutcomes(ResultSet rs, int i) throws SQLException {
            dispositions += rs.getLong(i);
            resolved += rs.getLong(i + 1);
            surveys += rs.getLong(i + 2);
            satisfied += rs.getLong(i + 3);
            scoreSum += rs.getLong(i + 4);
            sales += rs.getLong(i + 5);
            salesAmount = salesAmount.add(rs.getBigDecimal(i + 6));
            repeatEligible += rs.getLong(i + 7);
            repeatCalls += rs.getLong(i + 8);
        }

        void putQueueFigures(Map<String, Object> m, double stepSeconds, int slT, int target, boolean total,
                             boolean voice) {
            m.put("offered", offered);
            m.put("answered", answered);
            m.put("abandoned", abandoned);
            m.put("shortAbandoned", shortAbandoned);
            m.put("unanswered", unanswered);
            m.put("serviceLevelPercent", percent(withinT, answered + abandonedAfterT));
            m.put("asaSeconds", ratio(waitAnswered, answered));
            m.put("abandonRatePercent", percent(abandoned, offered));
            Double aht = ratio(talk + wrapUp, answered);
            m.put("ahtSeconds", aht);
            m.put("occupancyPercent", !total ? null : voice ? occupancy(onCallMs, agentWrapUpMs, availableMs, ringingMs)
                    : percent(mediumMs, staffedMs));
            m.put("anyMediumOccupancyPercent", total ? percent(busyAnyMs, staffedMs) : null);
            putOutcomes(m, answered);
            m.put("agentsNeeded", !voice || aht == null || aht <= 0 ? null
                    : ErlangC.agentsNeeded(offered / stepSeconds, aht, slT, target));
        }

        void putAgentFigures(Map<String, Object> m, String medium) {
            m.put("handled", handled);
            m.put("asaSeconds", ratio(waitAnswered, handled));
            m.put("ahtSeconds", ratio(talk + agentWrapUpMs / 1000.0, handled));
            // voice: from the agent states, as before media; chat and email: time holding one / staffed time
            m.put("occupancyPercent", medium.equals("voice") ? occupancy(onCallMs, agentWrapUpMs, availableMs,
                    ringingMs) : percent(mediumMs, staffedMs));
            m.put("anyMediumOccupancyPercent", percent(busyAnyMs, staffedMs));
            m.put("staffedSeconds", staffedMs / 1000);
            m.put("availableSeconds", availableMs / 1000);
            m.put("ringingSeconds", ringingMs / 1000);
            m.put("onCallSeconds", onCallMs / 1000);
            m.put("wrapUpSeconds", agentWrapUpMs / 1000);
            m.put("pausedSeconds", pausedMs / 1000);
            putOutcomes(m, handled);
        }

        /** Transfers, FCR (by disposition and by repeat caller), CSAT and sales; conversion over {@code answered}. */
        private void putOutcomes(Map<String, Object> m, long answered) {
            m.put("transfers", transfers);
            m.put("dispositions", dispositions);
            m.put("fcrPercent", percent(resolved, dispositions));
            m.put("repeatCalls", repeatCalls);
            m.put("fcrRepeatPercent", percent(repeatEligible - repeatCalls, repeatEligible));
            m.put("surveys", surveys);
            m.put("csatPercent", percent(satisfied, surveys));
            m.put("sales", sales);
            m.put("salesAmount", salesAmount);
            m.put("conversionPercent", percent(sales, answered));
        }

        private static Double occupancy(long onCall, long wrapUp, long available, long ringing) {
            long busy = onCall + wrapUp;
            return percent(busy, busy + available + ringing);
        }

        private static Double ratio(double sum, long n) {
            return n == 0 ? null : sum / n;
        }

        private static Double percent(double part, long whole) {
            return whole == 0 ? null : 100.0 * part / whole;
        }
    }
}
