package io.ctiserver.kpi;

import java.util.HashMap;
import java.util.Map;

/** The tallies of one period: all queues together, each queue, each agent. */
final class Scope {

    Tally total = new Tally();
    final Map<String, Tally> queues = new HashMap<>();
    final Map<AgentKey, Tally> agents = new HashMap<>();

    void clear() {
        total = new Tally();
        queues.clear();
        agents.clear();
    }

    Tally queue(String name) {
        return queues.computeIfAbsent(name, k -> new Tally());
    }

    Tally agent(AgentKey key) {
        return agents.computeIfAbsent(key, k -> new Tally());
    }

    void addInto(Scope sum) {
        sum.total.add(total);
        queues.forEach((k, v) -> sum.queue(k).add(v));
        agents.forEach((k, v) -> sum.agent(k).add(v));
    }
}
