package io.ctiserver.kpi;

/**
 * Raw counters of one scope (everything, a queue or an agent) over one time bucket or one day. Sums, never ratios,
 * so that buckets add up into a window. Mutable: owned by the {@link KpiEngine} (under its lock) or a
 * {@link QueueLogKpis} run.
 */
final class Tally {

    // Queue calls, counted when they end.
    long offered;
    long answered;
    long abandoned;
    long shortAbandoned;
    long unanswered;
    long other;
    long answeredWithinT;
    long abandonedAfterT;
    long waitAnsweredSeconds;
    long maxWaitAnsweredSeconds;
    long waitAbandonedSeconds;
    long talkSeconds;
    long holdMillis;

    // Agent time by state, split at bucket and day boundaries.
    long availableMillis;
    long ringingMillis;
    long onCallMillis;
    long wrapUpMillis;
    long pausedMillis;

    // Outcome data from desktops and surveys.
    long dispositions;
    long resolved;
    long repeatEligible;
    long repeats;
    long surveys;
    long satisfied;
    long scoreSum;

    boolean isEmpty() {
        return offered == 0 && shortAbandoned == 0 && answered == 0 && availableMillis == 0 && ringingMillis == 0
                && onCallMillis == 0 && wrapUpMillis == 0 && pausedMillis == 0 && dispositions == 0 && repeats == 0
                && surveys == 0;
    }

    void add(Tally o) {
        offered += o.offered;
        answered += o.answered;
        abandoned += o.abandoned;
        shortAbandoned += o.shortAbandoned;
        unanswered += o.unanswered;
        other += o.other;
        answeredWithinT += o.answeredWithinT;
        abandonedAfterT += o.abandonedAfterT;
        waitAnsweredSeconds += o.waitAnsweredSeconds;
        maxWaitAnsweredSeconds = Math.max(maxWaitAnsweredSeconds, o.maxWaitAnsweredSeconds);
        waitAbandonedSeconds += o.waitAbandonedSeconds;
        talkSeconds += o.talkSeconds;
        holdMillis += o.holdMillis;
        availableMillis += o.availableMillis;
        ringingMillis += o.ringingMillis;
        onCallMillis += o.onCallMillis;
        wrapUpMillis += o.wrapUpMillis;
        pausedMillis += o.pausedMillis;
        dispositions += o.dispositions;
        resolved += o.resolved;
        repeatEligible += o.repeatEligible;
        repeats += o.repeats;
        surveys += o.surveys;
        satisfied += o.satisfied;
        scoreSum += o.scoreSum;
    }
}
