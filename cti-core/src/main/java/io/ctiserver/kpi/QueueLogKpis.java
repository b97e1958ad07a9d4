package io.ctiserver.kpi;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The figures a reporting tool computes from {@code queue_log} alone, with the same definitions as
 * {@link KpiEngine}: the independent truth to check the engine against. A call counts once, at its final line:
 * <ul>
 *   <li>answered: {@code COMPLETECALLER}/{@code COMPLETEAGENT} (data1 holdtime, data2 calltime), {@code TRANSFER},
 *       {@code BLINDTRANSFER}, {@code ATTENDEDTRANSFER} (data3 holdtime, data4 calltime); the member is the agent;</li>
 *   <li>abandoned: {@code ABANDON} (data3 waittime), short when the wait is under the threshold;</li>
 *   <li>unanswered: {@code EXITWITHTIMEOUT}, {@code EXITEMPTY} (data3 waittime), {@code EXITWITHKEY} (data4).</li>
 * </ul>
 * A call with {@code ENTERQUEUE} or {@code CONNECT} but no final line is still in progress and not counted.
 * queue_log knows nothing of wrap-up, hold or agent states, so AHT here is talk only and there is no occupancy.
 */
public final class QueueLogKpis {

    private static final Set<String> ANSWERED_END = Set.of("COMPLETECALLER", "COMPLETEAGENT");
    private static final Set<String> TRANSFER_END = Set.of("TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER");
    private static final Set<String> UNANSWERED_END = Set.of("EXITWITHTIMEOUT", "EXITEMPTY");

    private final KpiSettings settings;
    private final Tally total = new Tally();
    private final Map<String, Tally> queues = new TreeMap<>();
    private final Map<String, Tally> agents = new TreeMap<>();
    private final Map<String, Long> ringNoAnswer = new TreeMap<>();
    private long calls;

    private QueueLogKpis(KpiSettings settings) {
        this.settings = settings;
    }

    /** Figures over every entry. */
    public static QueueLogKpis of(Iterable<QueueLog.Entry> entries, KpiSettings settings) {
        return between(entries, settings, Instant.MIN, Instant.MAX);
    }

    /** Figures of the calls whose final line falls in {@code [from, to)}. */
    public static QueueLogKpis between(Iterable<QueueLog.Entry> entries, KpiSettings settings, Instant from,
                                       Instant to) {
        QueueLogKpis k = new QueueLogKpis(settings);
        long fromS = from.equals(Instant.MIN) ? Long.MIN_VALUE : from.getEpochSecond();
        long toS = to.equals(Instant.MAX) ? Long.MAX_VALUE : to.getEpochSecond();
        Map<String, Boolean> counted = new HashMap<>();
        for (QueueLog.Entry e : entries) {
            if (e.event().equals("RINGNOANSWER") && !e.agent().equals("NONE")) {
                k.ringNoAnswer.merge(e.agent(), 1L, Long::sum);
            }
            if (e.epochSeconds() < fromS || e.epochSeconds() >= toS || !isFinal(e.event())) {
                continue;
            }
            // One outcome per call and queue: a call transferred to another queue is offered to both.
            if (counted.put(e.callId() + '|' + e.queue(), Boolean.TRUE) == null) {
                k.count(e);
            }
        }
        return k;
    }

    private static boolean isFinal(String event) {
        return ANSWERED_END.contains(event) || TRANSFER_END.contains(event) || UNANSWERED_END.contains(event)
                || event.equals("ABANDON") || event.equals("EXITWITHKEY");
    }

    private void count(QueueLog.Entry e) {
        calls++;
        Tally q = queues.computeIfAbsent(e.queue(), n -> new Tally());
        String ev = e.event();
        int slT = settings.serviceLevelSeconds();
        if (ANSWERED_END.contains(ev) || TRANSFER_END.contains(ev)) {
            boolean transfer = TRANSFER_END.contains(ev);
            long wait = e.number(transfer ? 3 : 1, 0);
            long talk = e.number(transfer ? 4 : 2, 0);
            Tally a = e.agent().equals("NONE") ? null : agents.computeIfAbsent(e.agent(), n -> new Tally());
            for (Tally t : new Tally[] {total, q, a}) {
                if (t == null) {
                    continue;
                }
                t.offered++;
                t.answered++;
                t.answeredWithinT += wait <= slT ? 1 : 0;
                t.waitAnsweredSeconds += wait;
                t.maxWaitAnsweredSeconds = Math.max(t.maxWaitAnsweredSeconds, wait);
                t.talkSeconds += talk;
            }
        } else if (ev.equals("ABANDON")) {
            long wait = e.number(3, 0);
            for (Tally t : new Tally[] {total, q}) {
                if (wait < settings.shortAbandonSeconds()) {
                    t.shortAbandoned++;
                } else {
                    t.offered++;
                    t.abandoned++;
                    t.abandonedAfterT += wait > slT ? 1 : 0;
                    t.waitAbandonedSeconds += wait;
                }
            }
        } else {
            for (Tally t : new Tally[] {total, q}) {
                t.offered++;
                t.unanswered++;
            }
        }
    }

    /** Calls with an outcome (short abandons included). */
    public long calls() {
        return calls;
    }

    public KpiFigures total() {
        return KpiFigures.of(total, settings, false);
    }

    /** Per queue, by name. */
    public Map<String, KpiFigures> queues() {
        Map<String, KpiFigures> m = new TreeMap<>();
        queues.forEach((k, v) -> m.put(k, KpiFigures.of(v, settings, false)));
        return m;
    }

    /** Answered calls per agent (as queue_log names the member). */
    public Map<String, Long> handledByAgent() {
        Map<String, Long> m = new TreeMap<>();
        agents.forEach((k, v) -> m.put(k, v.answered));
        return m;
    }

    /** Mean talk time per agent. */
    public Map<String, Double> avgTalkByAgent() {
        Map<String, Double> m = new TreeMap<>();
        agents.forEach((k, v) -> m.put(k, KpiFigures.ratio(v.talkSeconds, v.answered)));
        return m;
    }

    /** RINGNOANSWER lines per agent. */
    public Map<String, Long> ringNoAnswerByAgent() {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(ringNoAnswer));
    }
}
