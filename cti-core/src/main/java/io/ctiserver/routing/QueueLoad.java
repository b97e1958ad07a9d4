package io.ctiserver.routing;

import java.util.Optional;

/**
 * What routing needs to know about live queues and agents. The wiring implements it from the tracker's
 * {@link io.ctiserver.events.CtiStateView} ({@link StateViewQueueLoad}); tests and the what-if tool use fakes or
 * {@link #unknown()}. Called on the routing path: implementations answer from a snapshot, without blocking.
 */
public interface QueueLoad {

    /**
     * @param waiting            callers waiting in the queue
     * @param longestWaitSeconds how long the oldest waiting caller has waited
     * @param availableAgents    members that could take a call now (logged in, not paused, not busy)
     * @param members            all members
     */
    record QueueStatus(int waiting, long longestWaitSeconds, int availableAgents, int members) {
    }

    enum Availability {
        AVAILABLE, BUSY, UNKNOWN
    }

    /** The queue's load, or empty when the queue is not known (then no overflow rule fires). */
    Optional<QueueStatus> status(String queue);

    /** Whether the agent behind a member interface (e.g. {@code PJSIP/agent1}) could take a call now. */
    Availability agent(String iface);

    /** Knows nothing: no overflow fires, agents are UNKNOWN. */
    static QueueLoad unknown() {
        return new QueueLoad() {
            @Override
            public Optional<QueueStatus> status(String queue) {
                return Optional.empty();
            }

            @Override
            public Availability agent(String iface) {
                return Availability.UNKNOWN;
            }
        };
    }
}
