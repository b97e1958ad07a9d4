package io.ctiserver.tracker;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallState;
import io.ctiserver.events.Party;
import io.ctiserver.events.QueueMemberView;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * app_queue's side of the story: callers joining and leaving queues, agents rung, answering and completing, and
 * the members behind them (pause, penalty, device status, wrap-up). Part of the tracker's single writer.
 */
final class QueueEvents {

    private final TrackerState s;

    QueueEvents(TrackerState state) {
        this.s = state;
    }

    void stopRinging(Call call, String iface) {
        Agent agent = s.agents.get(iface);
        if (agent != null && agent.ringingCall == call && !call.ringing.containsValue(iface)) {
            agent.ringingCall = null;
            s.refreshAgent(agent);
        }
        if (call.state != CallState.RINGING
                || !Objects.equals(call.agentIface, iface) && !call.ringing.isEmpty()) {
            return;
        }
        // The agent shown on the ringing call stopped ringing: show one still ringing (ringall), or none.
        String next = call.ringing.isEmpty() ? null : call.ringing.values().iterator().next();
        Agent nextAgent = next == null ? null : s.agents.get(next);
        call.agentIface = next;
        call.agentName = nextAgent == null ? null : nextAgent.memberName;
        if (next == null) {
            call.state = isQueued(call) ? CallState.QUEUED : CallState.DIALPLAN;
        }
        s.touch(call);
    }

    private boolean isQueued(Call call) {
        QueueState q = call.queue == null ? null : s.queues.get(call.queue);
        if (q != null) {
            for (QueueState.Entry e : q.entries) {
                if (e.call == call) {
                    return true;
                }
            }
        }
        return false;
    }

    void queueCallerJoin(AmiMessage m) {
        s.resyncWindow.joinedQueue(m.get("Uniqueid"));
        Channel ch = s.channel(m.get("Uniqueid"));
        String queueName = m.get("Queue");
        if (ch == null || queueName == null) {
            return;
        }
        Call call = ch.call;
        QueueState q = s.queue(queueName);
        q.removeEntry(call);
        int position = Math.max(1, Math.min(Headers.parseInt(m.get("Position"), q.entries.size() + 1), q.entries.size() + 1));
        q.entries.add(position - 1, new QueueState.Entry(call, s.clock.instant()));
        call.queue = queueName;
        call.callerChannel = ch;
        s.setCallerId(call, ch);
        s.addParty(call, ch, Party.Role.CALLER, null, null);
        call.queuedAt = s.clock.instant();
        call.state = CallState.QUEUED;
        s.touch(call);
        s.queuesDirty = true;
        s.viewCache.queueChanged(q);
        s.emit(new CallOffered(s.pbx, s.clock.instant(), s.callView(call), null, null));
        s.emitQueue(q);
    }

    void queueCallerLeave(AmiMessage m) {
        s.resyncWindow.leftQueue(m.get("Uniqueid"));
        Channel ch = s.channel(m.get("Uniqueid"));
        QueueState q = s.queues.get(m.get("Queue", ""));
        if (ch == null || q == null || !q.removeEntry(ch.call)) {
            return;
        }
        Call call = ch.call;
        if (call.state == CallState.QUEUED) {
            call.state = CallState.DIALPLAN;
        }
        s.touch(call);
        s.viewCache.queueChanged(q);
        s.queuesDirty = true;
        s.emitQueue(q);
    }

    void queueCallerAbandon(AmiMessage m) {
        Channel ch = s.channel(m.get("Uniqueid"));
        if (ch == null) {
            return;
        }
        Call call = ch.call;
        call.abandoned = true;
        long hold = Headers.parseLong(m.get("HoldTime"), -1);
        if (hold >= 0) {
            call.waitSeconds = hold;
            if (call.queuedAt != null) {
                s.clock.atLeast(call.queuedAt.toEpochMilli() + hold * 1000);
            }
        }
    }

    void agentCalled(AmiMessage m) {
        Channel ch = s.channel(m.get("Uniqueid"));
        String iface = m.get("Interface");
        if (ch == null || iface == null) {
            return;
        }
        Call call = ch.call;
        Agent agent = implicitMember(m.get("Queue"), iface, m.get("MemberName"));
        String destId = m.get("DestUniqueid");
        if (destId != null) {
            call.ringing.put(destId, iface);
            call.ringStartedAt.put(destId, s.clock.millis());
        }
        if (!call.connected()) {
            call.state = CallState.RINGING;
            call.agentIface = iface;
            call.agentName = agent.memberName;
        }
        s.touch(call);
        agent.ringingCall = call;
        s.emit(new CallOffered(s.pbx, s.clock.instant(), s.callView(call), iface, agent.memberName));
        s.refreshAgent(agent);
    }

