package io.ctiserver.routing;

import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.QueueMemberView;
import io.ctiserver.events.QueueView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@link QueueLoad} read from the tracker's snapshots. A queue name is looked up across every PBX: a queue of the
 * same name on two PBXs counts as one (its waiting callers and members added up).
 */
public final class StateViewQueueLoad implements QueueLoad {

    // Asterisk device states (QueueMemberStatus Status) in which app_queue would ring the member.
    private static final int DEVICE_UNKNOWN = 0;
    private static final int DEVICE_NOT_INUSE = 1;

    private final CtiStateView state;
    private final Clock clock;

    public StateViewQueueLoad(CtiStateView state, Clock clock) {
        this.state = state;
        this.clock = clock;
    }

    @Override
    public Optional<QueueStatus> status(String queue) {
        int waiting = 0;
        int available = 0;
        int members = 0;
        Instant oldest = null;
        boolean found = false;
        for (QueueView q : state.queues()) {
            if (!q.name().equals(queue)) {
                continue;
            }
            found = true;
            waiting += q.entries().size();
            for (QueueEntryView e : q.entries()) {
                if (e.joinedAt() != null && (oldest == null || e.joinedAt().isBefore(oldest))) {
                    oldest = e.joinedAt();
                }
            }
            for (QueueMemberView m : q.members()) {
                members++;
                if (!m.paused() && !m.inCall() && (m.status() == DEVICE_NOT_INUSE || m.status() == DEVICE_UNKNOWN)) {
                    available++;
                }
            }
        }
        if (!found) {
            return Optional.empty();
        }
        long longest = oldest == null ? 0 : Math.max(0, Duration.between(oldest, clock.instant()).getSeconds());
        return Optional.of(new QueueStatus(waiting, longest, available, members));
    }

    @Override
    public Availability agent(String iface) {
        for (AgentView a : state.agents()) {
            if (a.iface().equals(iface)) {
                return a.state() == AgentState.AVAILABLE ? Availability.AVAILABLE : Availability.BUSY;
            }
        }
        return Availability.UNKNOWN;
    }
}
