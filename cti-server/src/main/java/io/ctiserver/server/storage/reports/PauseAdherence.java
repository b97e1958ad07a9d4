package io.ctiserver.server.storage.reports;

import io.ctiserver.server.storage.reports.BreakSchedule.Window;
import java.util.List;
import java.util.Map;

/**
 * One agent's adherence to the planned breaks, added up from the agent's stored state intervals (docs/kpis.md,
 * "Adherence to pauses"). Only logged-in time is judged: a planned break while the agent was logged out (a day off,
 * or logged off for lunch) is neither kept nor missed.
 *
 * <ul>
 *   <li>scheduled: logged-in time inside the planned breaks;</li>
 *   <li>in adherence: paused inside a planned break, with its reason or with none (a break without a reason takes
 *       any);</li>
 *   <li>out of adherence: paused outside the planned breaks, or inside one with another reason;</li>
 *   <li>adherence = in / (scheduled + out): 100 % when the agent paused exactly during the planned breaks.</li>
 * </ul>
 */
final class PauseAdherence {

    private final List<Window> windows;
    private long scheduledMs;
    private long inMs;
    private long outMs;

    /** @param windows the agent's planned breaks in the report's range, sorted and disjoint */
    PauseAdherence(List<Window> windows) {
        this.windows = windows;
    }

    /** One stored state interval, already clipped to the report's range; logged-out time is not passed in. */
    void add(String state, String reason, long startMs, long endMs) {
        boolean paused = state.equals("paused");
        long matched = 0;
        for (int i = firstEndingAfter(startMs); i < windows.size() && windows.get(i).startMs() < endMs; i++) {
            Window w = windows.get(i);
            long overlap = Math.min(endMs, w.endMs()) - Math.max(startMs, w.startMs());
            scheduledMs += overlap;
            if (paused && reasonFits(w.reason(), reason)) {
                matched += overlap;
            }
        }
        if (paused) {
            inMs += matched;
            outMs += (endMs - startMs) - matched;
        }
    }

    /** The report's columns, in seconds (floored, as the report's other seconds). */
    void putFigures(Map<String, Object> m) {
        m.put("scheduledPauseSeconds", scheduledMs / 1000);
        m.put("pausedInScheduleSeconds", inMs / 1000);
        m.put("pausedOutOfScheduleSeconds", outMs / 1000);
        long whole = scheduledMs + outMs;
        m.put("pauseAdherencePercent", whole == 0 ? null : 100.0 * inMs / whole);
    }

    /** For an agent without a stored state in the range: nothing scheduled, nothing paused. */
    static void putNone(Map<String, Object> m) {
        new PauseAdherence(List.of()).putFigures(m);
    }

    private static boolean reasonFits(String planned, String taken) {
        return planned == null || taken == null || taken.isBlank() || planned.equalsIgnoreCase(taken.strip());
    }

    /** Binary search: the first window whose end is after {@code ms}. */
    private int firstEndingAfter(long ms) {
        int lo = 0;
        int hi = windows.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (windows.get(mid).endMs() <= ms) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
