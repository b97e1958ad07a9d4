package io.ctiserver.server.storage;

import io.ctiserver.contact.AgentLoad;
import io.ctiserver.contact.AgentLoadListener;
import io.ctiserver.contact.Medium;
import io.ctiserver.server.storage.reports.IntervalAggregator;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Turns the omnichannel router's load changes into {@link Row.AgentMedia} stretches: each change of what an agent is
 * (ready for contacts, holding a chat, holding an email) ends the stretch the agent was in and offers it as a row.
 * A change of how many chats (two instead of one) or of the voice load is no new stretch: voice is the tracker's
 * ({@code agent_states}), united with these rows when the reports are computed.
 *
 * <p>A stretch still open when a 15-minute interval ends is cut there (on the tick after the boundary): the part
 * before is stored and a stretch goes on from the boundary, so an agent ready all morning is in each interval's
 * report soon after it ends, not at noon.
 *
 * <p>Runs on the omni thread (the one {@code OmniService} calls it on); the offer never blocks. Memory: one entry per
 * agent who is ready or holds a contact; an agent who is neither is forgotten.
 */
public final class AgentMediaListener implements AgentLoadListener {

    private final Predicate<Row> sink;
    private final Map<String, Stretch> agents = new HashMap<>();

    private record Stretch(boolean ready, boolean chat, boolean email, long since) {
        boolean idle() {
            return !ready && !chat && !email;
        }

        boolean sameAs(Stretch o) {
            return ready == o.ready && chat == o.chat && email == o.email;
        }
    }

    /** @param sink where rows go: {@code storage::offer} */
    public AgentMediaListener(Predicate<Row> sink) {
        this.sink = sink;
    }

    @Override
    public void load(AgentLoad load, Instant at) {
        long now = at.toEpochMilli();
        Stretch next = new Stretch(load.ready(), load.load().of(Medium.CHAT) > 0, load.load().of(Medium.EMAIL) > 0,
                now);
        Stretch prev = agents.get(load.agent());
        if (prev != null && prev.sameAs(next)) {
            return; // the same stretch goes on
        }
        if (prev != null && now > prev.since()) {
            sink.test(new Row.AgentMedia(load.agent(), prev.ready(), prev.chat(), prev.email(), prev.since(), now));
        }
        if (next.idle()) {
            agents.remove(load.agent());
        } else {
            agents.put(load.agent(), next);
        }
    }

    @Override
    public void tick(Instant now) {
        long boundary = IntervalAggregator.intervalOf(now.toEpochMilli());
        for (Map.Entry<String, Stretch> e : agents.entrySet()) {
            Stretch s = e.getValue();
            if (s.since() < boundary) {
                sink.test(new Row.AgentMedia(e.getKey(), s.ready(), s.chat(), s.email(), s.since(), boundary));
                e.setValue(new Stretch(s.ready(), s.chat(), s.email(), boundary));
            }
        }
    }

    /** Agents in a stretch now (tests). */
    int tracked() {
        return agents.size();
    }
}
