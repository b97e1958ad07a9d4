package io.ctiserver.kpi;

import io.ctiserver.events.AgentState;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@link KpiEngine} knows, at one instant of event time. Immutable and safe to hand to any thread;
 * serialise with {@link io.ctiserver.events.Json#mapper()} (times as ISO-8601).
 *
 * @param asOf                the event time the figures are computed at
 * @param day                 "today" in {@link KpiSettings#zone()}
 * @param windowSeconds       the sliding window's length
 * @param serviceLevelSeconds T
 * @param serviceLevelFormula how service level is computed
 * @param window              all queues over the sliding window
 * @param today               all queues since midnight
 * @param waitingCalls        callers waiting in a queue now
 * @param longestWaitSeconds  the longest current wait, 0 when nobody waits
 * @param queues              per queue, by name
 * @param agents              per agent, by PBX and interface
 */
public record KpiSnapshot(
        Instant asOf,
        LocalDate day,
        String timeZone,
        long windowSeconds,
        int serviceLevelSeconds,
        ServiceLevelFormula serviceLevelFormula,
        int shortAbandonSeconds,
        KpiFigures window,
        KpiFigures today,
        int waitingCalls,
        long longestWaitSeconds,
        List<QueueKpis> queues,
        List<AgentKpis> agents) {

    public KpiSnapshot {
        queues = List.copyOf(queues);
        agents = List.copyOf(agents);
    }

    /**
     * One queue's figures; a queue of the same name on several PBXs counts as one. {@code staffing}: Erlang C over
     * the window (agents needed, expected service level and ASA with the agents staffed now), null before the window
     * has an answered call.
     */
    public record QueueKpis(String queue, int waitingCalls, long longestWaitSeconds, KpiFigures window,
                            KpiFigures today, Staffing staffing) {
    }

    /** One agent's state now and figures. */
    public record AgentKpis(String pbx, String iface, String name, AgentState state, AgentFigures window,
                            AgentFigures today) {
    }

    /** The queue of that name, if it has figures or waiting callers. */
    public Optional<QueueKpis> queue(String name) {
        return queues.stream().filter(q -> q.queue().equals(name)).findFirst();
    }

    /** The first agent with that member interface (on any PBX). */
    public Optional<AgentKpis> agent(String iface) {
        return agents.stream().filter(a -> a.iface().equals(iface)).findFirst();
    }
}
