package io.ctiserver.kpi;

/**
 * The Erlang C queueing model (M/M/N: Poisson arrivals, exponential handle times, callers wait and never give up),
 * the usual contact-centre staffing formula.
 *
 * <p>With traffic {@code A = arrival rate x AHT} (Erlangs) and {@code N > A} agents: the probability that a caller
 * waits is {@code C = N·B / (N − A·(1 − B))} with {@code B} the Erlang B blocking probability (computed by its stable
 * recursion {@code B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1))}, no factorials); service level within {@code T}
 * seconds is {@code 1 − C·e^(−(N − A)·T / AHT)}; the average speed of answer is {@code C·AHT / (N − A)}. With
 * {@code N <= A} the queue grows without end: every caller waits, service level 0, ASA infinite.
 *
 * <p>Erlang C ignores abandons, so it errs on the safe side: it asks for slightly more agents than a real queue needs.
 */
public final class ErlangC {

    /** More agents than this is not a staffing question the formula should answer. */
    public static final int MAX_AGENTS = 10_000;

    private ErlangC() {
    }

    /** The probability that a caller has to wait, 0..1. */
    public static double probabilityOfWaiting(int agents, double erlangs) {
        check(agents, erlangs);
        if (erlangs == 0) {
            return 0;
        }
        if (agents <= erlangs) {
            return 1;
        }
        double b = 1;
        for (int n = 1; n <= agents; n++) {
            b = erlangs * b / (n + erlangs * b);
        }
        return agents * b / (agents - erlangs * (1 - b));
    }

    /** The share of callers answered within {@code targetSeconds}, 0..1. */
    public static double serviceLevel(int agents, double erlangs, double ahtSeconds, double targetSeconds) {
        if (agents <= erlangs) {
            return erlangs == 0 ? 1 : 0;
        }
        double c = probabilityOfWaiting(agents, erlangs);
        return 1 - c * Math.exp(-(agents - erlangs) * targetSeconds / ahtSeconds);
    }

    /** The average speed of answer in seconds; infinite when {@code agents <= erlangs}. */
    public static double asaSeconds(int agents, double erlangs, double ahtSeconds) {
        if (erlangs == 0) {
            return 0;
        }
        if (agents <= erlangs) {
            return Double.POSITIVE_INFINITY;
        }
        return probabilityOfWaiting(agents, erlangs) * ahtSeconds / (agents - erlangs);
    }

    /**
     * The fewest agents that answer {@code targetPercent} of calls within {@code targetSeconds}: 0 without traffic.
     *
     * @param callsPerSecond the arrival rate
     */
    public static int agentsNeeded(double callsPerSecond, double ahtSeconds, double targetSeconds,
                                   double targetPercent) {
        if (callsPerSecond < 0 || ahtSeconds < 0 || targetSeconds < 0 || targetPercent <= 0 || targetPercent >= 100) {
            throw new IllegalArgumentException("rate, AHT and target time must be >= 0, target percent in (0, 100)");
        }
        double erlangs = callsPerSecond * ahtSeconds;
        if (erlangs == 0) {
            return 0;
        }
        int n = Math.max(1, (int) Math.floor(erlangs) + 1);
        while (serviceLevel(n, erlangs, ahtSeconds, targetSeconds) * 100 < targetPercent) {
            n++;
            if (n > MAX_AGENTS) {
                throw new IllegalArgumentException("more than " + MAX_AGENTS + " agents needed for " + erlangs
                        + " Erlangs");
            }
        }
        return n;
    }

    private static void check(int agents, double erlangs) {
        if (agents < 0 || erlangs < 0 || Double.isNaN(erlangs)) {
            throw new IllegalArgumentException("agents and traffic must be >= 0");
        }
    }
}
