package io.ctiserver.server.storage.reports;

import io.ctiserver.contact.ContactKpis;
import io.ctiserver.contact.Medium;
import io.ctiserver.server.storage.Row;
import io.ctiserver.server.storage.schema.Database;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the 15-minute interval tables ({@code interval_queue}, {@code interval_agent}) in step with the rows: each
 * committed row marks the interval(s) it belongs to as dirty, and a dirty interval is recomputed from the stored rows
 * (delete and insert in one transaction), so an interval is always exactly what its rows say, whatever the order they
 * came in or how often they were replayed. Counting follows docs/kpis.md: a call counts in the interval in which it
 * ends; a disposition or a survey in the interval it was given, under its call's queue and agent; agent time is split
 * at interval boundaries.
 *
 * <p>Per medium: every row of the tables has a {@code medium} ({@code voice}, {@code chat}, {@code email}). Calls are
 * voice; a finished chat or email (a {@code contacts} row) counts in the interval in which it ends, under its queue
 * and medium, with the per-medium definitions of docs/kpis.md: answered is the agent's first reply, the threshold
 * T is the medium's (and queue's) from {@code omni.kpi}, AHT is handle seconds (accept to close), and there is no
 * short abandon. Its agent (a username) is counted under the agent's interface when the gateway knows the user, so
 * an agent's calls and chats are one agent in the agent report. Agent states, wrap-up, dispositions and surveys are
 * voice.
 *
 * <p>Occupancy on every medium ({@code interval_occupancy}): per agent, the voice states and the omnichannel router's
 * stretches ({@code agent_media}: ready, holding a chat, holding an email) united, so time on a call with two chats
 * counts once as busy; staffed is the union of the voice's staffed states and ready-or-holding.
 *
 * <p>First-call resolution by repeat caller: an answered queue call with a caller number is a repeat call when another
 * queue call from the same (normalised) number ends after it and started no later than the repeat-call window after
 * its end. It counts in the interval of the first call, so a call that arrives later marks the earlier calls'
 * intervals dirty too: their callers are looked up (by the caller-number index) when the aggregator next runs.
 *
 * <p>Runs on the storage database thread. An interval still receiving calls is recomputed at most every
 * {@code minGapMillis} (default 30 s); report readers see figures at most that old.
 */
public final class IntervalAggregator {

    private static final Logger LOG = LoggerFactory.getLogger(IntervalAggregator.class);
    public static final long INTERVAL_MS = 15 * 60_000L;
    /** An agent state longer than this adds dirty intervals only for its last day (a weekend logged out). */
    private static final int MAX_INTERVALS_PER_ROW = 96;
    /**
     * Callers of new calls waiting to have their earlier calls' intervals marked; beyond this many, every interval
     * of the window before the new calls is marked instead (more work, the same figures, bounded memory).
     */
    static final int MAX_PENDING_CALLERS = 50_000;
    private static final String VOICE = "voice";

    private final Database db;
    private final int maxPendingCallers;
    private final int slSeconds;
    private final int shortAbandonSeconds;
    private final TreeSet<Long> dirty = new TreeSet<>();
    private final Object runLock = new Object();
    /** Caller number to {earliest start, latest end} of its new calls. */
    private final Map<String, long[]> pendingCallers = new HashMap<>();
    private long sweepFrom = Long.MAX_VALUE;
    private long sweepTo = Long.MIN_VALUE;
    private volatile long repeatWindowMillis = Duration.ofHours(24).toMillis();
    private volatile ContactKpis.Settings contactThresholds = ContactKpis.Settings.defaults();
    /** A contact's agent (username) to the (pbx, agent interface) its calls are counted under. */
    private volatile Function<String, List<String>> contactAgent = u -> List.of("", u);
    private long minGapMillis = 30_000;
    private long lastRun = Long.MIN_VALUE;

    public IntervalAggregator(Database db, int slSeconds, int shortAbandonSeconds) {
        this(db, slSeconds, shortAbandonSeconds, MAX_PENDING_CALLERS);
    }

