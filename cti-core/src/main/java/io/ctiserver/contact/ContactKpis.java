package io.ctiserver.contact;

import io.ctiserver.events.CallResult;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Service level, ASA, AHT and abandon rate per medium and queue, and occupancy per medium, from contact records and
 * agent loads, over the same sliding window as the voice KPI engine (default 30 minutes of 1-minute buckets: the
 * current bucket and the whole ones before it). Contacts count in the bucket in which they end (as calls do in
 * {@code KpiEngine}); agent time is split at bucket boundaries. Memory is the ring of buckets, whatever the traffic.
 * Thread-safe: one lock, held for one update or one snapshot.
 *
 * <p>Definitions (docs/kpis.md, "Per medium"): a chat's or email's answer is the agent's first reply; service level =
 * answered within T / (answered + abandoned after T), T per medium and queue (email in hours); AHT = handle seconds /
 * answered; occupancy per medium = time with at least one contact of that medium / staffed time, and in total =
 * time with at least one contact of any medium / staffed time, so an agent busy on a call and two chats at once
 * counts once. Staffed = ready for contacts or holding one.
 *
 * <p>Today: the same contact figures per medium and queue since midnight in the KPI zone (as the voice engine's
 * "today"), counters reset when the first contact, load or snapshot of a new day arrives. Memory: one tally per medium
 * and queue, whatever the traffic.
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

    /**
     * The contact figures since midnight in {@code zone}.
     *
     * @param day  the day (in {@code zone}) the figures are of
     * @param zone the KPI zone ({@code kpi.zone}), whose midnight starts the day
     * @param occupancy the agents' time since midnight, as the window's
     */
    public record Today(LocalDate day, String zone, List<Figures> figures, Occupancy occupancy) {

        /** The day's figures of {@code medium} in {@code queue} (null: all queues), if any contact counted. */
        public Figures of(Medium medium, String queue) {
            return find(figures, medium, queue);
        }
    }

    private static Figures find(List<Figures> figures, Medium medium, String queue) {
        for (Figures f : figures) {
            if (f.medium() == medium && java.util.Objects.equals(f.queue(), queue)) {
                return f;
            }
        }
        return null;
    }

    /**
     * @param windowSeconds the length of the sliding window the figures cover, ending at {@code time}
     * @param today         the contact figures since midnight
     */
    public record Snapshot(Instant time, long windowSeconds, List<Figures> figures, Occupancy occupancy,
                           Today today) {

        /** The figures of {@code medium} in {@code queue} (null: all queues), if any contact counted. */
        public Figures of(Medium medium, String queue) {
            return find(figures, medium, queue);
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

        void addInto(Tally t) {
            t.offered += offered;
            t.answered += answered;
            t.abandoned += abandoned;
            t.abandonedAfterT += abandonedAfterT;
            t.withinT += withinT;
            t.waitAnswered += waitAnswered;
            t.handle += handle;
        }
    }

    /** What one time bucket of the window holds: contacts that ended in it, and agent time spent in it. */
    private static final class Bucket {
        final Map<Medium, TreeMap<String, Tally>> byQueue = new EnumMap<>(Medium.class);
        final Map<Medium, Tally> total = new EnumMap<>(Medium.class);
        final EnumMap<Medium, Long> busyMillis = new EnumMap<>(Medium.class);
        long busyAnyMillis;
        long staffedMillis;

        void clear() {
            byQueue.clear();
            total.clear();
            busyMillis.clear();
            busyAnyMillis = 0;
            staffedMillis = 0;
        }

        void addInto(Bucket sum) {
            total.forEach((m, t) -> t.addInto(sum.total.computeIfAbsent(m, x -> new Tally())));
            byQueue.forEach((m, qs) -> qs.forEach((q, t) -> t.addInto(
                    sum.byQueue.computeIfAbsent(m, x -> new TreeMap<>()).computeIfAbsent(q, x -> new Tally()))));
            busyMillis.forEach((m, ms) -> sum.busyMillis.merge(m, ms, Long::sum));
            sum.busyAnyMillis += busyAnyMillis;
            sum.staffedMillis += staffedMillis;
        }
    }

    private static final class AgentTime {
        AgentLoad last;
        Instant at;
    }

    /** The default window, the KPI engine's: 30 minutes of 1-minute buckets. */
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(30);
    public static final Duration DEFAULT_BUCKET = Duration.ofMinutes(1);

    private final Settings settings;
    private final long bucketMillis;
    private final Bucket[] ring;
    private final long[] index;
    private final Map<String, AgentTime> agents = new HashMap<>();
    private long latestMillis = Long.MIN_VALUE;
    private final ZoneId zone;
    /** The day of {@link #latestMillis} in {@link #zone}; the contacts that ended in it, per medium and queue. */
    private LocalDate day;
    private long dayStartMillis;
    /** Agent time since midnight (only its time fields are used). */
    private final Bucket todayTime = new Bucket();
    private final Map<Medium, Tally> todayTotal = new EnumMap<>(Medium.class);
    private final Map<Medium, TreeMap<String, Tally>> todayByQueue = new EnumMap<>(Medium.class);

    public ContactKpis(Settings settings) {
        this(settings, DEFAULT_WINDOW, DEFAULT_BUCKET);
    }

    /**
     * @param window the sliding window, a multiple of {@code bucket}: the same as the voice KPI engine's
     *               ({@code kpi.windowMinutes}, {@code kpi.bucketSeconds}), so that every medium is counted alike
     */
    public ContactKpis(Settings settings, Duration window, Duration bucket) {
        this(settings, window, bucket, ZoneOffset.UTC);
    }

    /** @param zone the KPI engine's zone ({@code kpi.zone}), whose midnight starts "today" */
    public ContactKpis(Settings settings, Duration window, Duration bucket, ZoneId zone) {
        this.zone = java.util.Objects.requireNonNull(zone, "zone");
        if (bucket.toMillis() <= 0 || window.toMillis() < bucket.toMillis()
                || window.toMillis() % bucket.toMillis() != 0 || window.toMillis() / bucket.toMillis() > 1440) {
            throw new IllegalArgumentException("window (" + window + ") must be a positive multiple of bucket ("
                    + bucket + "), at most 1440 buckets");
        }
        this.settings = settings;
        this.bucketMillis = bucket.toMillis();
        int n = (int) (window.toMillis() / bucketMillis);
        this.ring = new Bucket[n];
        this.index = new long[n];
        for (int i = 0; i < n; i++) {
            ring[i] = new Bucket();
            index[i] = Long.MIN_VALUE;
        }
    }

    /**
     * Counts a finished contact in the bucket of its end, and today if it ended today; one that ended before the
     * window is not counted in it.
     */
    public synchronized void record(ContactRecord r) {
        long ended = r.endedAt() == null ? Math.max(latestMillis, 0) : r.endedAt().toEpochMilli();
        advance(ended);
        String queue = r.queue() == null ? "" : r.queue();
        long t = settings.thresholdSeconds(r.medium(), queue);
        if (dayOf(ended).equals(day)) {
            countIn(todayTotal, todayByQueue, r, queue, t);
        }
        Bucket b = bucket(ended, latestMillis);
        if (b != null) {
            countIn(b.total, b.byQueue, r, queue, t);
        }
    }

    private static void countIn(Map<Medium, Tally> total, Map<Medium, TreeMap<String, Tally>> byQueue,
                                ContactRecord r, String queue, long t) {
        count(total.computeIfAbsent(r.medium(), m -> new Tally()), r, t);
        count(byQueue.computeIfAbsent(r.medium(), m -> new TreeMap<>()).computeIfAbsent(queue, q -> new Tally()), r,
                t);
    }

    /** Time moves on to {@code millis} (never back); the first time of a new day starts today's counters afresh. */
    private void advance(long millis) {
        latestMillis = Math.max(latestMillis, millis);
        LocalDate d = dayOf(latestMillis);
        if (!d.equals(day)) {
            day = d;
            dayStartMillis = d.atStartOfDay(zone).toInstant().toEpochMilli();
            todayTotal.clear();
            todayByQueue.clear();
            todayTime.clear();
        }
    }

    private LocalDate dayOf(long millis) {
        return Instant.ofEpochMilli(millis).atZone(zone).toLocalDate();
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
        advance(now.toEpochMilli());
        AgentTime a = agents.computeIfAbsent(l.agent(), x -> new AgentTime());
        accrue(a, now);
        a.last = l;
        a.at = now;
    }

    /** Adds the agent's time since the last change to the buckets it fell in (split at bucket boundaries). */
    private void accrue(AgentTime a, Instant now) {
        if (a.last == null || !now.isAfter(a.at)) {
            return;
        }
        Capacity load = a.last.load();
        boolean staffed = a.last.ready() || !load.isEmpty();
        long from = a.at.toEpochMilli();
        long to = now.toEpochMilli();
        long todayFrom = Math.max(from, dayStartMillis); // today: the part since midnight
        if (to > todayFrom) {
            addTime(todayTime, load, staffed, to - todayFrom);
        }
        long nowMillis = Math.max(latestMillis, to);
        // only the part inside the window can count: skip whole buckets before it
        from = Math.max(from, (Math.floorDiv(nowMillis, bucketMillis) - ring.length + 1) * bucketMillis);
        while (from < to) {
            long end = Math.min(to, (Math.floorDiv(from, bucketMillis) + 1) * bucketMillis);
            long ms = end - from;
            Bucket b = bucket(from, nowMillis);
            if (b != null) {
                addTime(b, load, staffed, ms);
            }
            from = end;
        }
        a.at = now;
    }

    private static void addTime(Bucket b, Capacity load, boolean staffed, long ms) {
        if (staffed) {
            b.staffedMillis += ms;
        }
        if (!load.isEmpty()) {
            b.busyAnyMillis += ms;
        }
        for (Medium m : Medium.values()) {
            if (load.of(m) > 0) {
                b.busyMillis.merge(m, ms, Long::sum);
            }
        }
    }

    /** The bucket for {@code millis}, or null when that time is outside the window ending at {@code nowMillis}. */
    private Bucket bucket(long millis, long nowMillis) {
        long now = Math.floorDiv(nowMillis, bucketMillis);
        long idx = Math.min(Math.floorDiv(millis, bucketMillis), now);
        if (idx <= now - ring.length) {
            return null;
        }
        int slot = (int) Math.floorMod(idx, (long) ring.length);
        if (index[slot] != idx) {
            ring[slot].clear(); // an older bucket that has left the window: reuse it
            index[slot] = idx;
        }
        return ring[slot];
    }

    public synchronized void reset() {
        for (int i = 0; i < ring.length; i++) {
            ring[i].clear();
            index[i] = Long.MIN_VALUE;
        }
        agents.values().forEach(a -> a.last = null);
        todayTotal.clear();
        todayByQueue.clear();
        todayTime.clear();
    }

    /** The figures over the window ending at {@code now}. */
    public synchronized Snapshot snapshot(Instant now) {
        advance(now.toEpochMilli());
        agents.values().forEach(a -> accrue(a, now));
        long nowIdx = Math.floorDiv(latestMillis, bucketMillis);
        Bucket sum = new Bucket();
        for (int i = 0; i < ring.length; i++) {
            if (index[i] > nowIdx - ring.length && index[i] <= nowIdx) {
                ring[i].addInto(sum);
            }
        }
        List<Figures> out = figures(sum.total, sum.byQueue);
        return new Snapshot(now, ring.length * bucketMillis / 1000, out, occupancy(sum),
                new Today(day, zone.getId(), figures(todayTotal, todayByQueue), occupancy(todayTime)));
    }

    private static Occupancy occupancy(Bucket time) {
        Map<Medium, Double> per = new EnumMap<>(Medium.class);
        for (Medium m : Medium.values()) {
            per.put(m, pct(time.busyMillis.getOrDefault(m, 0L), time.staffedMillis));
        }
        return new Occupancy(per, pct(time.busyAnyMillis, time.staffedMillis), time.staffedMillis / 1000);
    }

    /** Per medium: its total (queue null), then each queue. */
    private List<Figures> figures(Map<Medium, Tally> total, Map<Medium, TreeMap<String, Tally>> byQueue) {
        List<Figures> out = new ArrayList<>();
        for (Medium m : Medium.values()) {
            Tally t = total.get(m);
            if (t == null) {
                continue;
            }
            out.add(figures(m, null, t));
            byQueue.get(m).forEach((q, x) -> out.add(figures(m, q, x)));
        }
        return List.copyOf(out);
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
