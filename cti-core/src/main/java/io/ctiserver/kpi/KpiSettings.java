package io.ctiserver.kpi;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * How {@link KpiEngine} and {@link QueueLogKpis} count. Every bound on memory is here.
 *
 * @param window                   the sliding window (e.g. 30 minutes); a multiple of {@code bucket}
 * @param bucket                   the time bucket the window is made of (e.g. 1 minute): the window is the current
 *                                 bucket and the whole buckets before it, so it moves in steps of one bucket
 * @param zone                     the time zone whose midnight starts "today"
 * @param serviceLevelSeconds      T: answered within T seconds counts as within service level
 * @param serviceLevelFormula      which service-level definition to report
 * @param shortAbandonSeconds      an abandon after less than this wait is a short abandon: not offered, not abandoned
 * @param repeatCallWindow         a caller calling again within this time after an answered call makes that call
 *                                 "not resolved" for first-call resolution by repeat caller
 * @param publishInterval          event time between two published snapshots (a tick or refresh publishes at once)
 * @param maxQueues                queues counted one by one; calls of further queues count in the totals only
 * @param maxAgents                agents counted one by one; further agents count in the totals only
 * @param maxTrackedCalls          calls remembered for hold times, dispositions and surveys (oldest forgotten first)
 * @param maxTrackedCallers        caller numbers remembered for repeat calls (oldest forgotten first)
 */
public record KpiSettings(
        Duration window,
        Duration bucket,
        ZoneId zone,
        int serviceLevelSeconds,
        ServiceLevelFormula serviceLevelFormula,
        int shortAbandonSeconds,
        Duration repeatCallWindow,
        Duration publishInterval,
        int maxQueues,
        int maxAgents,
        int maxTrackedCalls,
        int maxTrackedCallers) {

    /** The bucket count is capped so that a mistyped window cannot take the heap. */
    public static final int MAX_BUCKETS = 1440;

    public KpiSettings {
        Objects.requireNonNull(window, "window");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(serviceLevelFormula, "serviceLevelFormula");
        Objects.requireNonNull(repeatCallWindow, "repeatCallWindow");
        Objects.requireNonNull(publishInterval, "publishInterval");
        if (bucket.toMillis() <= 0 || window.toMillis() < bucket.toMillis()
                || window.toMillis() % bucket.toMillis() != 0) {
            throw new IllegalArgumentException("window (" + window + ") must be a positive multiple of bucket ("
                    + bucket + ")");
        }
        if (window.toMillis() / bucket.toMillis() > MAX_BUCKETS) {
            throw new IllegalArgumentException("window / bucket must be at most " + MAX_BUCKETS + " buckets");
        }
        if (serviceLevelSeconds < 0 || shortAbandonSeconds < 0) {
            throw new IllegalArgumentException("serviceLevelSeconds and shortAbandonSeconds must be >= 0");
        }
        if (maxQueues < 1 || maxAgents < 1 || maxTrackedCalls < 1 || maxTrackedCallers < 1) {
            throw new IllegalArgumentException("the max* bounds must be >= 1");
        }
    }

    /** 30-minute window of 1-minute buckets, UTC, 80/20 style T = 20 s, short abandon < 5 s, repeat within 24 h. */
    public static KpiSettings defaults() {
        return new KpiSettings(Duration.ofMinutes(30), Duration.ofMinutes(1), ZoneId.of("UTC"), 20,
                ServiceLevelFormula.ANSWERED_AND_ABANDONED_AFTER_T, 5, Duration.ofHours(24), Duration.ofSeconds(1),
                500, 5000, 10_000, 50_000);
    }

    public int bucketCount() {
        return (int) (window.toMillis() / bucket.toMillis());
    }

    public KpiSettings withWindow(Duration window, Duration bucket) {
        return new KpiSettings(window, bucket, zone, serviceLevelSeconds, serviceLevelFormula, shortAbandonSeconds,
                repeatCallWindow, publishInterval, maxQueues, maxAgents, maxTrackedCalls, maxTrackedCallers);
    }

    public KpiSettings withZone(ZoneId zone) {
        return new KpiSettings(window, bucket, zone, serviceLevelSeconds, serviceLevelFormula, shortAbandonSeconds,
                repeatCallWindow, publishInterval, maxQueues, maxAgents, maxTrackedCalls, maxTrackedCallers);
    }

    public KpiSettings withServiceLevel(int seconds, ServiceLevelFormula formula) {
        return new KpiSettings(window, bucket, zone, seconds, formula, shortAbandonSeconds,
                repeatCallWindow, publishInterval, maxQueues, maxAgents, maxTrackedCalls, maxTrackedCallers);
    }

    public KpiSettings withShortAbandonSeconds(int seconds) {
        return new KpiSettings(window, bucket, zone, serviceLevelSeconds, serviceLevelFormula, seconds,
                repeatCallWindow, publishInterval, maxQueues, maxAgents, maxTrackedCalls, maxTrackedCallers);
    }

    public KpiSettings withRepeatCallWindow(Duration repeat) {
        return new KpiSettings(window, bucket, zone, serviceLevelSeconds, serviceLevelFormula, shortAbandonSeconds,
                repeat, publishInterval, maxQueues, maxAgents, maxTrackedCalls, maxTrackedCallers);
    }

    public KpiSettings withPublishInterval(Duration interval) {
        return new KpiSettings(window, bucket, zone, serviceLevelSeconds, serviceLevelFormula, shortAbandonSeconds,
                repeatCallWindow, interval, maxQueues, maxAgents, maxTrackedCalls, maxTrackedCallers);
    }

    public KpiSettings withLimits(int maxQueues, int maxAgents, int maxTrackedCalls, int maxTrackedCallers) {
        return new KpiSettings(window, bucket, zone, serviceLevelSeconds, serviceLevelFormula, shortAbandonSeconds,
                repeatCallWindow, publishInterval, maxQueues, maxAgents, maxTrackedCalls, maxTrackedCallers);
    }
}
