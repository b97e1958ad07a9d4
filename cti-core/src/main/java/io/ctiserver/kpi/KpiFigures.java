package io.ctiserver.kpi;

/**
 * The contact-centre figures of one scope (all queues, or one queue) over one period (the sliding window or today).
 * Calls are counted when they end (as Avaya CMS and Cisco reporting count a call in the interval it completes).
 * A ratio whose denominator is zero is {@code null}; percentages are 0..100.
 *
 * @param offered             queue calls that ended: answered + abandoned + unanswered + other (short abandons left out)
 * @param answered            answered by an agent
 * @param abandoned           the caller hung up while waiting, after at least the short-abandon threshold
 * @param shortAbandoned      the caller hung up before the short-abandon threshold (not offered)
 * @param unanswered          left the queue unanswered without hanging up: timeout, empty queue, key press
 * @param other               lost (e.g. during a PBX disconnect) before being answered
 * @param answeredWithinThreshold answered with a wait of at most T seconds
 * @param abandonedAfterThreshold abandoned with a wait over T seconds
 * @param serviceLevelPercent by the configured {@link ServiceLevelFormula}
 * @param asaSeconds          average speed of answer: mean wait of answered calls
 * @param maxWaitAnsweredSeconds the longest wait of an answered call
 * @param avgAbandonWaitSeconds mean wait of abandoned calls
 * @param abandonRatePercent  abandoned / offered
 * @param ahtSeconds          average handle time: (talk + wrap-up) / answered; talk is app_queue's TalkTime, which
 *                            runs from connect to end and so already contains hold
 * @param avgTalkSeconds      talk / answered (hold included)
 * @param avgHoldSeconds      hold / answered
 * @param avgWrapUpSeconds    wrap-up / answered
 * @param occupancyPercent    (on call + wrap-up) / (available + ringing + on call + wrap-up); paused and logged-out
 *                            time left out. Null for a queue (agents serve several queues)
 * @param dispositions        calls given a disposition by the agent
 * @param resolved            of which marked resolved
 * @param fcrPercent          first-call resolution by disposition: resolved / dispositions
 * @param repeatCalls         answered calls followed by another call from the same number within the repeat window
 * @param fcrRepeatPercent    first-call resolution by repeat caller: (answered with a caller number - repeat calls)
 *                            / answered with a caller number
 * @param surveys             survey answers
 * @param csatPercent         share of survey scores of 4 or 5 (of 1..5)
 * @param avgSurveyScore      mean survey score
 */
public record KpiFigures(
        long offered,
        long answered,
        long abandoned,
        long shortAbandoned,
        long unanswered,
        long other,
        long answeredWithinThreshold,
        long abandonedAfterThreshold,
        Double serviceLevelPercent,
        Double asaSeconds,
        long maxWaitAnsweredSeconds,
        Double avgAbandonWaitSeconds,
        Double abandonRatePercent,
        Double ahtSeconds,
        Double avgTalkSeconds,
        Double avgHoldSeconds,
        Double avgWrapUpSeconds,
        Double occupancyPercent,
        long dispositions,
        long resolved,
        Double fcrPercent,
        long repeatCalls,
        Double fcrRepeatPercent,
        long surveys,
        Double csatPercent,
        Double avgSurveyScore) {

    static KpiFigures of(Tally t, KpiSettings settings, boolean withOccupancy) {
        long slDenominator = switch (settings.serviceLevelFormula()) {
            case ANSWERED_AND_ABANDONED_AFTER_T -> t.answered + t.abandonedAfterT;
            case OFFERED -> t.offered;
            case ANSWERED -> t.answered;
        };
        return new KpiFigures(t.offered, t.answered, t.abandoned, t.shortAbandoned, t.unanswered, t.other,
                t.answeredWithinT, t.abandonedAfterT,
                percent(t.answeredWithinT, slDenominator),
                ratio(t.waitAnsweredSeconds, t.answered),
                t.maxWaitAnsweredSeconds,
                ratio(t.waitAbandonedSeconds, t.abandoned),
                percent(t.abandoned, t.offered),
                ratio(t.talkSeconds + t.wrapUpMillis / 1000.0, t.answered),
                ratio(t.talkSeconds, t.answered),
                ratio(t.holdMillis / 1000.0, t.answered),
                ratio(t.wrapUpMillis / 1000.0, t.answered),
                withOccupancy ? occupancy(t) : null,
                t.dispositions, t.resolved, percent(t.resolved, t.dispositions),
                t.repeats, percent(t.repeatEligible - t.repeats, t.repeatEligible),
                t.surveys, percent(t.satisfied, t.surveys), ratio(t.scoreSum, t.surveys));
    }

    static Double occupancy(Tally t) {
        long busy = t.onCallMillis + t.wrapUpMillis;
        return percent(busy, busy + t.availableMillis + t.ringingMillis);
    }

    static Double ratio(double sum, long n) {
        return n == 0 ? null : sum / n;
    }

    static Double percent(double part, long whole) {
        return whole == 0 ? null : 100.0 * part / whole;
    }
}
