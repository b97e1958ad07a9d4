package io.ctiserver.tracker;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallState;
import io.ctiserver.events.Party;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a {@link PbxSnapshot} to the tracker's state after a disconnect or restart: Asterisk does not replay the
 * events we missed, so what it reports now is the truth. Runs on the tracker thread, called by
 * {@link Tracker#applySnapshot}.
 */
final class Reconciler {

    record Result(int callsEnded, int callsAdded, int membersChanged) {
    }

    private final TrackerState s;
    private final ChannelEvents channelEvents;
    private final QueueEvents queueEvents;
    private final CallEnd callEnd;

    Reconciler(TrackerState state, ChannelEvents channelEvents, QueueEvents queueEvents, CallEnd callEnd) {
        this.s = state;
        this.channelEvents = channelEvents;
        this.queueEvents = queueEvents;
        this.callEnd = callEnd;
    }

    Result apply(PbxSnapshot snap) {
        Set<String> callsBefore = new HashSet<>(s.calls.keySet());
        reconcileChannels(snap.coreShowChannels().events());
        int ended = 0;
        for (Call call : List.copyOf(s.calls.values())) {
            if (call.liveChannels <= 0) {
                callEnd.endCall(call, CallEnd.LOST_REASON);
                ended++;
            }
        }
        int membersChanged = snap.queueStatus() == null || !snap.queueStatus().isSuccess() ? 0
                : reconcileQueues(snap.queueStatus().events());
        int added = 0;
        for (Call call : List.copyOf(s.calls.values())) {
            boolean isNew = !callsBefore.contains(call.id);
            if (isNew) {
                added++;
                settleNewCall(call);
            } else if (call.answeredAt == null && bridgedTogether(call)) {
                // Answered while we were away.
                answer(call, agentOn(call), agentChannel(call));
            }
        }
        releaseAgentsWithoutLegs();
        return new Result(ended, added, membersChanged);
    }

    private void reconcileChannels(List<AmiMessage> events) {
        Map<String, AmiMessage> live = new LinkedHashMap<>();
        for (AmiMessage m : events) {
            String uid = m.get("Uniqueid");
            if ("CoreShowChannel".equals(m.eventName()) && uid != null) {
                live.put(uid, m);
            }
        }
        ResyncWindow w = s.resyncWindow;
        for (Channel ch : List.copyOf(s.channels.values())) {
            if (!live.containsKey(ch.uniqueid) && !w.wasBorn(ch.uniqueid)) {
                channelEvents.removeChannel(ch);
            }
        }
        for (AmiMessage m : live.values()) {
            Channel ch = s.channels.get(m.get("Uniqueid"));
            if (ch == null) {
                if (w.wasGone(m.get("Uniqueid"))) {
                    continue; // hung up after Asterisk listed it
                }
                s.clock.atLeastUniqueid(m.get("Uniqueid"));
                ch = channelEvents.addChannel(m.get("Uniqueid"), m.get("Linkedid"), m.get("Channel"), m);
            } else if (w.wasTouched(ch.uniqueid)) {
                continue; // events since the list moved it: they are newer than the list
            }
            moveToBridge(ch, m.get("BridgeId"));
        }
        // CoreShowChannels lists ;2 before ;1 at times: pair Local halves once all are known.
        Map<String, Channel> byName = new java.util.HashMap<>();
        for (Channel ch : s.channels.values()) {
            byName.put(ch.name, ch);
        }
        for (Channel ch : s.channels.values()) {
            if (ch.local && ch.localPeer == null && ch.name.endsWith(";1")) {
                Channel two = byName.get(ch.name.substring(0, ch.name.length() - 1) + "2");
                if (two != null) {
                    ch.localPeer = two;
                    two.localPeer = ch;
                }
            }
        }
        s.bridges.values().removeIf(b -> b.channels.isEmpty());
    }

    private int reconcileQueues(List<AmiMessage> events) {
        Map<String, Set<String>> reportedMembers = new LinkedHashMap<>();
        Map<String, List<AmiMessage>> reportedEntries = new LinkedHashMap<>();
        int changed = 0;
        for (AmiMessage m : events) {
            String event = m.eventName();
            String queue = m.get("Queue");
            if (event == null || queue == null) {
                continue;
            }
            switch (event) {
                case "QueueParams" -> {
                    QueueState q = s.queue(queue);
                    q.strategy = m.get("Strategy", q.strategy);
                    reportedMembers.computeIfAbsent(queue, k -> new HashSet<>());
                    reportedEntries.computeIfAbsent(queue, k -> new ArrayList<>());
                }
                case "QueueMember" -> {
                    String iface = m.get("Location", m.get("Interface"));
                    if (iface != null) {
                        reportedMembers.computeIfAbsent(queue, k -> new HashSet<>()).add(iface);
                        if (s.resyncWindow.hasMemberChanged(queue, iface)) {
                            continue; // a member event since the list is newer than it
                        }
                        if (queueEvents.applyMember(queue, iface, m.get("Name", m.get("MemberName")), m)) {
                            changed++;
                        }
                    }
                }
                case "QueueEntry" -> reportedEntries.computeIfAbsent(queue, k -> new ArrayList<>()).add(m);
                default -> {
                }
            }
        }
        for (Map.Entry<String, Set<String>> e : reportedMembers.entrySet()) {
            QueueState q = s.queue(e.getKey());
            for (QueueMember member : List.copyOf(q.members.values())) {
                if (!e.getValue().contains(member.iface)
                        && !s.resyncWindow.hasMemberChanged(e.getKey(), member.iface)) {
                    removeMember(q, member);
                    changed++;
                }
            }
        }
        for (Map.Entry<String, List<AmiMessage>> e : reportedEntries.entrySet()) {
            QueueState q = s.queue(e.getKey());
            List<QueueState.Entry> old = new ArrayList<>(q.entries);
            q.entries.clear();
            List<AmiMessage> reported = new ArrayList<>(e.getValue());
            reported.sort((a, b) -> Integer.compare(Headers.parseInt(a.get("Position"), 0),
                    Headers.parseInt(b.get("Position"), 0)));
            for (AmiMessage m : reported) {
                Channel ch = s.channels.get(m.get("Uniqueid", ""));
                if (ch == null || s.resyncWindow.hasLeftQueue(ch.uniqueid)) {
                    continue; // gone, or left the queue after Asterisk listed it
                }
                Call call = ch.call;
                Instant joined = null;
                for (QueueState.Entry o : old) {
                    if (o.call == call) {
                        joined = o.joinedAt;
                    }
                }
                if (joined == null) {
                    long wait = Headers.parseLong(m.get("Wait"), 0);
                    joined = Instant.ofEpochMilli(s.clock.millis() - wait * 1000);
                    call.queue = e.getKey();
                    call.queuedAt = joined;
                    call.callerChannel = ch;
                    call.callerNum = ch.callerNum;
                    call.callerName = ch.callerName;
                    call.state = CallState.QUEUED;
                }
                enqueue(q, call, joined);
            }
            for (QueueState.Entry o : old) {
                // Joined after Asterisk listed the queue, and still there: keep its place at the end.
                Channel caller = o.call.callerChannel;
                if (caller != null && s.resyncWindow.hasJoinedQueue(caller.uniqueid, true)
                        && q.entries.stream().noneMatch(x -> x.call == o.call) && s.calls.containsKey(o.call.id)) {
                    enqueue(q, o.call, o.joinedAt);
                }
            }
            for (QueueState.Entry o : old) {
                if (!q.entries.contains(o) && q.entries.stream().noneMatch(x -> x.call == o.call)
                        && o.call.state == CallState.QUEUED) {
                    o.call.state = CallState.DIALPLAN;
                }
            }
            queueChanged(q);
        }
        return changed;
    }

    private void settleNewCall(Call call) {
        if (call.state == CallState.QUEUED) {
            offer(call);
        } else if (bridgedTogether(call)) {
            answer(call, agentOn(call), agentChannel(call));
        }
    }

    private boolean bridgedTogether(Call call) {
        for (Bridge b : s.bridges.values()) {
            int n = 0;
            for (Channel c : b.channels) {
                if (c.call == call) {
                    n++;
                }
            }
            if (n >= 2) {
                return true;
            }
        }
        return false;
    }

    private Channel agentChannel(Call call) {
        for (Channel c : s.channels.values()) {
            if (c.call == call && c.bridge != null && s.agentsByDevice.get(c.device) != null && !call.isCallerSide(c)) {
                return c;
            }
        }
        return null;
    }

    private Agent agentOn(Call call) {
        Channel c = agentChannel(call);
        return c == null ? null : s.agentsByDevice.get(c.device);
    }

    private void releaseAgentsWithoutLegs() {
        for (Agent agent : s.agents.values()) {
            boolean changed = false;
            if (agent.call != null && !hasLeg(agent, agent.call)) {
                agent.call = null;
                changed = true;
            }
            if (agent.ringingCall != null && !hasLeg(agent, agent.ringingCall)) {
                agent.ringingCall = null;
                changed = true;
            }
            if (changed || agent.view == null) {
                s.refreshAgent(agent);
            }
        }
    }

    private boolean hasLeg(Agent agent, Call call) {
        if (!s.calls.containsKey(call.id)) {
            return false;
        }
        for (Channel c : s.channels.values()) {
            if (c.call == call && c.device.equals(agent.device)) {
                return true;
            }
        }
        return false;
    }

    private void moveToBridge(Channel ch, String bridgeId) {
        if (ch.bridge != null && ch.bridge.id.equals(bridgeId)) {
            return;
        }
        if (ch.bridge != null) {
            ch.bridge.channels.remove(ch);
            ch.bridge = null;
        }
        if (bridgeId != null && !bridgeId.isEmpty()) {
            Bridge b = s.bridges.computeIfAbsent(bridgeId, Bridge::new);
            b.channels.add(ch);
            ch.bridge = b;
        }
    }

    private void removeMember(QueueState q, QueueMember member) {
        q.members.remove(member.iface);
        queueEvents.removeMembership(q, member);
    }

    private void enqueue(QueueState q, Call call, Instant joinedAt) {
        q.entries.add(new QueueState.Entry(call, joinedAt));
        s.viewCache.queueChanged(q);
        s.queuesDirty = true;
    }

    private void queueChanged(QueueState q) {
        s.viewCache.queueChanged(q);
        s.queuesDirty = true;
        s.emitQueue(q);
    }

    private void offer(Call call) {
        s.addParty(call, call.callerChannel, Party.Role.CALLER, null, null);
        s.touch(call);
        s.emit(new CallOffered(s.pbx, s.clock.instant(), s.callView(call), null, null));
    }

    /** A call found connected (or answered while we were away): its answer time is the resync time. */
    private void answer(Call call, Agent agent, Channel agentChannel) {
        call.state = CallState.CONNECTED;
        call.answeredAt = s.clock.instant();
        call.segmentAnsweredAt = call.answeredAt;
        call.answeredSinceAgentEnd = true;
        s.addParty(call, call.callerChannel, Party.Role.CALLER, null, null);
        if (agent != null) {
            call.agentIface = agent.iface;
            call.agentName = agent.memberName;
            s.addParty(call, agentChannel, Party.Role.AGENT, agent.iface, agent.memberName);
            agent.call = call;
            agent.ringingCall = null;
            s.refreshAgent(agent);
        }
        s.touch(call);
        s.emit(new CallAnswered(s.pbx, s.clock.instant(), s.callView(call)));
    }
}
