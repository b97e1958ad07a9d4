package io.ctiserver.tracker;

import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.CtiEventListener;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.Party;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.QueueMemberView;
import io.ctiserver.events.QueueUpdated;
import io.ctiserver.events.QueueView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mutable state of one PBX, owned by its tracker's single writer, and the helpers every event handler shares:
 * lookups, emission, cached views and the publication of immutable snapshots for other threads.
 */
final class TrackerState {

    private static final Logger log = LoggerFactory.getLogger(Tracker.class);

    final String pbx;
    final TrackerOptions options;
    final TrackerClock clock = new TrackerClock();
    final List<CtiEventListener> listeners = new CopyOnWriteArrayList<>();

    final Map<String, Channel> channels = new HashMap<>();
    final Map<String, Channel> channelsByName = new HashMap<>();
    final Map<String, Bridge> bridges = new HashMap<>();
    final Map<String, Call> calls = new LinkedHashMap<>();
    final Map<String, QueueState> queues = new LinkedHashMap<>();
    final Map<String, Agent> agents = new LinkedHashMap<>();
    final Map<String, Agent> agentsByDevice = new HashMap<>();
    /** LocalOptimizationBegin: Local ;1 Uniqueid to the channel that will replace the pair. */
    final Map<String, String> optimizingSources = new HashMap<>();

    final CallViewCache viewCache = new CallViewCache();
    final ResyncWindow resyncWindow = new ResyncWindow();
    boolean callsDirty;
    boolean agentsDirty;
    boolean queuesDirty;
    long nextWrapUpEnd = Long.MAX_VALUE;
    private volatile StateSnapshot snapshot = StateSnapshot.EMPTY;
    final CtiStateView view = StateSnapshot.viewOf(() -> snapshot);

    TrackerState(String pbx, TrackerOptions options) {
        this.pbx = pbx;
        this.options = options;
    }

    Channel channel(String uniqueid) {
        return uniqueid == null ? null : channels.get(uniqueid);
    }

    QueueState queue(String name) {
        QueueState q = queues.get(name);
        if (q == null) {
            q = new QueueState(name);
            queues.put(name, q);
            queuesDirty = true;
        }
        return q;
    }

    Agent agent(String iface) {
        Agent agent = agents.get(iface);
        if (agent == null) {
            agent = new Agent(iface);
            agents.put(iface, agent);
            agentsByDevice.put(agent.device, agent);
        }
        return agent;
    }

    void touch(Call call) {
        viewCache.remove(call);
        callsDirty = true;
    }

    CallView callView(Call call) {
        return viewCache.call(call, this);
    }

    /**
     * The caller's number as the record and views show it. Click-to-dial sets the agent's channel's caller ID to the
     * number dialled (so that the phone shows whom it calls): in the agent's own call that is not the caller, the
     * agent is, known by the device's name ({@code agent1} of {@code PJSIP/agent1}, {@code 201} of a Local agent).
     */
    String callerNumber(Call call) {
        if (call.ownerIface != null && call.callerNum != null && call.callerNum.equals(call.dialed)) {
            Agent owner = agents.get(call.ownerIface);
            String device = owner == null ? call.ownerIface : owner.device;
            int slash = device.indexOf('/');
            int at = device.indexOf('@');
            return device.substring(slash + 1, at > slash ? at : device.length());
        }
        return call.callerNum;
    }

    String callerName(Call call) {
        if (call.ownerIface != null && call.callerNum != null && call.callerNum.equals(call.dialed)) {
            Agent owner = agents.get(call.ownerIface);
            return owner == null ? null : owner.memberName;
        }
        return call.callerName;
    }

    CallView buildView(Call call) {
        return new CallView(call.id, pbx, call.linkedId, direction(call), call.state, callerNumber(call), callerName(call),
                call.dialed, call.queue, call.agentIface, call.agentName, call.startedAt, call.queuedAt,
                call.answeredAt, call.recording, new ArrayList<>(call.parties.values()), call.data);
    }

    void refreshAgent(Agent agent) {
        String wrapUpReason = options.wrapUpReason();
        AgentState state = agent.derive(clock.millis(), wrapUpReason);
        String reason = null;
        if (state == AgentState.PAUSED) {
            QueueMember pausedMember = agent.pausedMembership(wrapUpReason);
            reason = pausedMember == null ? null : pausedMember.pausedReason;
        } else if (state == AgentState.WRAP_UP && agent.inWrapUpPause(wrapUpReason)) {
            reason = wrapUpReason; // a wrap-up kept as a pause, which wrapup.end ends; Asterisk's wrapuptime has none
        }
        Call call = agent.call != null ? agent.call : agent.ringingCall;
        String callId = call == null ? null : call.id;
        List<String> queueNames = new ArrayList<>(agent.memberships.size());
        for (QueueMember m : agent.memberships) {
            queueNames.add(m.queue);
        }
        AgentView old = agent.view;
        if (old != null && old.state() == state && Objects.equals(old.pausedReason(), reason)
                && Objects.equals(old.callId(), callId) && old.queues().equals(queueNames)
                && Objects.equals(old.memberName(), agent.memberName)) {
            return;
        }
        Instant since = old != null && old.state() == state ? old.since() : clock.instant();
        agent.view = new AgentView(pbx, agent.iface, agent.memberName, state, reason, queueNames, callId, since);
        agentsDirty = true;
        emit(new AgentStateChanged(pbx, clock.instant(), agent.view, old == null ? AgentState.LOGGED_OUT : old.state()));
    }

