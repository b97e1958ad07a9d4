package io.ctiserver.tracker;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallState;
import io.ctiserver.events.Party;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
    /**
     * The live channels of each call, in the order of {@code s.channels}, indexed once the channels are reconciled:
     * the lookups per call and per agent below would otherwise scan every channel (quadratic at thousands of calls).
     */
    private final Map<Call, List<Channel>> channelsByCall = new HashMap<>();
    /** This snapshot's CoreShowChannel per Uniqueid: Application, ApplicationData and Duration of calls found. */
    private final Map<String, AmiMessage> live = new LinkedHashMap<>();

    Reconciler(TrackerState state, ChannelEvents channelEvents, QueueEvents queueEvents, CallEnd callEnd) {
        this.s = state;
        this.channelEvents = channelEvents;
        this.queueEvents = queueEvents;
        this.callEnd = callEnd;
    }

    Result apply(PbxSnapshot snap) {
        Set<String> callsBefore = new HashSet<>(s.calls.keySet());
        reconcileChannels(snap.coreShowChannels().events());
        indexChannelsByCall(); // the channels do not change any more in this resync
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
                Instant created = ago(m);
                if (created != null && ch.call.answeredAt == null && created.isBefore(ch.call.startedAt)) {
                    // A call found in the middle: it began when its oldest channel did.
                    ch.call.startedAt = created;
                }
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
            Map<Call, Instant> joinedBefore = new HashMap<>();
            for (QueueState.Entry o : old) {
                joinedBefore.put(o.call, o.joinedAt);
            }
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
                Instant joined = joinedBefore.get(call);
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
            // Entries are new objects after the refill: whether a caller is still waiting is asked of its call.
            Set<Call> stillWaiting = new HashSet<>();
            for (QueueState.Entry n : q.entries) {
                stillWaiting.add(n.call);
            }
            for (QueueState.Entry o : old) {
                // Joined after Asterisk listed the queue, and still there: keep its place at the end.
                Channel caller = o.call.callerChannel;
                if (caller != null && s.resyncWindow.hasJoinedQueue(caller.uniqueid, true)
                        && !stillWaiting.contains(o.call) && s.calls.containsKey(o.call.id)) {
                    enqueue(q, o.call, o.joinedAt);
                    stillWaiting.add(o.call);
                }
            }
            for (QueueState.Entry o : old) {
                if (!stillWaiting.contains(o.call) && o.call.state == CallState.QUEUED) {
                    o.call.state = CallState.DIALPLAN;
                    s.touch(o.call);
                }
            }
            queueChanged(q);
        }
        return changed;
    }

    private void indexChannelsByCall() {
        channelsByCall.clear();
        for (Channel c : s.channels.values()) {
            channelsByCall.computeIfAbsent(c.call, k -> new ArrayList<>(4)).add(c);
        }
    }

    private List<Channel> channelsOf(Call call) {
        return channelsByCall.getOrDefault(call, List.of());
    }

    private void settleNewCall(Call call) {
        findQueueCaller(call);
        if (call.state == CallState.QUEUED) {
            offer(call);
        } else if (bridgedTogether(call)) {
            answer(call, agentOn(call), agentChannel(call));
        }
    }

    /**
     * A caller already connected when we came is no longer in QueueStatus, but its channel still runs Queue(): that
     * names the queue and the caller (capture 05's CoreShowChannel: Application Queue, ApplicationData support,...).
     */
    private void findQueueCaller(Call call) {
        if (call.queue != null) {
            return;
        }
        for (Channel c : channelsOf(call)) {
            AmiMessage m = live.get(c.uniqueid);
            if (m != null && "Queue".equalsIgnoreCase(m.get("Application"))) {
                String data = m.get("ApplicationData", "");
                int comma = data.indexOf(',');
                String queue = comma < 0 ? data : data.substring(0, comma);
                if (!queue.isEmpty()) {
                    call.queue = queue;
                    call.callerChannel = c;
                    s.setCallerId(call, c);
                    s.queue(queue);
                }
                return;
            }
        }
    }

    /** Now minus a CoreShowChannel's Duration ({@code 00:01:05}); null if it has none. */
    private Instant ago(AmiMessage m) {
        String d = m == null ? null : m.get("Duration");
        if (d == null || d.isEmpty()) {
            return null;
        }
        long secs = 0;
        for (String part : d.split(":")) {
            long v = Headers.parseLong(part, -1);
            if (v < 0) {
                return null;
            }
            secs = secs * 60 + v;
        }
        return Instant.ofEpochMilli(s.clock.millis() - secs * 1000);
    }

    /** Two channels of the call in one bridge (only the bridges the call's channels are in can hold two). */
    private boolean bridgedTogether(Call call) {
        for (Channel ch : channelsOf(call)) {
            if (ch.bridge == null) {
                continue;
            }
            int n = 0;
            for (Channel c : ch.bridge.channels) {
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
        for (Channel c : channelsOf(call)) {
            if (c.bridge != null && s.agentsByDevice.get(c.device) != null && !call.isCallerSide(c)) {
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
        for (Channel c : channelsOf(call)) {
            if (c.device.equals(agent.device)) {
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

    /**
     * A call found connected (or answered while we were away): it was answered no later than the agent's leg was
     * created (CoreShowChannel's Duration of that leg), else at the resync. app_queue's AgentComplete later gives the
     * exact wait and talk.
     */
    private void answer(Call call, Agent agent, Channel agentChannel) {
        Instant legCreated = agentChannel == null ? null : ago(live.get(agentChannel.uniqueid));
        Instant answered = legCreated != null && !legCreated.isBefore(call.startedAt) ? legCreated : s.clock.instant();
        call.state = CallState.CONNECTED;
        call.answeredAt = answered;
        call.segmentAnsweredAt = call.answeredAt;
        call.answeredSinceAgentEnd = true;
        s.addParty(call, call.callerChannel, Party.Role.CALLER, null, null);
        if (agent != null) {
            call.agentIface = agent.iface;
            call.agentName = agent.memberName;
            call.timeline.segmentStarted(agent.iface, agent.memberName, call.queue, answered);
            s.addParty(call, agentChannel, Party.Role.AGENT, agent.iface, agent.memberName);
            agent.call = call;
            agent.ringingCall = null;
            s.refreshAgent(agent);
        }
        s.touch(call);
        s.emit(new CallAnswered(s.pbx, s.clock.instant(), s.callView(call)));
    }
}
