package io.ctiserver.testing;

import io.ctiserver.routing.QueueLoad;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Queue load that a routing test sets by hand; thread-safe, since FastAGI tests route from event loops. */
public final class FakeQueueLoad implements QueueLoad {

    public final Map<String, QueueStatus> queues = new ConcurrentHashMap<>();
    public final Map<String, Availability> agents = new ConcurrentHashMap<>();

    @Override
    public Optional<QueueStatus> status(String queue) {
        return Optional.ofNullable(queues.get(queue));
    }

    @Override
    public Availability agent(String iface) {
        return agents.getOrDefault(iface, Availability.UNKNOWN);
    }
}