    void agentRingEnded(AmiMessage m) {
        Channel ch = s.channel(m.get("Uniqueid"));
        if (ch == null) {
            return;
        }
        String destId = m.get("DestUniqueid");
        Long ringStart = destId == null ? null : ch.call.ringStartedAt.remove(destId);
        long ringTime = Headers.parseLong(m.get("RingTime"), -1);
        if (ringStart != null && ringTime > 0) {
            s.clock.atLeast(ringStart + ringTime);
        }
        String iface = destId == null ? null : ch.call.ringing.remove(destId);
        if (iface == null) {
            iface = m.get("Interface");
            ch.call.ringing.values().remove(iface);
        }
        if (iface != null) {
            stopRinging(ch.call, iface);
        }
    }

    void agentConnect(AmiMessage m) {
        Channel ch = s.channel(m.get("Uniqueid"));
        String iface = m.get("Interface");
        if (ch == null || iface == null) {
            return;
        }
        Call call = ch.call;
        Agent agent = implicitMember(m.get("Queue"), iface, m.get("MemberName"));
        Instant now = s.clock.instant();
        long hold = Headers.parseLong(m.get("HoldTime"), -1);
        if (hold >= 0 && call.queuedAt != null) {
            s.clock.atLeast(call.queuedAt.toEpochMilli() + hold * 1000);
            now = s.clock.instant();
        }
        if (call.answeredAt == null) {
            call.answeredAt = now;
            if (hold >= 0) {
                call.waitSeconds = hold;
            }
        }
        call.segmentAnsweredAt = now;
        call.answeredSinceAgentEnd = true;
        call.firstHangup = null;
        call.state = CallState.CONNECTED;
        call.agentIface = iface;
        call.agentName = agent.memberName;
        call.timeline.segmentStarted(iface, agent.memberName, m.get("Queue"), now);
        for (String ringingIface : List.copyOf(call.ringing.values())) {
            Agent other = s.agents.get(ringingIface);
            if (other != null && other != agent && other.ringingCall == call) {
                other.ringingCall = null;
                s.refreshAgent(other);
            }
        }
        call.ringing.clear();
        s.addParty(call, ch, Party.Role.CALLER, null, null);
        Channel dest = s.channel(m.get("DestUniqueid"));
        if (dest != null) {
            String number = dest.localExten();
            s.addParty(call, dest, Party.Role.AGENT, iface, agent.memberName, number != null ? number : dest.callerNum);
        }
        s.touch(call);
        agent.ringingCall = null;
        agent.call = call;
        s.emit(new CallAnswered(s.pbx, now, s.callView(call)));
        s.refreshAgent(agent);
    }

    void agentComplete(AmiMessage m) {
        String iface = m.get("Interface");
        if (iface == null) {
            return;
        }
        // The caller's fields are missing when the caller's channel is already gone (R3: the customer hung up in a
        // conference): the agent's channel (DestUniqueid) or the agent's call still names the call.
        Channel ch = s.channel(m.get("Uniqueid"));
        if (ch == null) {
            ch = s.channel(m.get("DestUniqueid"));
        }
        Agent known = s.agents.get(iface);
        Call call = ch != null ? ch.call : known != null ? known.call : null;
        if (call == null || !s.calls.containsKey(call.id)) {
            return;
        }
        long hold = Headers.parseLong(m.get("HoldTime"), -1);
        if (call.waitSeconds < 0 && hold >= 0 && call.queue != null) {
            // No AgentConnect before it (the session opened while they talked): the wait is known only now.
            call.waitSeconds = hold;
        }
        long talk = Headers.parseLong(m.get("TalkTime"), -1);
        if (talk >= 0) {
            call.talkSeconds = Math.max(call.talkSeconds, 0) + talk;
            call.timeline.agentCompleted(iface, talk, s.clock.millis());
            if (call.segmentAnsweredAt != null) {
                s.clock.atLeast(call.segmentAnsweredAt.toEpochMilli() + talk * 1000);
            }
        }
        // An AgentComplete about an earlier agent, once the call is with another one, does not say how it ended;
        // nor does app_queue's "caller" after the agent transferred the caller away (a Redirect).
        boolean current = iface.equals(call.agentIface) || !call.timeline.hasOpenSegment();
        boolean transferredAway = "transfer".equals(call.agentEndReason) && !call.answeredSinceAgentEnd;
        if (current && !transferredAway) {
            call.agentEndReason = m.get("Reason");
            call.answeredSinceAgentEnd = false;
        }
        Agent agent = known;
        if (agent != null && (agent.call == call || agent.call == null)) {
            agent.call = null;
            int wrapUp = 0;
            for (QueueMember member : agent.memberships) {
                if (member.queue.equals(m.get("Queue"))) {
                    wrapUp = member.wrapUpSeconds;
                }
            }
            if (wrapUp > 0) {
                agent.wrapUpUntil = s.clock.millis() + wrapUp * 1000L;
                s.nextWrapUpEnd = Math.min(s.nextWrapUpEnd, agent.wrapUpUntil);
            }
            s.refreshAgent(agent);
        }
        s.touch(call);
    }

