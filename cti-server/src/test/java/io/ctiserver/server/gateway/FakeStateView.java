package io.ctiserver.server.gateway;

import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.QueueView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A state view the test fills in by hand, as the tracker would publish it. */
final class FakeStateView implements CtiStateView {

    final Map<String, CallView> calls = new ConcurrentHashMap<>();
    final Map<String, AgentView> agents = new ConcurrentHashMap<>();
    final Map<String, QueueView> queues = new ConcurrentHashMap<>();

    void put(CallView c) {
        calls.put(c.callId(), c);
    }

    @Override
    public List<CallView> calls() {
        return new ArrayList<>(calls.values());
    }

    @Override
    public Optional<CallView> call(String callId) {
        return Optional.ofNullable(calls.get(callId));
    }

    @Override
    public List<AgentView> agents() {
        return new ArrayList<>(agents.values());
    }

    @Override
    public List<QueueView> queues() {
        return new ArrayList<>(queues.values());
    }
}
