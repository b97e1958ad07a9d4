package io.ctiserver.events;

import java.util.List;
import java.util.Optional;

/**
 * The read side of the tracked state, safe to call from any thread: it returns immutable snapshots that the single
 * writer (the tracker of each PBX) publishes after every change. Desktops, REST reads, routing and KPIs use it;
 * none of them touches the tracker's mutable state.
 */
public interface CtiStateView {

    /** Live calls, oldest first. */
    List<CallView> calls();

    Optional<CallView> call(String callId);

    List<AgentView> agents();

    List<QueueView> queues();

    /** No calls, agents or queues: for benchmarks and tools that drive the gateway without a PBX. */
    CtiStateView EMPTY = new CtiStateView() {
        @Override
        public List<CallView> calls() {
            return List.of();
        }

        @Override
        public Optional<CallView> call(String callId) {
            return Optional.empty();
        }

        @Override
        public List<AgentView> agents() {
            return List.of();
        }

        @Override
        public List<QueueView> queues() {
            return List.of();
        }
    };
}
