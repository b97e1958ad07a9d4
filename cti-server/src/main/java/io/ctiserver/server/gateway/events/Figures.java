package io.ctiserver.server.gateway.events;

import io.ctiserver.kpi.KpiSnapshot;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.QueueMemberView;
import io.ctiserver.events.QueueView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The figures desktops see: per-queue stats ({@code queue.stats}) and the supervisors' {@code kpi} set. */
public final class Figures {

    private Figures() {
    }

    public record QueueStats(String queue, int waiting, long longestWaitSeconds, int members, int available,
                             int inCall, int paused) {
    }

    /**
     * The supervisors' figures: live counts from the state view, and {@code kpis} (service level, ASA, abandon rate,
     * AHT, occupancy, FCR, CSAT over the window and today) from the KPI engine, null when none runs; {@code media}:
     * the per-medium contact KPIs over the same window (cti-core {@code ContactKpis.Snapshot}), null without omni.
     */
    public record Kpi(int waitingCalls, long longestWaitSeconds, int activeCalls, int agentsLoggedIn,
                      int agentsAvailable, int agentsOnCall, int agentsRinging, int agentsWrapUp, int agentsPaused,
                      KpiSnapshot kpis, Object media) {
    }

    public static QueueStats queueStats(QueueView q, Instant now) {
        long longest = 0;
        for (QueueEntryView e : q.entries()) {
            if (e.joinedAt() != null) {
                longest = Math.max(longest, Duration.between(e.joinedAt(), now).toSeconds());
            }
        }
        int available = 0;
        int inCall = 0;
        int paused = 0;
        for (QueueMemberView m : q.members()) {
            if (m.paused()) {
                paused++;
            } else if (m.inCall()) {
                inCall++;
            } else if (m.status() == 1) {
                available++;
            }
        }
        return new QueueStats(q.name(), q.entries().size(), longest, q.members().size(), available, inCall, paused);
    }

    public static Kpi kpi(CtiStateView state, Instant now) {
        return kpi(state, now, null);
    }

    public static Kpi kpi(CtiStateView state, Instant now, KpiSnapshot kpis) {
        return kpi(state, now, kpis, null);
    }

    public static Kpi kpi(CtiStateView state, Instant now, KpiSnapshot kpis, Object media) {
        List<CallView> calls = state.calls();
        int waiting = 0;
        long longest = 0;
        for (CallView c : calls) {
            if (c.state() == CallState.QUEUED) {
                waiting++;
                if (c.queuedAt() != null) {
                    longest = Math.max(longest, Duration.between(c.queuedAt(), now).toSeconds());
                }
            }
        }
        int loggedIn = 0;
        int available = 0;
        int onCall = 0;
        int ringing = 0;
        int wrapUp = 0;
        int paused = 0;
        for (AgentView a : state.agents()) {
            switch (a.state()) {
                case LOGGED_OUT -> {
                    continue;
                }
                case AVAILABLE -> available++;
                case ON_CALL -> onCall++;
                case RINGING -> ringing++;
                case WRAP_UP -> wrapUp++;
                case PAUSED -> paused++;
            }
            loggedIn++;
        }
        return new Kpi(waiting, longest, calls.size(), loggedIn, available, onCall, ringing, wrapUp, paused, kpis,
                media);
    }
}
