package io.ctiserver.kpi;

/**
 * One agent's figures over one period. Handled calls are queue calls the agent answered, counted when they end.
 *
 * @param handled          queue calls answered by the agent that ended in the period
 * @param ahtSeconds       (talk + wrap-up) / handled
 * @param occupancyPercent (on call + wrap-up) / (available + ringing + on call + wrap-up), paused time left out
 * @param loggedInSeconds  time logged in (available, ringing, on call, wrap-up, paused)
 */
public record AgentFigures(
        long handled,
        Double asaSeconds,
        Double ahtSeconds,
        Double avgTalkSeconds,
        Double avgWrapUpSeconds,
        Double occupancyPercent,
        long availableSeconds,
        long ringingSeconds,
        long onCallSeconds,
        long wrapUpSeconds,
        long pausedSeconds,
        long loggedInSeconds,
        long dispositions,
        Double fcrPercent,
        long repeatCalls,
        long surveys,
        Double csatPercent,
        Double avgSurveyScore) {

    static AgentFigures of(Tally t) {
        return new AgentFigures(t.answered,
                KpiFigures.ratio(t.waitAnsweredSeconds, t.answered),
                KpiFigures.ratio(t.talkSeconds + t.wrapUpMillis / 1000.0, t.answered),
                KpiFigures.ratio(t.talkSeconds, t.answered),
                KpiFigures.ratio(t.wrapUpMillis / 1000.0, t.answered),
                KpiFigures.occupancy(t),
                t.availableMillis / 1000, t.ringingMillis / 1000, t.onCallMillis / 1000, t.wrapUpMillis / 1000,
                t.pausedMillis / 1000,
                (t.availableMillis + t.ringingMillis + t.onCallMillis + t.wrapUpMillis + t.pausedMillis) / 1000,
                t.dispositions, KpiFigures.percent(t.resolved, t.dispositions), t.repeats,
                t.surveys, KpiFigures.percent(t.satisfied, t.surveys), KpiFigures.ratio(t.scoreSum, t.surveys));
    }
}
