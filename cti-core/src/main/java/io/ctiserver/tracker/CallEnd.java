package io.ctiserver.tracker;

import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CallState;
import io.ctiserver.events.EndedBy;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Ends calls and writes their record: result, who ended it, wait and talk time. */
final class CallEnd {

    static final String END_REASON_KEY = "cti.endReason";
    static final String LOST_REASON = "lost during PBX disconnect";

    private final TrackerState s;
    private final MonitorEvents monitor;

    CallEnd(TrackerState state, MonitorEvents monitor) {
        this.s = state;
        this.monitor = monitor;
    }

    void endCall(Call call, String lostReason) {
        if (!s.calls.containsKey(call.id)) {
            return;
        }
        monitor.stopSpiesOn(call);
        s.calls.remove(call.id);
        s.viewCache.remove(call);
        s.callsDirty = true;
        if (call.queue != null) {
            QueueState q = s.queues.get(call.queue);
            if (q != null && q.removeEntry(call)) {
                s.viewCache.queueChanged(q);
                s.queuesDirty = true;
                s.emitQueue(q);
            }
        }
        for (Agent agent : s.agents.values()) {
            if (agent.call == call || agent.ringingCall == call) {
                agent.call = agent.call == call ? null : agent.call;
                agent.ringingCall = agent.ringingCall == call ? null : agent.ringingCall;
                s.refreshAgent(agent);
            }
        }
        call.state = CallState.ENDED;
        call.endReason = lostReason;
        if (call.monitorLeg) {
            return;
        }
        s.emit(new CallEnded(s.pbx, s.clock.instant(), record(call)));
    }

    private CallRecord record(Call call) {
        Instant ended = s.clock.instant();
        CallResult result;
        if (call.answeredAt != null) {
            result = CallResult.ANSWERED;
        } else if (call.abandoned) {
            result = CallResult.ABANDONED;
        } else if (call.endReason != null) {
            result = CallResult.FAILED;
        } else {
            result = CallResult.UNANSWERED;
        }
        EndedBy endedBy;
        String parkOutcome = call.timeline.lastParkOutcome();
        if (call.endReason != null) {
            endedBy = EndedBy.SYSTEM;
        } else if (call.abandoned || "gave_up".equals(parkOutcome) && !call.answeredSinceAgentEnd) {
            endedBy = EndedBy.CALLER;
        } else if (call.agentEndReason != null && !call.answeredSinceAgentEnd) {
            endedBy = switch (call.agentEndReason) {
                case "caller" -> EndedBy.CALLER;
                case "agent" -> EndedBy.AGENT;
                case "transfer" -> EndedBy.TRANSFER;
                default -> EndedBy.SYSTEM;
            };
        } else {
            endedBy = call.firstHangup != null ? call.firstHangup : EndedBy.SYSTEM;
        }
        long wait = call.waitSeconds;
        if (wait < 0) {
            wait = call.queuedAt == null ? 0
                    : seconds(call.queuedAt, call.answeredAt != null ? call.answeredAt : ended);
        }
        CallTimeline.Parts parts = call.timeline.finish(ended);
        long talk = call.talkSeconds;
        if (parts.segments().isEmpty()) {
            if (talk < 0) {
                talk = call.answeredAt == null ? 0 : seconds(call.answeredAt, ended);
            }
        } else {
            // The agents' parts, measured where app_queue has no figure (no AgentComplete, or the call went on after
            // it); never less than app_queue's own sum.
            talk = Math.max(talk, parts.segmentTalkSeconds());
        }
        Map<String, String> data = call.data;
        if (call.endReason != null) {
            data = new LinkedHashMap<>(data);
            data.put(END_REASON_KEY, call.endReason);
        }
        boolean named = call.answeredAt != null || call.ownerIface != null;
        return new CallRecord(call.id, s.pbx, call.linkedId, s.direction(call), s.callerNumber(call), s.callerName(call),
                call.dialed, call.queue, named ? call.agentName : null, named ? call.agentIface : null, result, wait,
                talk, endedBy, call.transfers, call.startedAt, call.answeredAt, ended, data, parts.heldSeconds(),
                parts.holds(), parts.parked(), parts.conference(), parts.recordings(), parts.segments(),
                List.copyOf(call.relatedCalls));
    }

    static long seconds(Instant from, Instant to) {
        return Math.max(0, (to.toEpochMilli() - from.toEpochMilli()) / 1000);
    }
}
