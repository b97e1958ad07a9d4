package io.ctiserver.kpi;

import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallHeld;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CallRetrieved;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.QueueUpdated;
import io.ctiserver.events.QueueView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-built domain events for the KPI tests; times are seconds after {@link #T0}. */
final class Events {

    /** 2026-11-23T10:00:00Z, on a bucket boundary. */
    static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");
    static final String PBX = "pbx1";
    static final String A1 = "Local/201@agents/n";
    static final String A2 = "Local/202@agents/n";

    private Events() {
    }

    static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    /** A queue call that ended at {@code endAt}: answered (agent set) or not. */
    static CallEnded ended(double endAt, String callId, String queue, String caller, CallResult result, long wait,
                           long talk, String agent) {
        Instant end = at(endAt);
        Instant answered = result == CallResult.ANSWERED ? end.minusSeconds(talk) : null;
        Instant started = (answered != null ? answered : end).minusSeconds(wait + 5);
        CallRecord r = new CallRecord(callId, PBX, callId, CallDirection.INBOUND, caller, null, "5000", queue,
                agent == null ? null : "Agent " + agent.substring(6, 9), agent, result, wait, talk, EndedBy.CALLER,
                List.of(), started, answered, end, Map.of());
        return new CallEnded(PBX, end, r);
    }

    static CallEnded answered(double endAt, String callId, String queue, long wait, long talk, String agent) {
        return ended(endAt, callId, queue, "555" + callId, CallResult.ANSWERED, wait, talk, agent);
    }

    static CallEnded abandoned(double endAt, String callId, String queue, long wait) {
        return ended(endAt, callId, queue, "555" + callId, CallResult.ABANDONED, wait, 0, null);
    }

    static CallView view(String callId, String queue, String agent, CallState state) {
        return new CallView(callId, PBX, callId, CallDirection.INBOUND, state, "555" + callId, null, "5000", queue,
                agent, agent == null ? null : "Agent", T0, T0, null, false, List.of(), Map.of());
    }

    static CallAnswered callAnswered(double at, String callId, String queue, String agent) {
        return new CallAnswered(PBX, at(at), view(callId, queue, agent, CallState.CONNECTED));
    }

    static CallHeld held(double at, String callId) {
        return new CallHeld(PBX, at(at), view(callId, "support", A1, CallState.HELD));
    }

    static CallRetrieved retrieved(double at, String callId) {
        return new CallRetrieved(PBX, at(at), view(callId, "support", A1, CallState.CONNECTED));
    }

    static AgentStateChanged agent(double at, String iface, AgentState state, AgentState previous) {
        return new AgentStateChanged(PBX, at(at), new AgentView(PBX, iface, "Agent " + iface.substring(6, 9), state,
                state == AgentState.PAUSED ? "lunch" : null, List.of("support"), null, at(at)), previous);
    }

    /** A queue with callers who joined at the given seconds. */
    static QueueUpdated queue(double at, String queue, double... joinedAt) {
        List<QueueEntryView> entries = new ArrayList<>();
        for (int i = 0; i < joinedAt.length; i++) {
            entries.add(new QueueEntryView("w" + i, i + 1, "555000" + i, at(joinedAt[i])));
        }
        return new QueueUpdated(PBX, at(at), new QueueView(PBX, queue, "rrmemory", entries, List.of()));
    }
}
