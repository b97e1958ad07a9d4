package io.ctiserver.tracker;

import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.QueueView;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One immutable picture of a PBX's state, published by the tracker after each change. */
record StateSnapshot(Map<String, CallView> callsById, List<CallView> calls, List<AgentView> agents,
                     List<QueueView> queues) {

    static final StateSnapshot EMPTY = new StateSnapshot(Map.of(), List.of(), List.of(), List.of());

    /** The read side handed to other threads: every call reads the latest published snapshot. */
    static CtiStateView viewOf(java.util.function.Supplier<StateSnapshot> current) {
        return new CtiStateView() {
            @Override
            public List<CallView> calls() {
                return current.get().calls();
            }

            @Override
            public Optional<CallView> call(String callId) {
                return Optional.ofNullable(current.get().callsById().get(callId));
            }

            @Override
            public List<AgentView> agents() {
                return current.get().agents();
            }

            @Override
            public List<QueueView> queues() {
                return current.get().queues();
            }
        };
    }
}
