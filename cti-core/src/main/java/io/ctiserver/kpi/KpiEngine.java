package io.ctiserver.kpi;

import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallHeld;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CallRetrieved;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.CtiEventListener;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.QueueUpdated;
import io.ctiserver.events.QueueView;
import io.ctiserver.routing.survey.Csat;
import io.ctiserver.routing.survey.SurveyResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live contact-centre KPIs from the trackers' domain events: per queue, per agent and in total, over a sliding window
 * of fixed buckets and since midnight. Register it with every tracker ({@code tracker.addListener(engine)}); read
 * {@link #snapshot()} from any thread.
 *
 * <p>Counting rules (see docs/kpis.md): a queue call counts when it ends ({@link CallEnded}), from its record's
 * result, wait and talk; agent time comes from {@link AgentStateChanged}, split at bucket and day boundaries.
 * All times are event times, never the wall clock, so a replay gives the same figures.
 *
 * <p>Threads: the trackers call {@link #onEvent} on their own threads, desktops call {@link #recordDisposition} and
 * {@link #recordSurvey}, the wiring calls {@link #tick}; one lock guards the state and each call holds it for a few
 * counter updates only (building a snapshot costs O(buckets x (queues + agents)) and happens at most once per
 * {@link KpiSettings#publishInterval()} of event time). Readers never take the lock: {@link #snapshot()} is a
 * volatile read.
 */
public final class KpiEngine implements CtiEventListener {

    private static final Logger log = LoggerFactory.getLogger(KpiEngine.class);

    private final KpiSettings settings;
    private final Buckets buckets;
    private final Scope today = new Scope();
    private final Map<AgentKey, AgentClock> agents = new HashMap<>();
    private final Map<String, QueueView> liveQueues = new HashMap<>();
    private final Set<String> queueNames = new HashSet<>();
    private final Map<String, CallInfo> calls;
    private final Map<String, Caller> callers;

    private long now;
    private LocalDate day;
    private long dayStart;
    private long lastPublish = Long.MIN_VALUE;
    private boolean warnedQueues;
    private boolean warnedAgents;
    private volatile KpiSnapshot snapshot;

    public KpiEngine(KpiSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.buckets = new Buckets(settings.bucket().toMillis(), settings.bucketCount());
        this.calls = lru(settings.maxTrackedCalls());
        this.callers = lru(settings.maxTrackedCallers());
        synchronized (this) {
            advance(0);
            publish();
        }
    }

    public KpiEngine() {
        this(KpiSettings.defaults());
    }

    public KpiSettings settings() {
        return settings;
    }

    /** The latest published figures; any thread, never blocks. */
    public KpiSnapshot snapshot() {
        return snapshot;
    }

    // ---- input ----------------------------------------------------------------------------------------------------

    @Override
    public synchronized void onEvent(CtiEvent event) {
        advance(event.time().toEpochMilli());
        if (event instanceof CallOffered o) {
            callSeen(o.call().callId(), o.pbx(), o.call().queue(), null);
        } else if (event instanceof CallAnswered a) {
            callSeen(a.call().callId(), a.pbx(), a.call().queue(), a.call().agentInterface());
        } else if (event instanceof CallHeld h) {
            call(h.call().callId()).hold(now);
        } else if (event instanceof CallRetrieved r) {
            call(r.call().callId()).retrieve(now);
        } else if (event instanceof CallEnded e) {
            callEnded(e.record());
        } else if (event instanceof AgentStateChanged s) {
            agentState(s);
        } else if (event instanceof QueueUpdated q) {
            queueUpdated(q.queue());
        }
        // Transfers, conferences, monitoring and link state change no figure.
        if (now - lastPublish >= settings.publishInterval().toMillis()) {
            publish();
        }
    }

    /**
     * Remembers an answered call that ended before this engine started (read from storage at start-up), so that a
     * caller who calls again within the repeat window counts against it: first-call resolution by repeat caller holds
     * across restarts. Adds nothing to the figures by itself. Any thread; feed the calls oldest first.
     */
    public synchronized void rememberAnsweredCall(CallRecord r) {
        String number = r.callerNumber();
        if (r.result() != CallResult.ANSWERED || number == null || number.isBlank() || r.endedAt() == null) {
            return;
        }
        String queue = r.queue() == null ? null : queueKey(r.queue());
        AgentKey agent = r.agentInterface() == null ? null : agentKey(r.pbx(), r.agentInterface());
        callers.remove(number);
        callers.put(number, new Caller(r.callId(), r.endedAt().toEpochMilli(), queue, agent));
    }

    /**
     * The agent's disposition of a call (first-call resolution). Any thread. Counted at the current event time,
     * under the call's queue and agent when the call is known; a later disposition of the same call replaces it.
     */
    public synchronized void recordDisposition(String callId, boolean resolved) {
        Objects.requireNonNull(callId, "callId");
        CallInfo c = call(callId);
        if (c.dispositionAt != Long.MIN_VALUE) {
            boolean wasResolved = c.resolved;
            contribute(c.dispositionAt, c.dispositionQueue, c.dispositionAgent, t -> {
                t.dispositions--;
                t.resolved -= wasResolved ? 1 : 0;
            });
        }
        c.dispositionAt = now;
        c.dispositionQueue = c.queue;
        c.dispositionAgent = c.agent;
        c.resolved = resolved;
        contribute(now, c.queue, c.agent, t -> {
            t.dispositions++;
            t.resolved += resolved ? 1 : 0;
        });
    }

    /**
     * A survey answer (1..5) for a call. Any thread. The agent is the call's agent when the call is known, else the
     * given agent interface (may be null). Counted at the current event time.
     */
    public synchronized void recordSurvey(String callId, String agentInterface, int score) {
        if (score < SurveyResponse.MIN || score > SurveyResponse.MAX) {
            throw new IllegalArgumentException("survey score must be " + SurveyResponse.MIN + ".."
                    + SurveyResponse.MAX + ", got " + score);
        }
        CallInfo c = callId == null ? null : calls.get(callId);
        String queue = c == null ? null : c.queue;
        AgentKey agent = c == null ? null : c.agent;
        if (agent == null && agentInterface != null) {
            agent = agents.keySet().stream().filter(k -> k.iface().equals(agentInterface)).findFirst()
                    .orElse(agentKey(null, agentInterface));
        }
        contribute(now, queue, agent, t -> {
            t.surveys++;
            t.satisfied += score >= Csat.SATISFIED_FROM ? 1 : 0;
            t.scoreSum += score;
        });
    }

    /**
     * Lets time pass without events (call it every second or so, from any thread): old buckets leave the window,
     * "today" rolls over at midnight, agents' current states accrue, and a snapshot is published. Time never goes
     * back: an instant before the last event is ignored.
     */
    public synchronized KpiSnapshot tick(Instant time) {
        advance(time.toEpochMilli());
        publish();
        return snapshot;
    }

    /** Publishes the figures at the current event time and returns them. */
    public synchronized KpiSnapshot refresh() {
        publish();
        return snapshot;
    }

    // ---- calls ----------------------------------------------------------------------------------------------------

    private void callSeen(String callId, String pbx, String queue, String agentInterface) {
        CallInfo c = call(callId);
        if (queue != null) {
            c.queue = queueKey(queue);
        }
        if (agentInterface != null) {
            c.agent = agentKey(pbx, agentInterface);
            AgentClock clock = c.agent == null ? null : agents.get(c.agent);
            if (clock != null && c.queue != null) {
                clock.lastQueue = c.queue;
            }
        }
    }

    private void callEnded(CallRecord r) {
        CallInfo c = call(r.callId());
        c.retrieve(now);
        String queue = r.queue() == null ? null : queueKey(r.queue());
        AgentKey agent = r.agentInterface() == null ? null : agentKey(r.pbx(), r.agentInterface());
        c.queue = queue;
        c.agent = agent;
        AgentClock clock = agent == null ? null : agents.get(agent);
        if (clock != null) {
            if (clock.name == null) {
                clock.name = r.agentName();
            }
            if (queue != null) {
                clock.lastQueue = queue; // wrap-up after this call counts for this queue
            }
        }
        if (r.queue() == null) {
            return; // not a queue call: only its agent time (from agent states) counts
        }
        long wait = r.waitSeconds();
        int slT = settings.serviceLevelSeconds();
        long holdMillis = c.heldMillis;
        switch (r.result()) {
            case ANSWERED -> {
                boolean hasNumber = r.callerNumber() != null && !r.callerNumber().isBlank();
                contribute(now, queue, agent, t -> {
                    t.offered++;
                    t.answered++;
                    t.answeredWithinT += wait <= slT ? 1 : 0;
                    t.waitAnsweredSeconds += wait;
                    t.maxWaitAnsweredSeconds = Math.max(t.maxWaitAnsweredSeconds, wait);
                    t.talkSeconds += r.talkSeconds();
                    t.holdMillis += holdMillis;
                    t.repeatEligible += hasNumber ? 1 : 0;
                });
            }
            case ABANDONED -> {
                if (wait < settings.shortAbandonSeconds()) {
                    contribute(now, queue, null, t -> t.shortAbandoned++);
                } else {
                    contribute(now, queue, null, t -> {
                        t.offered++;
                        t.abandoned++;
                        t.abandonedAfterT += wait > slT ? 1 : 0;
                        t.waitAbandonedSeconds += wait;
                    });
                }
            }
            case UNANSWERED -> contribute(now, queue, null, t -> {
                t.offered++;
                t.unanswered++;
            });
            case FAILED -> contribute(now, queue, null, t -> {
                t.offered++;
                t.other++;
            });
        }
        repeatCaller(r, queue, agent);
    }

    /** A call from a number whose previous answered call ended less than the repeat window ago: that one failed. */
    private void repeatCaller(CallRecord r, String queue, AgentKey agent) {
        String number = r.callerNumber();
        if (number == null || number.isBlank()) {
            return;
        }
        long started = r.startedAt() == null ? now : r.startedAt().toEpochMilli();
        Caller prev = callers.get(number);
        if (prev != null && !prev.repeated && !prev.callId.equals(r.callId())
                && started - prev.endedAt <= settings.repeatCallWindow().toMillis()) {
            prev.repeated = true;
            contribute(prev.endedAt, prev.queue, prev.agent, t -> t.repeats++);
        }
        if (r.result() == CallResult.ANSWERED) {
            callers.remove(number);
            callers.put(number, new Caller(r.callId(), now, queue, agent));
        }
    }

    private CallInfo call(String callId) {
        CallInfo c = calls.get(callId);
        if (c == null) {
            c = new CallInfo();
            calls.put(callId, c);
        }
        return c;
    }

    // ---- agents and queues ----------------------------------------------------------------------------------------

    private void agentState(AgentStateChanged e) {
        AgentKey key = agentKey(e.pbx(), e.agent().iface());
        if (key == null) {
            return;
        }
        AgentClock a = agents.get(key);
        if (a == null) {
            a = new AgentClock(key);
            agents.put(key, a);
        } else {
            accrue(a, now);
        }
        if (e.agent().memberName() != null) {
            a.name = e.agent().memberName();
        }
        a.state = e.agent().state();
    }

    /** Adds the agent's time in its current state up to {@code until}. */
    private void accrue(AgentClock a, long until) {
        long from = a.since;
        a.since = until;
        if (until <= from || a.state == null || a.state == AgentState.LOGGED_OUT) {
            return;
        }
        AgentState state = a.state;
        String queue = state == AgentState.WRAP_UP ? a.lastQueue : null;
        long start = Math.max(from, buckets.windowStart(now));
        while (start < until) {
            long end = Math.min(until, (buckets.indexOf(start) + 1) * buckets.bucketMillis());
            Scope b = buckets.at(start, now);
            if (b != null) {
                addState(b, a.key, queue, state, end - start);
            }
            start = end;
        }
        long todayFrom = Math.max(from, dayStart);
        if (until > todayFrom) {
            addState(today, a.key, queue, state, until - todayFrom);
        }
    }

    private static void addState(Scope scope, AgentKey agent, String queue, AgentState state, long millis) {
        Consumer<Tally> f = switch (state) {
            case AVAILABLE -> t -> t.availableMillis += millis;
            case RINGING -> t -> t.ringingMillis += millis;
            case ON_CALL -> t -> t.onCallMillis += millis;
            case WRAP_UP -> t -> t.wrapUpMillis += millis;
            case PAUSED -> t -> t.pausedMillis += millis;
            case LOGGED_OUT -> t -> { };
        };
        f.accept(scope.total);
        f.accept(scope.agent(agent));
        if (queue != null) {
            f.accept(scope.queue(queue));
        }
    }

    private void queueUpdated(QueueView q) {
        String key = q.pbx() + '\u0000' + q.name();
        if (liveQueues.containsKey(key) || queueKey(q.name()) != null) {
            liveQueues.put(key, q);
        }
    }

    /** The queue's name if it is counted on its own (within {@link KpiSettings#maxQueues()}), else null. */
    private String queueKey(String name) {
        if (queueNames.contains(name)) {
            return name;
        }
        if (queueNames.size() >= settings.maxQueues()) {
            if (!warnedQueues) {
                warnedQueues = true;
                log.warn("more than {} queues: queue {} and later ones count in the totals only",
                        settings.maxQueues(), name);
            }
            return null;
        }
        queueNames.add(name);
        return name;
    }

    private AgentKey agentKey(String pbx, String iface) {
        if (iface == null) {
            return null;
        }
        AgentKey key = new AgentKey(pbx, iface);
        if (agents.containsKey(key) || agents.size() < settings.maxAgents()) {
            if (!agents.containsKey(key)) {
                agents.put(key, new AgentClock(key));
            }
            return key;
        }
        if (!warnedAgents) {
            warnedAgents = true;
            log.warn("more than {} agents: agent {} and later ones count in the totals only",
                    settings.maxAgents(), iface);
        }
        return null;
    }

    // ---- time and publishing --------------------------------------------------------------------------------------

    private void advance(long millis) {
        if (millis < now) {
            return;
        }
        now = millis;
        LocalDate d = Instant.ofEpochMilli(now).atZone(settings.zone()).toLocalDate();
        if (!d.equals(day)) {
            day = d;
            dayStart = d.atStartOfDay(settings.zone()).toInstant().toEpochMilli();
            today.clear();
        }
    }

    /** Adds to the bucket of {@code at} (if still in the window) and to today (if {@code at} is today). */
    private void contribute(long at, String queue, AgentKey agent, Consumer<Tally> f) {
        Scope b = buckets.at(at, now);
        if (b != null) {
            apply(b, queue, agent, f);
        }
        if (at >= dayStart) {
            apply(today, queue, agent, f);
        }
    }

    private static void apply(Scope scope, String queue, AgentKey agent, Consumer<Tally> f) {
        f.accept(scope.total);
        if (queue != null) {
            f.accept(scope.queue(queue));
        }
        if (agent != null) {
            f.accept(scope.agent(agent));
        }
    }

    private void publish() {
        for (AgentClock a : agents.values()) {
            accrue(a, now);
        }
        lastPublish = now;
        Scope window = buckets.sum(now);

        Map<String, int[]> waiting = new TreeMap<>();
        Map<String, Long> longest = new HashMap<>();
        int waitingTotal = 0;
        long longestTotal = 0;
        for (QueueView q : liveQueues.values()) {
            waiting.computeIfAbsent(q.name(), k -> new int[1])[0] += q.entries().size();
            waitingTotal += q.entries().size();
            for (QueueEntryView e : q.entries()) {
                long w = e.joinedAt() == null ? 0 : Math.max(0, (now - e.joinedAt().toEpochMilli()) / 1000);
                longest.merge(q.name(), w, Math::max);
                longestTotal = Math.max(longestTotal, w);
            }
        }

        TreeSet<String> names = new TreeSet<>(window.queues.keySet());
        names.addAll(today.queues.keySet());
        names.addAll(waiting.keySet());
        List<KpiSnapshot.QueueKpis> queues = new ArrayList<>(names.size());
        for (String name : names) {
            int[] w = waiting.get(name);
            KpiFigures inWindow = KpiFigures.of(window.queues.getOrDefault(name, new Tally()), settings, false);
            queues.add(new KpiSnapshot.QueueKpis(name, w == null ? 0 : w[0], longest.getOrDefault(name, 0L),
                    inWindow, KpiFigures.of(today.queues.getOrDefault(name, new Tally()), settings, false),
                    Staffing.of(inWindow.offered(), settings.window().toSeconds(), inWindow.ahtSeconds(),
                            settings.serviceLevelSeconds(), Staffing.DEFAULT_TARGET_PERCENT, staffed(name))));
        }

        TreeSet<AgentKey> keys = new TreeSet<>(agents.keySet());
        keys.addAll(window.agents.keySet());
        keys.addAll(today.agents.keySet());
        List<KpiSnapshot.AgentKpis> agentList = new ArrayList<>(keys.size());
        for (AgentKey k : keys) {
            AgentClock a = agents.get(k);
            agentList.add(new KpiSnapshot.AgentKpis(k.pbx(), k.iface(), a == null ? null : a.name,
                    a == null || a.state == null ? AgentState.LOGGED_OUT : a.state,
                    AgentFigures.of(window.agents.getOrDefault(k, new Tally())),
                    AgentFigures.of(today.agents.getOrDefault(k, new Tally()))));
        }

        snapshot = new KpiSnapshot(Instant.ofEpochMilli(now), day, settings.zone().getId(),
                settings.window().toSeconds(), settings.serviceLevelSeconds(), settings.serviceLevelFormula(),
                settings.shortAbandonSeconds(),
                KpiFigures.of(window.total, settings, true), KpiFigures.of(today.total, settings, true),
                waitingTotal, longestTotal, queues, agentList);
    }

    private static <V> Map<String, V> lru(int capacity) {
        return new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > capacity;
            }
        };
    }

    // ---- remembered state -----------------------------------------------------------------------------------------

    /** What the engine remembers of one call, for hold time, dispositions and surveys. */
    private static final class CallInfo {
        String queue;
        AgentKey agent;
        long heldSince = -1;
        long heldMillis;
        long dispositionAt = Long.MIN_VALUE;
        String dispositionQueue;
        AgentKey dispositionAgent;
        boolean resolved;

        void hold(long at) {
            if (heldSince < 0) {
                heldSince = at;
            }
        }

        void retrieve(long at) {
            if (heldSince >= 0) {
                heldMillis += Math.max(0, at - heldSince);
                heldSince = -1;
            }
        }
    }

    /** A caller's last answered queue call, for first-call resolution by repeat caller. */
    private static final class Caller {
        final String callId;
        final long endedAt;
        final String queue;
        final AgentKey agent;
        boolean repeated;

        Caller(String callId, long endedAt, String queue, AgentKey agent) {
            this.callId = callId;
            this.endedAt = endedAt;
            this.queue = queue;
            this.agent = agent;
        }
    }

    /** An agent's current state and since when its time has been counted. */
    /** Members of the queue (on any PBX) logged in and not paused: device status not invalid (4) or unavailable (5). */
    private int staffed(String queue) {
        int n = 0;
        for (QueueView q : liveQueues.values()) {
            if (queue.equals(q.name())) {
                for (var m : q.members()) {
                    n += !m.paused() && m.status() != 4 && m.status() != 5 ? 1 : 0;
                }
            }
        }
        return n;
    }

    private static final class AgentClock {
        final AgentKey key;
        String name;
        AgentState state;
        long since;
        String lastQueue;

        AgentClock(AgentKey key) {
            this.key = key;
        }
    }
}
