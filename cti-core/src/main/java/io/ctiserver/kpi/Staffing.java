package io.ctiserver.kpi;

/**
 * Erlang C for one queue over the sliding window: the arrival rate (offered calls / window) and AHT measured there,
 * the service-level goal, and the agents staffed now (members logged in and not paused).
 *
 * @param erlangs              traffic: calls per second x AHT
 * @param agentsNeeded         the fewest agents that meet the goal
 * @param agentsStaffed        queue members now logged in and not paused
 * @param expectedServiceLevelPercent with the agents staffed now; null without traffic or staff
 * @param expectedAsaSeconds   with the agents staffed now; null when staffed <= traffic (the queue only grows) or no
 *                             traffic
 */
public record Staffing(double callsPerHour, double ahtSeconds, double erlangs, int targetSeconds,
                       int targetPercent, int agentsNeeded, int agentsStaffed, Double expectedServiceLevelPercent,
                       Double expectedAsaSeconds) {

    /** The service-level goal the live figures staff for: 80 % within T (the classic 80/20 with T = 20 s). */
    public static final int DEFAULT_TARGET_PERCENT = 80;

    /** Null when the window has no answered call (no AHT to plan with). */
    public static Staffing of(long offered, double windowSeconds, Double ahtSeconds, int targetSeconds,
                              int targetPercent, int staffed) {
        if (ahtSeconds == null || ahtSeconds <= 0 || windowSeconds <= 0) {
            return null;
        }
        double rate = offered / windowSeconds;
        double a = rate * ahtSeconds;
        int needed = ErlangC.agentsNeeded(rate, ahtSeconds, targetSeconds, targetPercent);
        Double sl = null;
        Double asa = null;
        if (staffed > 0) {
            sl = 100 * ErlangC.serviceLevel(staffed, a, ahtSeconds, targetSeconds);
            double x = ErlangC.asaSeconds(staffed, a, ahtSeconds);
            asa = Double.isInfinite(x) ? null : x;
        }
        return new Staffing(rate * 3600, ahtSeconds, a, targetSeconds, targetPercent, needed, staffed, sl, asa);
    }
}