    IntervalAggregator(Database db, int slSeconds, int shortAbandonSeconds, int maxPendingCallers) {
        this.maxPendingCallers = maxPendingCallers;
        this.db = db;
        this.slSeconds = slSeconds;
        this.shortAbandonSeconds = shortAbandonSeconds;
    }

    public static long intervalOf(long ms) {
        return Math.floorDiv(ms, INTERVAL_MS) * INTERVAL_MS;
    }

    /** The KPI engine's {@code repeatCallWindow}, so the stored reports count repeat callers the same way. */
    public void repeatWindow(Duration window) {
        this.repeatWindowMillis = window.toMillis();
    }

    /**
     * The thresholds T of chats and emails ({@code omni.kpi}), so the stored service level is the live one's. Voice
     * keeps the storage's {@code serviceLevelSeconds}.
     */
    public void contactThresholds(ContactKpis.Settings settings) {
        this.contactThresholds = settings == null ? ContactKpis.Settings.defaults() : settings;
    }

    /**
     * Who a contact's agent (a username) is among the call agents: {@code (pbx, interface)}, or null for a user
     * without an interface (then {@code ("", username)}).
     */
    public void contactAgents(Function<String, List<String>> byUsername) {
        this.contactAgent = u -> {
            List<String> k = byUsername.apply(u);
            return k == null ? List.of("", u) : k;
        };
    }

    /** Marks the intervals the committed rows belong to. */
    public synchronized void touched(List<Row> rows) {
        for (Row r : rows) {
            if (r instanceof Row.Call c && c.queue() != null && hasNumber(c.callerNorm())) {
                long[] span = pendingCallers.get(c.callerNorm());
                if (span != null) {
                    span[0] = Math.min(span[0], c.startedMs());
                    span[1] = Math.max(span[1], c.endedMs());
                } else if (pendingCallers.size() < maxPendingCallers) {
                    pendingCallers.put(c.callerNorm(), new long[] {c.startedMs(), c.endedMs()});
                } else {
                    sweepFrom = Math.min(sweepFrom, c.startedMs());
                    sweepTo = Math.max(sweepTo, c.endedMs());
                }
            }
            if (r instanceof Row.AgentInterval a) {
                if (!a.state().equals("logged_out")) {
                    markSpan(a.startMs(), a.endMs());
                }
            } else if (r instanceof Row.AgentMedia m) {
                markSpan(m.startMs(), m.endMs());
            } else if (r instanceof Row.Call || r instanceof Row.Disposition || r instanceof Row.Survey
                    || r instanceof Row.Contact) {
                dirty.add(intervalOf(r.timeMs()));
            }
        }
    }

    /** The intervals of an agent's stretch (of its last day at most: a weekend logged out adds no more). */
    private void markSpan(long startMs, long endMs) {
        long first = Math.max(intervalOf(startMs), intervalOf(endMs) - MAX_INTERVALS_PER_ROW * INTERVAL_MS);
        for (long s = first; s < endMs; s += INTERVAL_MS) {
            dirty.add(s);
        }
    }

    public synchronized int dirtyCount() {
        return dirty.size();
    }

    public void minGapMillis(long ms) {
        this.minGapMillis = ms;
    }

    /** Recomputes the dirty intervals if the last run is {@code minGapMillis} old. */
    public void runDue(long nowMs) {
        if (nowMs - lastRun < minGapMillis) {
            return;
        }
        lastRun = nowMs;
        try {
            runAll();
        } catch (SQLException e) {
            LOG.warn("interval aggregation failed: {}", e.toString());
        }
    }

    /**
     * Recomputes every dirty interval now; returns how many. One run at a time: a caller that finds the database
     * thread mid-run waits for it, so that on return every interval dirty at the call is computed (it would otherwise
     * find the dirty set already taken and return before the other run had written its rows).
     */
    public int runAll() throws SQLException {
        synchronized (runLock) {
            return runAllNow();
        }
    }