    void emitQueue(QueueState q) {
        emit(new QueueUpdated(pbx, clock.instant(), viewCache.queue(q, this)));
    }

    QueueView buildQueueView(QueueState q) {
        List<QueueEntryView> entries = new ArrayList<>(q.entries.size());
        for (int i = 0; i < q.entries.size(); i++) {
            QueueState.Entry e = q.entries.get(i);
            entries.add(new QueueEntryView(e.call.id, i + 1, e.call.callerNum, e.joinedAt));
        }
        List<QueueMemberView> members = new ArrayList<>(q.members.size());
        for (QueueMember m : q.members.values()) {
            members.add(m.view());
        }
        return new QueueView(pbx, q.name, q.strategy, entries, members);
    }

    void emit(CtiEvent event) {
        for (CtiEventListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("pbx {}: listener failed on {}: {}", pbx, event.type(), e.toString());
            }
        }
    }

    void publishIfChanged() {
        if (!callsDirty && !agentsDirty && !queuesDirty) {
            return;
        }
        StateSnapshot old = snapshot;
        Map<String, CallView> byId = old.callsById();
        List<CallView> callList = old.calls();
        if (callsDirty) {
            Map<String, CallView> m = new LinkedHashMap<>(calls.size() * 2);
            for (Call c : calls.values()) {
                // A supervisor's ChanSpy leg is part of the spied call (a party), not a call of its own.
                if (!c.monitorLeg) {
                    m.put(c.id, callView(c));
                }
            }
            byId = Collections.unmodifiableMap(m);
            callList = List.copyOf(m.values());
        }
        List<AgentView> agentList = old.agents();
        if (agentsDirty) {
            List<AgentView> a = new ArrayList<>(agents.size());
            for (Agent agent : agents.values()) {
                if (agent.view != null) {
                    a.add(agent.view);
                }
            }
            agentList = List.copyOf(a);
        }
        List<QueueView> queueList = old.queues();
        if (queuesDirty) {
            List<QueueView> qs = new ArrayList<>(queues.size());
            for (QueueState q : queues.values()) {
                qs.add(viewCache.queue(q, this));
            }
            queueList = List.copyOf(qs);
        }
        callsDirty = agentsDirty = queuesDirty = false;
        snapshot = new StateSnapshot(byId, callList, agentList, queueList);
    }

    CallDirection direction(Call call) {
        if (call.queue != null || (call.firstContext != null && options.inboundContexts().contains(call.firstContext))) {
            return CallDirection.INBOUND;
        }
        String dialed = call.dialed;
        int digits = 0;
        if (dialed != null) {
            for (int i = 0; i < dialed.length(); i++) {
                if (Character.isDigit(dialed.charAt(i))) {
                    digits++;
                }
            }
        }
        return digits > options.internalMaxDigits() ? CallDirection.OUTBOUND : CallDirection.INTERNAL;
    }

    boolean setCallerId(Call call, Channel ch) {
        boolean changed = false;
        if (ch.callerNum != null && !ch.callerNum.equals(call.callerNum)) {
            call.callerNum = ch.callerNum;
            changed = true;
        }
        if (ch.callerName != null && !ch.callerName.equals(call.callerName)) {
            call.callerName = ch.callerName;
            changed = true;
        }
        return changed;
    }

    /** Whether a channel of the caller's side other than {@code gone} is still live (a Local pair's other half). */
    boolean callerSideStillLive(Call call, Channel gone) {
        Channel caller = call.callerChannel;
        return caller != null && caller != gone && channels.containsKey(caller.uniqueid);
    }

    /** The agent whose device this channel is on, or null. */
    Agent agentOf(Channel ch) {
        return ch == null ? null : agentsByDevice.get(ch.device);
    }

    /** Who a channel is, for the record: the agent's interface, else the channel name. */
    String who(Channel ch) {
        Agent agent = agentOf(ch);
        return agent != null ? agent.iface : ch == null ? null : ch.name;
    }

    /**
     * Folds another call into this one: its channels become this call's (a conference dial-out, the leg that picks
     * up a parked call). The other call leaves no record of its own.
     */
    void merge(Call into, Call other) {
        if (into == other) {
            return;
        }
        for (Channel c : channels.values()) {
            if (c.call == other) {
                c.call = into;
                into.liveChannels++;
                other.liveChannels--;
            }
        }
        into.ringing.putAll(other.ringing);
        into.ringStartedAt.putAll(other.ringStartedAt);
        for (Map.Entry<String, String> e : other.data.entrySet()) {
            into.data.putIfAbsent(e.getKey(), e.getValue());
        }
        for (Agent agent : agents.values()) {
            boolean changed = agent.call == other || agent.ringingCall == other;
            agent.call = agent.call == other ? into : agent.call;
            agent.ringingCall = agent.ringingCall == other ? into : agent.ringingCall;
            if (changed) {
                refreshAgent(agent);
            }
        }
        calls.remove(other.id);
        viewCache.remove(other);
        callsDirty = true;
        touch(into);
    }

    void addParty(Call call, Channel ch, Party.Role role, String iface, String name) {
        addParty(call, ch, role, iface, name, ch == null ? null : ch.callerNum);
    }

    void addParty(Call call, Channel ch, Party.Role role, String iface, String name, String number) {
        if (ch == null) {
            return;
        }
        Party existing = call.parties.get(ch.uniqueid);
        if (existing != null && existing.role() == role) {
            return;
        }
        String display = name != null ? name : ch.callerName;
        call.parties.put(ch.uniqueid, new Party(role, ch.name, ch.uniqueid, iface, display, number));
        touch(call);
    }
}
