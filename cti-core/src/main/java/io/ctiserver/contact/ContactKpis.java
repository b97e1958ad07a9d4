package io.ctiserver.contact;

import io.ctiserver.events.CallResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Service level, ASA, AHT and abandon rate per medium and queue, and occupancy per medium, from contact records and
 * agent loads. Contacts count when they end (as calls do in {@code KpiEngine}), since the counters were created or
 * last {@link #reset}. Thread-safe: one lock, held for one update or one snapshot.
 *
 * <p>Definitions (docs/kpis.md, "Per medium"): a chat's or email's answer is the agent's first reply; service level =
 * answered within T / (answered + abandoned after T), T per medium and queue (email in hours); AHT = handle seconds /
 * answered; occupancy per medium = time with at least one contact of that medium / staffed time, and in total =
 * time with at least one contact of any medium / staffed time, so an agent busy on a call and two chats at once
 * counts once. Staffed = ready for contacts or holding one.
 */
public final class ContactKpis {

    /**
     * @param voiceSeconds       T for calls
     * @param chatSeconds        T for chats (to the first reply)
     * @param emailHours         T for emails, in hours
     * @param chatSecondsByQueue per-queue T for chats
     * @param emailHoursByQueue  per-queue T for emails, in hours
     */
    public record Settings(Integer voiceSeconds, Integer chatSeconds, Double emailHours,
                           Map<String, Integer> chatSecondsByQueue, Map<String, Double> emailHoursByQueue) {
        public Settings {
            voiceSeconds = voiceSeconds == null ? 20 : voiceSeconds;
            chatSeconds = chatSeconds == null ? 60 : chatSeconds;
            emailHours = emailHours == null ? 4.0 : emailHours;
            chatSecondsByQueue = chatSecondsByQueue == null ? Map.of() : Map.copyOf(chatSecondsByQueue);
            emailHoursByQueue = emailHoursByQueue == null ? Map.of() : Map.copyOf(emailHoursByQueue);
            if (voiceSeconds < 0 || chatSeconds < 0 || emailHours < 0) {
                throw new IllegalArgumentException("omni.kpi thresholds must not be negative");
            }
        }

        public static Settings defaults() {
            return new Settings(null, null, null, null, null);
        }

        public long thresholdSeconds(Medium m, String queue) {
            return switch (m) {
                case VOICE -> voiceSeconds;
                case CHAT -> chatSecondsByQueue.getOrDefault(queue, chatSeconds);
                case EMAIL -> Math.round(emailHoursByQueue.getOrDefault(queue, emailHours) * 3600);
            };
        }
    }

    /** The figures of one medium in one queue ({@code queue} null: all queues). Null ratio: no contacts. */
    public record Figures(Medium medium, String queue, long thresholdSeconds, long offered, long answered,
                          long abandoned, long answeredWithinThreshold, Double serviceLevelPercent, Double asaSeconds,
                          Double ahtSeconds, Double abandonRatePercent) {
    }

    /** Occupancy in percent per medium and in total (any medium counted once); null when nobody was staffed. */
    public record Occupancy(Map<Medium, Double> perMedium, Double anyMedium, long staffedSeconds) {
    }

    public record Snapshot(Instant time, List<Figures> figures, Occupancy occupancy) {

        /** The figures of {@code medium} in {@code queue} (null: all queues), if any contact counted. */
        public Figures of(Medium medium, String queue) {
            for (Figures f : figures) {
                if (f.medium() == medium && java.util.Objects.equals(f.queue(), queue)) {
                    return f;
                }
            }
            return null;
        }
    }

    private static final class Tally {
        long offered;
        long answered;
        long abandoned;
        long abandonedAfterT;
        long withinT;
        long waitAnswered;
        long handle;
    }

    private static final class AgentTime {
        AgentLoad last;
        Instant at;
    }

    private final Settings settings;
    private final Map<Medium, TreeMap<String, Tally>> byQueue = new EnumMap<>(Medium.class);
    private final Map<Medium, Tally> total = new EnumMap<>(Medium.class);
    private final Map<String, AgentTime> agents = new HashMap<>();
    private final EnumMap<Medium, Long> busyMillis = new EnumMap<>(Medium.class);
    private long busyAnyMillis;
    private long staffedMillis;

    public ContactKpis(Settings settings) {
        this.settings = settings;
    }

    public synchronized void record(ContactRecord r) {
        String queue = r.queue() == null ? "" : r.queue();
        long t = settings.thresholdSeconds(r.medium(), queue);
        count(total.computeIfAbsent(r.medium(), m -> new Tally()), r, t);
        count(byQueue.computeIfAbsent(r.medium(), m -> new TreeMap<>()).computeIfAbsent(queue, q -> new Tally()), r, t);
    }

    private static void count(Tally x, ContactRecord r, long t) {
        if (r.result() == CallResult.ANSWERED) {
            x.offered++;
            x.answered++;
            x.waitAnswered += r.waitSeconds();
            x.handle += r.handleSeconds();
            if (r.waitSeconds() <= t) {
                x.withinT++;
            }
        } else if (r.result() == CallResult.ABANDONED) {
            x.offered++;
            x.abandoned++;
            if (r.waitSeconds() > t) {
                x.abandonedAfterT++;
            }
        } else {
            x.offered++;
        }
    }

    /** An agent's new load (from {@link ContactEvent.LoadChanged}); time since the previous one accrues. */
    public synchronized void load(AgentLoad l, Instant now) {
        AgentTime a = agents.computeIfAbsent(l.agent(), x -> new AgentTime());
        accrue(a, now);
        a.last = l;
        a.at = now;
    }

    private void accrue(AgentTime a, Instant now) {
        if (a.last == null || !now.isAfter(a.at)) {
            return;
        }
        long ms = Duration.between(a.at, now).toMillis();
        Capacity load = a.last.load();
        if (a.last.ready() || !load.isEmpty()) {
            staffedMillis += ms;
        }
        if (!load.isEmpty()) {
            busyAnyMillis += ms;
        }
        for (Medium m : Medium.values()) {
            if (load.of(m) > 0) {
                busyMillis.merge(m, ms, Long::sum);
            }
        }
        a.at = now;
    }

    public synchronized void reset() {
        byQueue.clear();
        total.clear();
        busyMillis.clear();
        busyAnyMillis = 0;
        staffedMillis = 0;
    }

    public synchronized Snapshot snapshot(Instant now) {
        agents.values().forEach(a -> accrue(a, now));
        List<Figures> out = new ArrayList<>();
        for (Medium m : Medium.values()) {
            Tally t = total.get(m);
            if (t == null) {
                continue;
            }
            out.add(figures(m, null, t));
            byQueue.get(m).forEach((q, x) -> out.add(figures(m, q, x)));
        }
        Map<Medium, Double> per = new EnumMap<>(Medium.class);
        for (Medium m : Medium.values()) {
            per.put(m, pct(busyMillis.getOrDefault(m, 0L), staffedMillis));
        }
        return new Snapshot(now, out, new Occupancy(per, pct(busyAnyMillis, staffedMillis), staffedMillis / 1000));
    }

    private Figures figures(Medium m, String queue, Tally x) {
        long t = settings.thresholdSeconds(m, queue == null ? "" : queue);
        return new Figures(m, queue, queue == null ? settings.thresholdSeconds(m, "") : t, x.offered, x.answered,
                x.abandoned, x.withinT, pct(x.withinT, x.answered + x.abandonedAfterT),
                ratio(x.waitAnswered, x.answered), ratio(x.handle, x.answered), pct(x.abandoned, x.offered));
    }

    private static Double ratio(long a, long b) {
        return b == 0 ? null : (double) a / b;
    }

    private static Double pct(long a, long b) {
        return b == 0 ? null : 100.0 * a / b;
    }
}