    private int runAllNow() throws SQLException {
        try (Connection c = db.connection()) {
            markCalledBack(c);
            List<Long> todo;
            synchronized (this) {
                todo = new ArrayList<>(dirty);
                dirty.clear();
            }
            int done = 0;
            for (Long s : todo) {
                try {
                    compute(c, s);
                    done++;
                } catch (SQLException e) {
                    synchronized (this) {
                        dirty.addAll(todo.subList(done, todo.size()));
                    }
                    throw e;
                }
            }
            return done;
        }
    }

    /**
     * The intervals of the earlier answered calls of the new calls' callers (ended within the repeat window before a
     * new call): a new call may make one of them a repeat call.
     */
    private void markCalledBack(Connection c) throws SQLException {
        Map<String, long[]> callers;
        long from;
        long to;
        synchronized (this) {
            callers = new HashMap<>(pendingCallers);
            pendingCallers.clear();
            from = sweepFrom;
            to = sweepTo;
            sweepFrom = Long.MAX_VALUE;
            sweepTo = Long.MIN_VALUE;
        }
        long window = repeatWindowMillis;
        try (PreparedStatement ps = c.prepareStatement("SELECT ended_ms FROM call_records WHERE caller_norm = ? "
                + "AND result = 'answered' AND queue IS NOT NULL AND ended_ms >= ? AND ended_ms < ?")) {
            for (Map.Entry<String, long[]> en : callers.entrySet()) {
                ps.setString(1, en.getKey());
                ps.setLong(2, en.getValue()[0] - window);
                ps.setLong(3, en.getValue()[1]);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        long s = intervalOf(rs.getLong(1));
                        synchronized (this) {
                            dirty.add(s);
                        }
                    }
                }
            }
        } catch (SQLException e) {
            synchronized (this) { // looked up again next time
                callers.forEach((k, v) -> pendingCallers.merge(k, v, (a, b) -> new long[] {Math.min(a[0], b[0]),
                        Math.max(a[1], b[1])}));
                sweepFrom = Math.min(sweepFrom, from);
                sweepTo = Math.max(sweepTo, to);
            }
            throw e;
        }
        if (from <= to) {
            synchronized (this) {
                for (long s = intervalOf(from - window); s < to; s += INTERVAL_MS) {
                    dirty.add(s);
                }
            }
        }
    }

    private static boolean hasNumber(String norm) {
        return norm != null && !norm.isBlank();
    }

    /** Counters of one queue or agent in one interval. */
    static final class Counts {
        int offered, answered, abandoned, shortAbandoned, unanswered, other, withinT, abandonedAfterT;
        long waitAnswered, maxWaitAnswered, waitAbandoned, talk, wrapUpMs, transfers;
        int handled;
        long availableMs, ringingMs, onCallMs, pausedMs;
        int dispositions, resolved, surveys, satisfied, scoreSum, sales;
        BigDecimal salesAmount = BigDecimal.ZERO;
        int repeatEligible, repeatCalls;
        String name;

        void answeredCall(boolean withNumber, boolean calledBack) {
            repeatEligible += withNumber ? 1 : 0;
            repeatCalls += withNumber && calledBack ? 1 : 0;
        }
    }

    /** A queue's counters of one medium. */
    private static Counts queue(Map<List<String>, Counts> queues, String medium, String queue) {
        return queues.computeIfAbsent(List.of(medium, queue), k -> new Counts());
    }

    private void compute(Connection c, long s) throws SQLException {
        long e = s + INTERVAL_MS;
        Map<List<String>, Counts> queues = new HashMap<>();
        Map<List<String>, Counts> agents = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.pbx, c.queue, c.agent, c.agent_name, c.result, "
                + "c.wait_seconds, c.talk_seconds, c.transfers, c.caller_norm, CASE WHEN c.result = 'answered' AND "
                + "c.queue IS NOT NULL AND EXISTS (SELECT 1 FROM call_records r WHERE r.caller_norm = c.caller_norm "
                + "AND r.queue IS NOT NULL AND r.ended_ms > c.ended_ms AND r.started_ms <= c.ended_ms + ?) "
                + "THEN 1 ELSE 0 END FROM call_records c WHERE c.ended_ms >= ? AND c.ended_ms < ?")) {
            ps.setLong(1, repeatWindowMillis);
            ps.setLong(2, s);
            ps.setLong(3, e);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String queue = rs.getString(2);
                    if (queue == null) {
                        continue; // only queue calls count in the call figures
                    }
                    String pbx = rs.getString(1);
                    String agent = rs.getString(3);
                    String result = rs.getString(5);
                    long wait = rs.getLong(6);
                    long talk = rs.getLong(7);
                    int transfers = rs.getInt(8);
                    boolean withNumber = hasNumber(rs.getString(9));
                    boolean calledBack = rs.getInt(10) == 1;
                    Counts q = queue(queues, VOICE, queue);
                    count(q, result, wait, talk, transfers);
                    if ("answered".equals(result)) {
                        q.answeredCall(withNumber, calledBack);
                    }
                    if (agent != null && "answered".equals(result)) {
                        Counts a = agent(agents, pbx, agent, VOICE, rs.getString(4));
                        a.handled++;
                        a.waitAnswered += wait;
                        a.talk += talk;
                        a.transfers += transfers;
                        a.answeredCall(withNumber, calledBack);
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT pbx, agent, agent_name, state, queue, start_ms, end_ms "
                + "FROM agent_states WHERE end_ms > ? AND start_ms < ?")) {
            ps.setLong(1, s);
            ps.setLong(2, e);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long ms = Math.min(e, rs.getLong(7)) - Math.max(s, rs.getLong(6));
                    if (ms <= 0) {
                        continue;
                    }
                    String state = rs.getString(4);
                    if (state.equals("logged_out")) {
                        continue;
                    }
                    Counts a = agent(agents, rs.getString(1), rs.getString(2), VOICE, rs.getString(3));
                    switch (state) {
                        case "available" -> a.availableMs += ms;
                        case "ringing" -> a.ringingMs += ms;
                        case "on_call" -> a.onCallMs += ms;
                        case "wrap_up" -> {
                            a.wrapUpMs += ms;
                            String queue = rs.getString(5);
                            if (queue != null) {
                                queue(queues, VOICE, queue).wrapUpMs += ms;
                            }
                        }
                        case "paused" -> a.pausedMs += ms;
                        default -> { }
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT d.resolved, d.outcome, d.amount, c.queue, c.pbx, "
                + "c.agent, c.agent_name FROM dispositions d LEFT JOIN call_records c ON c.pbx = d.pbx AND "
                + "c.call_id = d.call_id WHERE d.time_ms >= ? AND d.time_ms < ?")) {
            ps.setLong(1, s);
            ps.setLong(2, e);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    boolean resolved = rs.getBoolean(1);
                    String outcome = rs.getString(2);
                    BigDecimal amount = rs.getBigDecimal(3);
                    List<Counts> targets = targets(queues, rs.getString(4), agents, rs.getString(5),
                            rs.getString(6), rs.getString(7));
                    boolean sale = outcome != null && !outcome.equals("none");
                    for (Counts t : targets) {
                        t.dispositions++;
                        t.resolved += resolved ? 1 : 0;
                        if (sale) {
                            t.sales++;
                            if (amount != null) {
                                t.salesAmount = t.salesAmount.add(amount);
                            }
                        }
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT s.score, s.agent, s.agent_name, c.queue, c.pbx, c.agent "
                + "FROM surveys s LEFT JOIN call_records c ON c.call_id = s.call_id "
                + "WHERE s.time_ms >= ? AND s.time_ms < ?")) {
            ps.setLong(1, s);
            ps.setLong(2, e);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int score = rs.getInt(1);
                    String agent = rs.getString(6) != null ? rs.getString(6) : rs.getString(2);
                    List<Counts> targets = targets(queues, rs.getString(4), agents, rs.getString(5), agent,
                            rs.getString(3));
                    for (Counts t : targets) {
                        t.surveys++;
                        t.satisfied += score >= 4 ? 1 : 0;
                        t.scoreSum += score;
                    }
                }
            }
        }
        countContacts(c, s, e, queues, agents);
        store(c, s, queues, agents, occupancy(c, s, e));
    }

    /** What an agent is at a time, for occupancy: bits of a stretch, voice (agent states) or omni (agent_media). */
    private static final int STAFFED = 1;
    private static final int VOICE_BUSY = 2;
    private static final int CHAT = 4;
    private static final int EMAIL = 8;
    private static final int BITS = 4;
    /** Occupancy counters of one agent in one interval: {staffed, busy on any medium, holding a chat, an email}. */
    private static final int STAFFED_MS = 0;
    private static final int BUSY_ANY_MS = 1;
    private static final int CHAT_MS = 2;
    private static final int EMAIL_MS = 3;

    /**
     * Per agent ({@code [pbx, interface]}, or {@code ["", username]}): the interval's occupancy counters, from the
     * voice states and the omnichannel stretches united: time in several stretches at once (a call and two chats) is
     * counted once. Staffed: available, ringing, on a call or in wrap-up, or ready for contacts or holding one; busy
     * on any medium: on a call or in wrap-up (the voice occupancy's busy), or holding a chat or an email.
     */
    private Map<List<String>, long[]> occupancy(Connection c, long s, long e) throws SQLException {
        Map<List<String>, List<long[]>> stretches = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT pbx, agent, state, start_ms, end_ms FROM agent_states "
                + "WHERE end_ms > ? AND start_ms < ?")) {
            ps.setLong(1, s);
            ps.setLong(2, e);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int bits = switch (rs.getString(3)) {
                        case "available", "ringing" -> STAFFED;
                        case "on_call", "wrap_up" -> STAFFED | VOICE_BUSY;
                        default -> 0; // paused, logged out: neither staffed nor busy
                    };
                    addStretch(stretches, List.of(rs.getString(1), rs.getString(2)), bits, rs.getLong(4),
                            rs.getLong(5), s, e);
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT agent, ready, chat, email, start_ms, end_ms FROM "
                + "agent_media WHERE end_ms > ? AND start_ms < ?")) {
            ps.setLong(1, s);
            ps.setLong(2, e);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int bits = (rs.getBoolean(3) ? CHAT : 0) | (rs.getBoolean(4) ? EMAIL : 0);
                    bits |= rs.getBoolean(2) || bits != 0 ? STAFFED : 0;
                    List<String> who = contactAgent.apply(rs.getString(1));
                    addStretch(stretches, List.of(who.get(0), who.get(1)), bits, rs.getLong(5), rs.getLong(6), s, e);
                }
            }
        }
        Map<List<String>, long[]> out = new HashMap<>();
        stretches.forEach((agent, list) -> {
            long[] o = unite(list);
            if (o[STAFFED_MS] > 0) {
                out.put(agent, o);
            }
        });
        return out;
    }

    /** A stretch clipped to the interval, as two edges: {time, +bits} and {time, -bits}. */
    private static void addStretch(Map<List<String>, List<long[]>> stretches, List<String> agent, int bits,
                                   long start, long end, long s, long e) {
        long from = Math.max(s, start);
        long to = Math.min(e, end);
        if (bits != 0 && to > from) {
            List<long[]> edges = stretches.computeIfAbsent(agent, k -> new ArrayList<>());
            edges.add(new long[] {from, bits});
            edges.add(new long[] {to, -bits});
        }
    }

    /** Sweeps one agent's edges in time order, counting each bit's open stretches: the time with each bit set. */
    private static long[] unite(List<long[]> edges) {
        edges.sort(java.util.Comparator.comparingLong(x -> x[0]));
        int[] open = new int[BITS];
        long[] o = new long[4];
        long at = Long.MIN_VALUE;
        for (long[] edge : edges) {
            if (at != Long.MIN_VALUE && edge[0] > at) {
                long ms = edge[0] - at;
                boolean chat = open[2] > 0;
                boolean email = open[3] > 0;
                boolean busy = open[1] > 0 || chat || email;
                o[STAFFED_MS] += open[0] > 0 || busy ? ms : 0;
                o[BUSY_ANY_MS] += busy ? ms : 0;
                o[CHAT_MS] += chat ? ms : 0;
                o[EMAIL_MS] += email ? ms : 0;
            }
            at = edge[0];
            int bits = (int) Math.abs(edge[1]);
            int step = edge[1] > 0 ? 1 : -1;
            for (int b = 0; b < BITS; b++) {
                if ((bits & (1 << b)) != 0) {
                    open[b] += step;
                }
            }
        }
        return o;
    }

    /** The chats and emails that ended in the interval, per queue and medium, and per agent for the answered ones. */
    private void countContacts(Connection c, long s, long e, Map<List<String>, Counts> queues,
                               Map<List<String>, Counts> agents) throws SQLException {
        ContactKpis.Settings t = contactThresholds;
        try (PreparedStatement ps = c.prepareStatement("SELECT medium, queue, agent, result, wait_seconds, "
                + "handle_seconds FROM contacts WHERE ended_ms >= ? AND ended_ms < ? AND queue IS NOT NULL")) {
            ps.setLong(1, s);
            ps.setLong(2, e);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String medium = rs.getString(1);
                    String queue = rs.getString(2);
                    String agent = rs.getString(3);
                    String result = rs.getString(4);
                    long wait = rs.getLong(5);
                    long handle = rs.getLong(6);
                    long threshold;
                    try {
                        threshold = t.thresholdSeconds(Medium.of(medium), queue);
                    } catch (IllegalArgumentException unknown) {
                        LOG.warn("contact of unknown medium '{}' left out of the interval figures", medium);
                        continue;
                    }
                    countContact(queue(queues, medium, queue), result, wait, handle, threshold);
                    if (agent != null && "answered".equals(result)) {
                        List<String> who = contactAgent.apply(agent);
                        Counts a = agent(agents, who.get(0), who.get(1), medium, agent);
                        a.handled++;
                        a.waitAnswered += wait;
                        a.talk += handle;
                    }
                }
            }
        }
    }

    /** A contact's outcome, as {@code ContactKpis} counts it: no short abandon, T of its medium and queue. */
    private static void countContact(Counts q, String result, long wait, long handle, long threshold) {
        q.offered++;
        switch (result == null ? "" : result) {
            case "answered" -> {
                q.answered++;
                q.withinT += wait <= threshold ? 1 : 0;
                q.waitAnswered += wait;
                q.maxWaitAnswered = Math.max(q.maxWaitAnswered, wait);
                q.talk += handle;
            }
            case "abandoned" -> {
                q.abandoned++;
                q.waitAbandoned += wait;
                q.abandonedAfterT += wait > threshold ? 1 : 0;
            }
            case "unanswered" -> q.unanswered++;
            default -> q.other++;
        }
    }

    private void count(Counts q, String result, long wait, long talk, int transfers) {
        q.transfers += transfers;
        switch (result == null ? "" : result) {
            case "answered" -> {
                q.offered++;
                q.answered++;
                q.withinT += wait <= slSeconds ? 1 : 0;
                q.waitAnswered += wait;
                q.maxWaitAnswered = Math.max(q.maxWaitAnswered, wait);
                q.talk += talk;
            }
            case "abandoned" -> {
                if (wait < shortAbandonSeconds) {
                    q.shortAbandoned++;
                } else {
                    q.offered++;
                    q.abandoned++;
                    q.waitAbandoned += wait;
                    q.abandonedAfterT += wait > slSeconds ? 1 : 0;
                }
            }
            case "unanswered" -> {
                q.offered++;
                q.unanswered++;
            }
            default -> {
                q.offered++;
                q.other++;
            }
        }
    }

    /** What a disposition or a survey counts for: its call's queue and its agent, each when known. */
    private static List<Counts> targets(Map<List<String>, Counts> queues, String queue,
                                        Map<List<String>, Counts> agents, String pbx, String agent, String agentName) {
        List<Counts> targets = new ArrayList<>(2);
        if (queue != null) {
            targets.add(queue(queues, VOICE, queue));
        }
        if (agent != null) {
            targets.add(agent(agents, pbx, agent, VOICE, agentName));
        }
        return targets;
    }

    private static Counts agent(Map<List<String>, Counts> agents, String pbx, String agent, String medium,
                                String name) {
        Counts a = agents.computeIfAbsent(List.of(pbx == null ? "" : pbx, agent, medium), k -> new Counts());
        if (a.name == null) {
            a.name = name;
        }
        return a;
    }

    private static void store(Connection c, long s, Map<List<String>, Counts> queues,
                              Map<List<String>, Counts> agents, Map<List<String>, long[]> occupancy)
            throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            for (String t : new String[] {"interval_queue", "interval_agent", "interval_occupancy"}) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE interval_ms = ?")) {
                    ps.setLong(1, s);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO interval_queue (interval_ms, medium, queue, "
                    + "offered, answered, abandoned, short_abandoned, unanswered, other, answered_within_t, abandoned_after_t, "
                    + "wait_answered_s, max_wait_answered_s, wait_abandoned_s, talk_s, wrap_up_s, transfers, "
                    + "dispositions, resolved, surveys, satisfied, score_sum, sales, repeat_eligible, repeat_calls, "
                    + "sales_amount) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Map.Entry<List<String>, Counts> en : queues.entrySet()) {
                    Counts q = en.getValue();
                    int i = 1;
                    ps.setLong(i++, s);
                    ps.setString(i++, en.getKey().get(0));
                    ps.setString(i++, en.getKey().get(1));
                    for (long v : new long[] {q.offered, q.answered, q.abandoned, q.shortAbandoned, q.unanswered,
                        q.other, q.withinT, q.abandonedAfterT, q.waitAnswered, q.maxWaitAnswered, q.waitAbandoned,
                        q.talk, Math.round(q.wrapUpMs / 1000.0), q.transfers, q.dispositions, q.resolved, q.surveys,
                        q.satisfied, q.scoreSum, q.sales, q.repeatEligible, q.repeatCalls}) {
                        ps.setLong(i++, v);
                    }
                    ps.setBigDecimal(i, q.salesAmount);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO interval_agent (interval_ms, pbx, agent, "
                    + "medium, agent_name, handled, wait_answered_s, talk_s, transfers, available_ms, ringing_ms, on_call_ms, "
                    + "wrap_up_ms, paused_ms, dispositions, resolved, surveys, satisfied, score_sum, sales, "
                    + "repeat_eligible, repeat_calls, sales_amount) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Map.Entry<List<String>, Counts> en : agents.entrySet()) {
                    Counts a = en.getValue();
                    int i = 1;
                    ps.setLong(i++, s);
                    ps.setString(i++, en.getKey().get(0));
                    ps.setString(i++, en.getKey().get(1));
                    ps.setString(i++, en.getKey().get(2));
                    ps.setString(i++, a.name);
                    for (long v : new long[] {a.handled, a.waitAnswered, a.talk, a.transfers, a.availableMs,
                        a.ringingMs, a.onCallMs, a.wrapUpMs, a.pausedMs, a.dispositions, a.resolved, a.surveys,
                        a.satisfied, a.scoreSum, a.sales, a.repeatEligible, a.repeatCalls}) {
                        ps.setLong(i++, v);
                    }
                    ps.setBigDecimal(i, a.salesAmount);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO interval_occupancy (interval_ms, pbx, agent, "
                    + "staffed_ms, busy_any_ms, chat_ms, email_ms) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                for (Map.Entry<List<String>, long[]> en : occupancy.entrySet()) {
                    long[] o = en.getValue();
                    ps.setLong(1, s);
                    ps.setString(2, en.getKey().get(0));
                    ps.setString(3, en.getKey().get(1));
                    ps.setLong(4, o[STAFFED_MS]);
                    ps.setLong(5, o[BUSY_ANY_MS]);
                    ps.setLong(6, o[CHAT_MS]);
                    ps.setLong(7, o[EMAIL_MS]);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        } catch (SQLException | RuntimeException ex) {
            c.rollback();
            throw ex;
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
