package io.ctiserver.tracker;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallState;
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

    private final Tracker t;

    Reconciler(Tracker tracker) {
        this.t = tracker;
    }

    Result apply(PbxSnapshot snap) {
        Set<String> callsBefore = new HashSet<>(t.calls().keySet());
        reconcileChannels(snap.coreShowChannels().events());
        int ended = 0;
        for (Call call : List.copyOf(t.calls().values())) {
            if (call.liveChannels <= 0) {
                t.endCall(call, Tracker.LOST_REASON);
                ended++;
            }
        }
        int membersChanged = snap.queueStatus() == null ? 0 : reconcileQueues(snap.queueStatus().events());
        int added = 0;
        for (Call call : List.copyOf(t.calls().values())) {
            boolean isNew = !callsBefore.contains(call.id);
            if (isNew) {
                added++;
                settleNewCall(call);
            } else if (call.answeredAt == null && bridgedTogether(call)) {
                // Answered while we were away.
                t.answerFromSnapshot(call, agentOn(call), agentChannel(call));
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
        for (Channel ch : List.copyOf(t.channels().values())) {
            if (!live.containsKey(ch.uniqueid)) {
                t.forgetChannel(ch);
            }
        }
        for (AmiMessage m : live.values()) {
            Channel ch = t.channels().get(m.get("Uniqueid"));
            if (ch == null) {
                t.clock().atLeastUniqueid(m.get("Uniqueid"));
                ch = t.addChannelFromSnapshot(m);
            }
            t.moveToBridge(ch, m.get("BridgeId"));
        }
        // CoreShowChannels lists ;2 before ;1 at times: pair Local halves once all are known.
        Map<String, Channel> byName = new java.util.HashMap<>();
        for (Channel ch : t.channels().values()) {
            byName.put(ch.name, ch);
        }
        for (Channel ch : t.channels().values()) {
            if (ch.local && ch.localPeer == null && ch.name.endsWith(";1")) {
                Channel two = byName.get(ch.name.substring(0, ch.name.length() - 1) + "2");
                if (two != null) {
                    ch.localPeer = two;
                    two.localPeer = ch;
                }
            }
        }
        t.dropEmptyBridges();
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
                    QueueState q = t.queueFor(queue);
                    q.strategy = m.get("Strategy", q.strategy);
                    reportedMembers.computeIfAbsent(queue, k -> new HashSet<>());
                    reportedEntries.computeIfAbsent(queue, k -> new ArrayList<>());
                }
                case "QueueMember" -> {
                    String iface = m.get("Location", m.get("Interface"));
                    if (iface != null) {
                        reportedMembers.computeIfAbsent(queue, k -> new HashSet<>()).add(iface);
                        if (t.applyMemberFromSnapshot(queue, iface, m.get("Name", m.get("MemberName")), m)) {
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
            QueueState q = t.queueFor(e.getKey());
            for (QueueMember member : List.copyOf(q.members.values())) {
                if (!e.getValue().contains(member.iface)) {
                    t.removeMemberFromSnapshot(q, member);
                    changed++;
                }
            }
        }
        for (Map.Entry<String, List<AmiMessage>> e : reportedEntries.entrySet()) {
            QueueState q = t.queueFor(e.getKey());
            List<QueueState.Entry> old = new ArrayList<>(q.entries);
            q.entries.clear();
            List<AmiMessage> reported = new ArrayList<>(e.getValue());
            reported.sort((a, b) -> Integer.compare(Tracker.parseInt(a.get("Position"), 0),
                    Tracker.parseInt(b.get("Position"), 0)));
            for (AmiMessage m : reported) {
                Channel ch = t.channels().get(m.get("Uniqueid", ""));
                if (ch == null) {
                    continue;
                }
                Call call = ch.call;
                Instant joined = null;
                for (QueueState.Entry o : old) {
                    if (o.call == call) {
                        joined = o.joinedAt;
                    }
                }
                if (joined == null) {
                    long wait = Tracker.parseLong(m.get("Wait"), 0);
                    joined = Instant.ofEpochMilli(t.clock().millis() - wait * 1000);
                    call.queue = e.getKey();
                    call.queuedAt = joined;
                    call.callerChannel = ch;
                    call.callerNum = ch.callerNum;
                    call.callerName = ch.callerName;
                    call.state = CallState.QUEUED;
                }
                t.enqueueFromSnapshot(q, call, joined);
            }
            for (QueueState.Entry o : old) {
                if (!q.entries.contains(o) && o.call.state == CallState.QUEUED) {
                    o.call.state = CallState.DIALPLAN;
                }
            }
            t.queueChanged(q);
        }
        return changed;
    }

    private void settleNewCall(Call call) {
        if (call.state == CallState.QUEUED) {
            t.offerFromSnapshot(call);
        } else if (bridgedTogether(call)) {
            t.answerFromSnapshot(call, agentOn(call), agentChannel(call));
        }
    }

    private boolean bridgedTogether(Call call) {
        for (Bridge b : t.bridges().values()) {
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
        for (Channel c : t.channels().values()) {
            if (c.call == call && c.bridge != null && t.agentByDevice(c.device) != null && !call.isCallerSide(c)) {
                return c;
            }
        }
        return null;
    }

    private Agent agentOn(Call call) {
        Channel c = agentChannel(call);
        return c == null ? null : t.agentByDevice(c.device);
    }

    private void releaseAgentsWithoutLegs() {
        for (Agent agent : t.agents().values()) {
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
                t.refresh(agent);
            }
        }
    }

    private boolean hasLeg(Agent agent, Call call) {
        if (!t.calls().containsKey(call.id)) {
            return false;
        }
        for (Channel c : t.channels().values()) {
            if (c.call == call && c.device.equals(agent.device)) {
                return true;
            }
        }
        return false;
    }
}
