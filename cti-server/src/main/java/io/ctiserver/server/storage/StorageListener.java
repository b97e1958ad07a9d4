package io.ctiserver.server.storage;

import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.CtiEventListener;
import io.ctiserver.events.Json;
import io.ctiserver.routing.PhoneNumbers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Turns the trackers' events into rows: a {@link CallEnded} into a call row (the whole record as JSON), each
 * {@link AgentStateChanged} into the interval the agent just left. Runs on each tracker's thread: it serialises the
 * record and offers the row, nothing more (the offer never blocks). One instance per tracker, since it remembers
 * each agent's current stretch and last queue (as the KPI engine does, so that wrap-up counts for that queue).
 */
public final class StorageListener implements CtiEventListener {

    private final Predicate<Row> sink;
    private final Map<String, Stretch> agents = new HashMap<>();
    private final Map<String, String> lastQueue = new HashMap<>();

    private record Stretch(AgentState state, String reason, String name, long since) {
    }

    /** @param sink where rows go: {@code storage::offer} */
    public StorageListener(Predicate<Row> sink) {
        this.sink = sink;
    }

    @Override
    public void onEvent(CtiEvent event) {
        if (event instanceof CallEnded e) {
            CallRecord r = e.record();
            if (r.queue() != null && r.agentInterface() != null) {
                lastQueue.put(r.pbx() + '\u0000' + r.agentInterface(), r.queue());
            }
            sink.test(callRow(r));
        } else if (event instanceof AgentStateChanged s) {
            agentState(s);
        }
    }

    private void agentState(AgentStateChanged s) {
        AgentView a = s.agent();
        String key = a.pbx() + '\u0000' + a.iface();
        long now = s.time().toEpochMilli();
        long since = a.since() == null ? now : a.since().toEpochMilli();
        Stretch prev = agents.put(key, new Stretch(a.state(), a.pausedReason(), a.memberName(), since));
        if (prev == null || since <= prev.since()) {
            return; // the first state we see of this agent: when the previous one began is unknown
        }
        String queue = prev.state() == AgentState.WRAP_UP ? lastQueue.get(key) : null;
        sink.test(new Row.AgentInterval(a.pbx(), a.iface(), prev.name() != null ? prev.name() : a.memberName(),
                prev.state().wire(), prev.reason(), queue, prev.since(), since));
    }

    /** The row of a call record: the indexed columns and the whole record as JSON. */
    public static Row.Call callRow(CallRecord r) {
        String json;
        try {
            json = Json.mapper().writeValueAsString(r);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a call record must serialise", e);
        }
        long started = r.startedAt() == null ? 0 : r.startedAt().toEpochMilli();
        long ended = r.endedAt() == null ? started : r.endedAt().toEpochMilli();
        String norm = PhoneNumbers.normalize(r.callerNumber());
        List<?> transfers = r.transfers();
        return new Row.Call(r.pbx(), r.callId(), r.linkedId(), "voice",
                r.direction() == null ? null : r.direction().wire(), r.callerNumber(), norm.isEmpty() ? null : norm,
                r.agentInterface(), r.agentName(), r.queue(), r.result() == null ? null : r.result().wire(),
                r.waitSeconds(), r.talkSeconds(), transfers == null ? 0 : transfers.size(), started,
                r.answeredAt() == null ? null : r.answeredAt().toEpochMilli(), ended, json);
    }
}
