package io.ctiserver.kpi;

/**
 * The usual service-level definitions; "within T" means a wait of at most T seconds (app_queue's own
 * {@code ServicelevelPerf} uses the same {@code <=}). Short abandons are never in any denominator.
 */
public enum ServiceLevelFormula {
    /** answered within T / (answered + abandoned after T): early hang-ups neither help nor hurt. The default. */
    ANSWERED_AND_ABANDONED_AFTER_T,
    /** answered within T / offered: every abandon and timeout counts against the target. */
    OFFERED,
    /** answered within T / answered: abandons do not count at all (app_queue's ServicelevelPerf). */
    ANSWERED
}