    void endWrapUps() {
        long now = s.clock.millis();
        long next = Long.MAX_VALUE;
        for (Agent agent : s.agents.values()) {
            if (agent.wrapUpUntil > 0 && agent.wrapUpUntil <= now) {
                agent.wrapUpUntil = 0;
                s.refreshAgent(agent);
            } else if (agent.wrapUpUntil > now) {
                next = Math.min(next, agent.wrapUpUntil);
            }
        }
        s.nextWrapUpEnd = next;
    }

    /** AgentCalled or AgentConnect from a member we never heard of (a stream joined midway): learn it. */
    private Agent implicitMember(String queueName, String iface, String memberName) {
        Agent agent = s.agent(iface);
        if (memberName != null && !memberName.isEmpty()) {
            agent.memberName = memberName;
        }
        if (queueName != null) {
            QueueState q = s.queue(queueName);
            if (!q.members.containsKey(iface)) {
                QueueMember member = new QueueMember(queueName, iface);
                member.memberName = agent.memberName;
                member.status = 1;
                q.members.put(iface, member);
                agent.memberships.add(member);
                s.viewCache.queueChanged(q);
                s.queuesDirty = true;
            }
        }
        return agent;
    }

    void memberUpdate(AmiMessage m) {
        String queueName = m.get("Queue");
        String iface = m.get("Interface");
        if (iface == null) {
            iface = m.get("Location");
        }
        s.resyncWindow.memberChanged(queueName, iface);
        if (queueName == null || iface == null) {
            return;
        }
        String name = m.get("MemberName");
        if (name == null) {
            name = m.get("Name");
        }
        if (applyMember(queueName, iface, name, m)) {
            s.emitQueue(s.queues.get(queueName));
        }
        String lastCall = m.get("LastCall");
        if (lastCall != null && "QueueMemberStatus".equals(m.eventName())) {
            s.clock.atLeast(Headers.parseLong(lastCall, 0) * 1000);
        }
    }

    /** Applies one member report; true when the member's view changed. */
    boolean applyMember(String queueName, String iface, String name, AmiMessage m) {
        QueueState q = s.queue(queueName);
        QueueMember member = q.members.get(iface);
        Agent agent = s.agent(iface);
        QueueMemberView before = null;
        if (member == null) {
            member = new QueueMember(queueName, iface);
            q.members.put(iface, member);
            agent.memberships.add(member);
        } else {
            before = member.view();
        }
        if (name != null && !name.isEmpty()) {
            member.memberName = name;
            agent.memberName = name;
        }
        member.penalty = Headers.parseInt(m.get("Penalty"), member.penalty);
        String paused = m.get("Paused");
        if (paused != null) {
            member.paused = "1".equals(paused) || "true".equalsIgnoreCase(paused);
            String reason = m.get("PausedReason", "");
            member.pausedReason = member.paused && !reason.isEmpty() ? reason : null;
        }
        member.status = Headers.parseInt(m.get("Status"), member.status);
        String inCall = m.get("InCall");
        if (inCall != null) {
            member.inCall = "1".equals(inCall);
        }
        member.callsTaken = Headers.parseInt(m.get("CallsTaken"), member.callsTaken);
        member.wrapUpSeconds = Headers.parseInt(m.get("Wrapuptime"), member.wrapUpSeconds);
        boolean changed = !member.view().equals(before);
        if (changed) {
            s.viewCache.queueChanged(q);
            s.queuesDirty = true;
        }
        s.refreshAgent(agent);
        return changed;
    }

    void memberRemoved(AmiMessage m) {
        QueueState q = s.queues.get(m.get("Queue", ""));
        String iface = m.get("Interface");
        s.resyncWindow.memberChanged(m.get("Queue"), iface);
        QueueMember member = q == null || iface == null ? null : q.members.remove(iface);
        if (member == null) {
            return;
        }
        removeMembership(q, member);
        s.emitQueue(q);
    }

    void removeMembership(QueueState q, QueueMember member) {
        Agent agent = s.agents.get(member.iface);
        if (agent != null) {
            agent.memberships.remove(member);
            s.refreshAgent(agent);
        }
        s.viewCache.queueChanged(q);
        s.queuesDirty = true;
    }

    void queueParams(AmiMessage m) {
        String name = m.get("Queue");
        if (name == null) {
            return;
        }
        QueueState q = s.queue(name);
        String strategy = m.get("Strategy");
        if (strategy != null && !strategy.equals(q.strategy)) {
            q.strategy = strategy;
            s.viewCache.queueChanged(q);
            s.queuesDirty = true;
        }
    }
}
