package io.ctiserver.tracker;

import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.ami.AmiListener;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentStateChanged;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallConferenced;
import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallHeld;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.CallRetrieved;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallTransferred;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiEvent;
import io.ctiserver.events.CtiEventListener;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.MonitorKind;
import io.ctiserver.events.MonitoringStarted;
import io.ctiserver.events.MonitoringStopped;
import io.ctiserver.events.Party;
import io.ctiserver.events.PbxLinkChanged;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.QueueMemberView;
import io.ctiserver.events.QueueUpdated;
import io.ctiserver.events.QueueView;
import io.ctiserver.events.Transfer;
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
 * The state tracker of one PBX: from Asterisk's channel-level AMI events it builds channels, bridges, calls, queues
 * and agents, and emits the call-level {@link CtiEvent}s.
 *
 * <p>Single writer: {@link #onMessage}, {@link #onLinkState}, {@link #applySnapshot} and {@link #attachData} must be
 * called from one thread (the PBX's AMI consumer). Listeners are called on that thread, in order, and must not
 * block. Other threads read {@link #view()}, which returns immutable snapshots republished after each change.
 *
 * <p>Deterministic: the same messages give the same state and events (see {@link TrackerClock} for time).
 */
public final class Tracker implements AmiListener {

    private static final Logger log = LoggerFactory.getLogger(Tracker.class);
    static final String END_REASON_KEY = "cti.endReason";
    static final String LOST_REASON = "lost during PBX disconnect";

    private final String pbx;
    private final TrackerOptions options;
    private final TrackerClock clock = new TrackerClock();
    private final List<CtiEventListener> listeners = new CopyOnWriteArrayList<>();

    private final Map<String, Channel> channels = new HashMap<>();
    private final Map<String, Channel> channelsByName = new HashMap<>();
    private final Map<String, Bridge> bridges = new HashMap<>();
    private final Map<String, Call> calls = new LinkedHashMap<>();
    private final Map<String, QueueState> queues = new LinkedHashMap<>();
    private final Map<String, Agent> agents = new LinkedHashMap<>();
    private final Map<String, Agent> agentsByDevice = new HashMap<>();
    /** Spyer Uniqueid to the call it spies on. */
    private final Map<String, Spy> spies = new LinkedHashMap<>();
    /** LocalOptimizationBegin: Local ;1 Uniqueid to the channel that will replace the pair. */
    private final Map<String, String> optimizingSources = new HashMap<>();

    private final CallViewCache viewCache = new CallViewCache();
    private boolean callsDirty;
    private boolean agentsDirty;
    private boolean queuesDirty;
    private long nextWrapUpEnd = Long.MAX_VALUE;
    private volatile StateSnapshot snapshot = StateSnapshot.EMPTY;
    private final CtiStateView view = StateSnapshot.viewOf(() -> snapshot);

    private long lastUptime = -1;
    private boolean resyncWanted = true;
    private Runnable resyncRequester;

    public Tracker(String pbx) {
        this(pbx, TrackerOptions.defaults());
    }

    public Tracker(String pbx, TrackerOptions options) {
        this.pbx = Objects.requireNonNull(pbx, "pbx");
        this.options = Objects.requireNonNull(options, "options");
    }

    public String pbx() {
        return pbx;
    }

    public void addListener(CtiEventListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    public void removeListener(CtiEventListener listener) {
        listeners.remove(listener);
    }

    /** The thread-safe read side. */
    public CtiStateView view() {
        return view;
    }

    /**
     * Called (on the tracker thread) when the tracked state must be checked against the PBX: after a connect, a
     * reconnect or a restart. Usually {@link Resync#start()}, which later calls {@link #applySnapshot}.
     */
    public void onResyncNeeded(Runnable requester) {
        this.resyncRequester = requester;
    }

    // ------------------------------------------------------------------ AMI input

    @Override
    public void onLinkState(String pbx, AmiLinkState state, String detail) {
        clock.onMessage(System.currentTimeMillis());
        emit(new PbxLinkChanged(this.pbx, clock.instant(), state, detail));
        switch (state) {
            case DISCONNECTED, AUTH_FAILED, CONNECTING -> resyncWanted = true;
            case CONNECTED, FULLY_BOOTED -> {
                if (resyncWanted) {
                    requestResync();
                }
            }
        }
    }

    @Override
    public void onMessage(AmiMessage m) {
        String event = m.eventName();
        if (event == null) {
            return;
        }
        clock.onMessage(m.receivedAt());
        if (clock.millis() >= nextWrapUpEnd) {
            endWrapUps();
        }
        try {
            dispatch(event, m);
        } catch (RuntimeException e) {
            // One odd event must not stop the tracker; the state is checked again at the next resync.
            log.warn("pbx {}: could not apply {} event: {}", pbx, event, e.toString());
        }
        publishIfChanged();
    }

    private void dispatch(String event, AmiMessage m) {
        switch (event) {
            case "Newchannel" -> newChannel(m);
            case "Newexten" -> newExten(m);
            case "VarSet" -> varSet(m);
            case "Newstate" -> channelUpdate(m);
            case "NewCallerid" -> newCallerId(m);
            case "NewConnectedLine" -> channelUpdate(m);
            case "HangupRequest", "SoftHangupRequest" -> hangupRequest(m);
            case "Hangup" -> hangup(m);
            case "LocalBridge" -> localBridge(m);
            case "LocalOptimizationBegin" -> optimizingSources.put(m.get("LocalOneUniqueid", ""), m.get("SourceUniqueid", ""));
            case "LocalOptimizationEnd" -> localOptimizationEnd(m);
            case "DialBegin" -> dialBegin(m);
            case "DialEnd" -> dialEnd(m);
            case "BridgeCreate" -> bridges.computeIfAbsent(m.get("BridgeUniqueid", ""), Bridge::new);
            case "BridgeEnter" -> bridgeEnter(m);
            case "BridgeLeave" -> bridgeLeave(m);
            case "BridgeDestroy" -> bridgeDestroy(m);
            case "Hold" -> hold(channel(m.get("Uniqueid")), true);
            case "Unhold" -> hold(channel(m.get("Uniqueid")), false);
            // Park keeps the call (same Linkedid); for the desktop it is a hold until someone picks it up.
            case "ParkedCall" -> hold(channel(m.get("ParkeeUniqueid")), true);
            case "UnParkedCall", "ParkedCallTimeOut" -> hold(channel(m.get("ParkeeUniqueid")), false);
            case "MusicOnHoldStart" -> musicOnHold(m, true);
            case "MusicOnHoldStop" -> musicOnHold(m, false);
            case "BlindTransfer" -> blindTransfer(m);
            case "AttendedTransfer" -> attendedTransfer(m);
            case "QueueCallerJoin" -> queueCallerJoin(m);
            case "QueueCallerLeave" -> queueCallerLeave(m);
            case "QueueCallerAbandon" -> queueCallerAbandon(m);
            case "AgentCalled" -> agentCalled(m);
            case "AgentRingNoAnswer", "AgentDump" -> agentRingEnded(m);
            case "AgentConnect" -> agentConnect(m);
            case "AgentComplete" -> agentComplete(m);
            case "QueueMemberStatus", "QueueMemberPause", "QueueMemberPaused", "QueueMemberAdded",
                 "QueueMemberPenalty", "QueueMemberRinginuse", "QueueMember" -> memberUpdate(m);
            case "QueueMemberRemoved" -> memberRemoved(m);
            case "QueueParams" -> queueParams(m);
            case "MixMonitorStart" -> mixMonitor(m, true);
            case "MixMonitorStop" -> mixMonitor(m, false);
            case "ChanSpyStart" -> chanSpyStart(m);
            case "ChanSpyStop" -> chanSpyStop(m.get("SpyerUniqueid"));
            case "OriginateResponse" -> originateResponse(m);
            case "FullyBooted" -> fullyBooted(m);
            default -> {
                // Unknown or uninteresting events (DeviceStateChange, Cdr, RTCP, ...) cost one switch miss.
            }
        }
    }

    // ------------------------------------------------------------------ channels

    private Channel channel(String uniqueid) {
        return uniqueid == null ? null : channels.get(uniqueid);
    }

    private void newChannel(AmiMessage m) {
        String uniqueid = m.get("Uniqueid");
        if (uniqueid == null || channels.containsKey(uniqueid)) {
            return;
        }
        clock.atLeastUniqueid(uniqueid);
        Channel ch = addChannel(uniqueid, m.get("Linkedid"), m.get("Channel"), m);
        Call call = ch.call;
        if (call.dialed == null && ch.uniqueid.equals(call.linkedId)) {
            call.dialed = realExten(ch.exten);
        }
    }

    private Channel addChannel(String uniqueid, String linkedid, String name, AmiMessage m) {
        Channel ch = new Channel(uniqueid, linkedid, name);
        readSnapshotFields(ch, m);
        channels.put(uniqueid, ch);
        channelsByName.put(ch.name, ch);
        if (ch.local && ch.name.endsWith(";2")) {
            Channel one = channelsByName.get(ch.name.substring(0, ch.name.length() - 1) + "1");
            if (one != null) {
                one.localPeer = ch;
                ch.localPeer = one;
            }
        }
        Call call = calls.get(ch.linkedid);
        if (call == null) {
            call = new Call(ch.linkedid, clock.instant(), ch.context);
            call.callerChannel = ch;
            calls.put(call.id, call);
            callsDirty = true;
        }
        ch.call = call;
        call.liveChannels++;
        if (call.callerChannel == ch) {
            setCallerId(call, ch);
        }
        return ch;
    }

    private void readSnapshotFields(Channel ch, AmiMessage m) {
        String state = m.get("ChannelState");
        if (state != null && !state.isEmpty()) {
            ch.state = parseInt(state, ch.state);
        }
        ch.callerNum = known(m.get("CallerIDNum"), ch.callerNum);
        ch.callerName = known(m.get("CallerIDName"), ch.callerName);
        ch.connectedNum = known(m.get("ConnectedLineNum"), ch.connectedNum);
        ch.connectedName = known(m.get("ConnectedLineName"), ch.connectedName);
        String context = m.get("Context");
        if (context != null) {
            ch.context = context;
        }
        String exten = m.get("Exten");
        if (exten != null) {
            ch.exten = exten;
        }
    }

    private void channelUpdate(AmiMessage m) {
        Channel ch = channel(m.get("Uniqueid"));
        if (ch != null) {
            readSnapshotFields(ch, m);
        }
    }

    private void newCallerId(AmiMessage m) {
        Channel ch = channel(m.get("Uniqueid"));
        if (ch == null) {
            return;
        }
        readSnapshotFields(ch, m);
        if (ch.call.callerChannel == ch && setCallerId(ch.call, ch)) {
            touch(ch.call);
        }
    }

    private boolean setCallerId(Call call, Channel ch) {
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

    private void newExten(AmiMessage m) {
        Channel ch = channel(m.get("Uniqueid"));
        if (ch == null) {
            return;
        }
        String context = m.get("Context");
        String exten = m.get("Exten");
        if (context != null) {
            ch.context = context;
        }
        if (exten != null) {
            ch.exten = exten;
        }
        Call call = ch.call;
        if (call.dialed == null && ch == call.callerChannel) {
            call.dialed = realExten(exten);
        }
        if ("ChanSpy".equalsIgnoreCase(m.get("Application"))) {
            ch.spyOptions = spyOptionsOf(m.get("AppData"));
        }
        if (ch.leftFromContext != null) {
            checkRedirect(ch, m.get("Priority"));
        }
    }

    private void varSet(AmiMessage m) {
        String variable = m.get("Variable");
        if (variable == null || !interesting(variable)) {
            return;
        }
        Channel ch = channel(m.get("Uniqueid"));
        if (ch == null) {
            return;
        }
        String value = m.get("Value", "");
        Map<String, String> data = ch.call.data;
        String old = value.isEmpty() ? data.remove(variable) : data.put(variable, value);
        if (!value.equals(old == null ? "" : old)) {
            touch(ch.call);
        }
    }

    private boolean interesting(String variable) {
        List<String> prefixes = options.dataPrefixes();
        for (int i = 0; i < prefixes.size(); i++) {
            if (variable.startsWith(prefixes.get(i))) {
                return true;
            }
        }
        return false;
    }

    private void hangupRequest(AmiMessage m) {
        Channel ch = channel(m.get("Uniqueid"));
        if (ch != null) {
            noteHangup(ch);
        }
    }

    private void noteHangup(Channel ch) {
        ch.hangupRequested = true;
        ch.leftFromContext = null;
        Call call = ch.call;
        if (call.firstHangup == null && (call.connected() || call.isCallerSide(ch))) {
            call.firstHangup = call.isCallerSide(ch) ? EndedBy.CALLER : EndedBy.AGENT;
        }
    }

    private void hangup(AmiMessage m) {
        Channel ch = channel(m.get("Uniqueid"));
        if (ch == null) {
            return;
        }
        noteHangup(ch);
        removeChannel(ch);
        Call call = ch.call;
        if (call.liveChannels <= 0) {
            endCall(call, null);
        }
    }

    /** Forgets a channel that is gone: out of its bridge, its call, its ringing and spying. */
    private void removeChannel(Channel ch) {
        channels.remove(ch.uniqueid);
        optimizingSources.remove(ch.uniqueid);
        channelsByName.remove(ch.name, ch);
        if (ch.bridge != null) {
            ch.bridge.channels.remove(ch);
            ch.bridge = null;
        }
        if (ch.localPeer != null) {
            ch.localPeer.localPeer = null;
        }
        Call call = ch.call;
        call.liveChannels--;
        String ringingIface = call.ringing.remove(ch.uniqueid);
        if (ringingIface != null) {
            stopRinging(call, ringingIface);
        }
        Party party = call.parties.remove(ch.uniqueid);
        if (party != null) {
            touch(call);
            Agent agent = party.role() == Party.Role.AGENT && party.iface() != null ? agents.get(party.iface()) : null;
            if (agent != null && agent.call == call) {
                // The agent's leg is gone (hung up, transferred away): free the agent even if AgentComplete lags.
                agent.call = null;
                refreshAgent(agent);
            }
        }
        if (spies.containsKey(ch.uniqueid)) {
            chanSpyStop(ch.uniqueid);
        }
        Agent agent = agentsByDevice.get(ch.device);
        if (agent != null && call.queue == null && (agent.call == call || agent.ringingCall == call)
                && !agentStillOn(call, agent)) {
            agent.call = agent.call == call ? null : agent.call;
            agent.ringingCall = agent.ringingCall == call ? null : agent.ringingCall;
            refreshAgent(agent);
        }
    }

    private boolean agentStillOn(Call call, Agent agent) {
        for (Channel other : channels.values()) {
            if (other.call == call && other.device.equals(agent.device)) {
                return true;
            }
        }
        return false;
    }

    private void localBridge(AmiMessage m) {
        Channel one = channel(m.get("LocalOneUniqueid"));
        Channel two = channel(m.get("LocalTwoUniqueid"));
        if (one != null && two != null) {
            one.localPeer = two;
            two.localPeer = one;
        }
    }

    private void localOptimizationEnd(AmiMessage m) {
        String oneId = m.get("LocalOneUniqueid", "");
        String sourceId = optimizingSources.remove(oneId);
        if (!"Yes".equalsIgnoreCase(m.get("Success"))) {
            return;
        }
        Channel source = channel(sourceId);
        if (source == null) {
            return;
        }
        // The real channel behind the pair takes the Local half's place in the call: keep the party, swap the leg.
        for (String localId : new String[] {oneId, m.get("LocalTwoUniqueid", "")}) {
            Call call = source.call;
            Party p = call.parties.remove(localId);
            if (p != null) {
                call.parties.put(source.uniqueid, new Party(p.role(), source.name, source.uniqueid, p.iface(),
                        p.name(), p.number()));
                touch(call);
            }
        }
    }

    // ------------------------------------------------------------------ dialling (non-queue calls)

    private void dialBegin(AmiMessage m) {
        Channel dest = channel(m.get("DestUniqueid"));
        if (dest == null) {
            return;
        }
        Call call = dest.call;
        if (call.queue != null || call.connected()) {
            return;
        }
        Agent agent = agentsByDevice.get(dest.device);
        if (agent == null || call.isCallerSide(dest)) {
            return;
        }
        call.ringing.put(dest.uniqueid, agent.iface);
        call.state = CallState.RINGING;
        call.agentIface = agent.iface;
        call.agentName = agent.memberName;
        touch(call);
        agent.ringingCall = call;
        emit(new CallOffered(pbx, clock.instant(), callView(call), agent.iface, agent.memberName));
        refreshAgent(agent);
    }

    private void dialEnd(AmiMessage m) {
        String status = m.get("DialStatus");
        if ("ANSWER".equals(status)) {
            return;
        }
        Channel caller = channel(m.get("Uniqueid"));
        Channel dest = channel(m.get("DestUniqueid"));
        Call call = caller != null ? caller.call : dest != null ? dest.call : null;
        if (call == null) {
            return;
        }
        String iface = call.ringing.remove(m.get("DestUniqueid"));
        if (iface != null) {
            stopRinging(call, iface);
        }
    }

    private void stopRinging(Call call, String iface) {
        Agent agent = agents.get(iface);
        if (agent != null && agent.ringingCall == call && !call.ringing.containsValue(iface)) {
            agent.ringingCall = null;
            refreshAgent(agent);
        }
        if (call.ringing.isEmpty() && call.state == CallState.RINGING) {
            call.state = isQueued(call) ? CallState.QUEUED : CallState.DIALPLAN;
            if (Objects.equals(call.agentIface, iface) && call.answeredAt == null) {
                call.agentIface = null;
                call.agentName = null;
            }
            touch(call);
        }
    }

    private boolean isQueued(Call call) {
        QueueState q = call.queue == null ? null : queues.get(call.queue);
        if (q != null) {
            for (QueueState.Entry e : q.entries) {
                if (e.call == call) {
                    return true;
                }
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ bridges

    private void bridgeEnter(AmiMessage m) {
        Channel ch = channel(m.get("Uniqueid"));
        if (ch == null) {
            return;
        }
        Bridge bridge = bridges.computeIfAbsent(m.get("BridgeUniqueid", ""), Bridge::new);
        if (ch.bridge != null) {
            ch.bridge.channels.remove(ch);
        }
        int before = bridge.channels.size();
        bridge.channels.add(ch);
        ch.bridge = bridge;
        ch.leftFromContext = null;
        Call call = ch.call;
        if (before == 0) {
            return;
        }
        if (call.answeredAt == null) {
            answerByBridge(call, bridge);
        } else if (call.state == CallState.HELD && call.isCallerSide(ch)) {
            call.state = CallState.CONNECTED;
            touch(call);
            emit(new CallRetrieved(pbx, clock.instant(), callView(call)));
        } else if (!call.parties.containsKey(ch.uniqueid) && !call.isCallerSide(ch) && bridgeHasCaller(bridge, call)) {
            addParty(call, ch, Party.Role.OTHER, null, null);
            // A Local pair optimising away swaps its real channel in: that is the same party, not a third one.
            if (before >= 2 && !optimizingSources.containsValue(ch.uniqueid)) {
                emit(new CallConferenced(pbx, clock.instant(), callView(call)));
            }
        }
    }

    private boolean bridgeHasCaller(Bridge bridge, Call call) {
        for (Channel c : bridge.channels) {
            if (c.call == call && call.isCallerSide(c)) {
                return true;
            }
        }
        return false;
    }

    /** A call outside a queue is answered when two of its channels meet in a bridge. */
    private void answerByBridge(Call call, Bridge bridge) {
        Channel caller = null;
        List<Channel> others = new ArrayList<>(2);
        for (Channel c : bridge.channels) {
            if (c.call != call) {
                continue;
            }
            if (call.isCallerSide(c)) {
                caller = c;
            } else {
                others.add(c);
            }
        }
        if (others.isEmpty() || caller == null && bridge.channels.size() < 2) {
            return;
        }
        Instant now = clock.instant();
        call.answeredAt = now;
        call.segmentAnsweredAt = now;
        call.state = CallState.CONNECTED;
        addParty(call, caller != null ? caller : call.callerChannel, Party.Role.CALLER, null, null);
        for (Channel other : others) {
            Agent agent = agentsByDevice.get(other.device);
            if (agent != null) {
                call.agentIface = agent.iface;
                call.agentName = agent.memberName;
                addParty(call, other, Party.Role.AGENT, agent.iface, agent.memberName);
                agent.call = call;
                agent.ringingCall = null;
                refreshAgent(agent);
            } else {
                addParty(call, other, Party.Role.OTHER, null, null);
            }
        }
        Agent callingAgent = agentsByDevice.get(call.callerChannel.device);
        if (callingAgent != null) {
            // An agent's own outbound or internal call: the agent is on it, and the record names them when nobody
            // else is an agent.
            if (call.agentIface == null) {
                call.agentIface = callingAgent.iface;
                call.agentName = callingAgent.memberName;
            }
            callingAgent.call = call;
            refreshAgent(callingAgent);
        }
        for (String ringingId : List.copyOf(call.ringing.keySet())) {
            stopRinging(call, call.ringing.remove(ringingId));
        }
        call.state = CallState.CONNECTED;
        touch(call);
        emit(new CallAnswered(pbx, now, callView(call)));
    }

    private void bridgeLeave(AmiMessage m) {
        Channel ch = channel(m.get("Uniqueid"));
        if (ch == null || ch.bridge == null) {
            return;
        }
        Bridge bridge = ch.bridge;
        bridge.channels.remove(ch);
        ch.bridge = null;
        Call call = ch.call;
        if (!call.isCallerSide(ch) || !call.connected() || ch.hangupRequested) {
            return;
        }
        if (call.blindTransferPending) {
            call.blindTransferPending = false;
        } else if (!bridge.channels.isEmpty()) {
            // Left a live bridge with no transfer event and no hangup: a Redirect, if a Newexten elsewhere follows.
            ch.leftFromContext = ch.context == null ? "" : ch.context;
            ch.leftFromExten = ch.exten == null ? "" : ch.exten;
        }
    }

    private void checkRedirect(Channel ch, String priority) {
        boolean moved = !Objects.equals(ch.context, ch.leftFromContext) || !Objects.equals(ch.exten, ch.leftFromExten)
                || "1".equals(priority);
        if (!moved || "h".equals(ch.exten) || ch.hangupRequested) {
            return;
        }
        ch.leftFromContext = null;
        Call call = ch.call;
        if (options.holdContexts().contains(ch.context)) {
            if (call.state == CallState.CONNECTED) {
                call.state = CallState.HELD;
                touch(call);
                emit(new CallHeld(pbx, clock.instant(), callView(call)));
            }
            return;
        }
        transferred(call, new Transfer(Transfer.Kind.REDIRECT, ch.exten));
    }

    private void bridgeDestroy(AmiMessage m) {
        Bridge bridge = bridges.remove(m.get("BridgeUniqueid", ""));
        if (bridge != null) {
            for (Channel c : bridge.channels) {
                c.bridge = null;
            }
        }
    }

    // ------------------------------------------------------------------ hold, transfer

    private void hold(Channel ch, boolean held) {
        if (ch == null) {
            return;
        }
        Call call = ch.call;
        if (held && call.state == CallState.CONNECTED) {
            call.state = CallState.HELD;
            touch(call);
            emit(new CallHeld(pbx, clock.instant(), callView(call)));
        } else if (!held && call.state == CallState.HELD) {
            call.state = CallState.CONNECTED;
            touch(call);
            emit(new CallRetrieved(pbx, clock.instant(), callView(call)));
        }
    }

    private void musicOnHold(AmiMessage m, boolean start) {
        Channel ch = channel(m.get("Uniqueid"));
        // Music in the queue is waiting, not hold: only a connected call is held.
        if (ch != null && ch.call.connected()) {
            hold(ch, start);
        }
    }

    private void blindTransfer(AmiMessage m) {
        if (!"Success".equalsIgnoreCase(m.get("Result"))) {
            return;
        }
        Channel transferee = channel(m.get("TransfereeUniqueid"));
        Channel transferer = channel(m.get("TransfererUniqueid"));
        Call call = transferee != null ? transferee.call : transferer != null ? transferer.call : null;
        if (call == null) {
            return;
        }
        call.blindTransferPending = true;
        transferred(call, new Transfer(Transfer.Kind.BLIND, m.get("Extension")));
    }

    private void attendedTransfer(AmiMessage m) {
        if (!"Success".equalsIgnoreCase(m.get("Result"))) {
            return;
        }
        Channel transferee = channel(m.get("TransfereeUniqueid"));
        Channel target = channel(m.get("TransferTargetUniqueid"));
        Call call = transferee != null ? transferee.call : target != null ? target.call : null;
        if (call == null) {
            return;
        }
        String targetNumber = m.get("TransferTargetExten");
        if (target != null) {
            if (target.call != call) {
                mergeInto(call, target.call);
            }
            String localExten = target.localExten();
            if (localExten != null) {
                targetNumber = localExten;
            } else if (target.callerNum != null && !target.call.isCallerSide(target)) {
                targetNumber = target.callerNum;
            }
            call.parties.remove(target.uniqueid);
            addParty(call, target, Party.Role.TRANSFER_TARGET, null, null);
        }
        if (call.state == CallState.HELD) {
            call.state = CallState.CONNECTED;
        }
        transferred(call, new Transfer(Transfer.Kind.ATTENDED, targetNumber));
    }

    /** The consultation call of an attended transfer joins the customer's call; it leaves no record of its own. */
    private void mergeInto(Call call, Call other) {
        for (Channel c : channels.values()) {
            if (c.call == other) {
                c.call = call;
                call.liveChannels++;
                other.liveChannels--;
            }
        }
        calls.remove(other.id);
        viewCache.remove(other);
        callsDirty = true;
    }

    private void transferred(Call call, Transfer transfer) {
        call.transfers.add(transfer);
        // The agent hands the call on; unless someone answers it again, the transfer is how it ended for us.
        call.agentEndReason = "transfer";
        call.answeredSinceAgentEnd = false;
        touch(call);
        emit(new CallTransferred(pbx, clock.instant(), callView(call), transfer));
    }

    // ------------------------------------------------------------------ queue callers

    private void queueCallerJoin(AmiMessage m) {
        Channel ch = channel(m.get("Uniqueid"));
        String queueName = m.get("Queue");
        if (ch == null || queueName == null) {
            return;
        }
        Call call = ch.call;
        QueueState q = queue(queueName);
        q.removeEntry(call);
        int position = Math.max(1, Math.min(parseInt(m.get("Position"), q.entries.size() + 1), q.entries.size() + 1));
        q.entries.add(position - 1, new QueueState.Entry(call, clock.instant()));
        call.queue = queueName;
        call.callerChannel = ch;
        setCallerId(call, ch);
        addParty(call, ch, Party.Role.CALLER, null, null);
        call.queuedAt = clock.instant();
        call.state = CallState.QUEUED;
        touch(call);
        queuesDirty = true;
        viewCache.queueChanged(q);
        emit(new CallOffered(pbx, clock.instant(), callView(call), null, null));
        emitQueue(q);
    }

    private void queueCallerLeave(AmiMessage m) {
        Channel ch = channel(m.get("Uniqueid"));
        QueueState q = queues.get(m.get("Queue", ""));
        if (ch == null || q == null || !q.removeEntry(ch.call)) {
            return;
        }
        Call call = ch.call;
        if (call.state == CallState.QUEUED) {
            call.state = CallState.DIALPLAN;
        }
        touch(call);
        viewCache.queueChanged(q);
        queuesDirty = true;
        emitQueue(q);
    }

    private void queueCallerAbandon(AmiMessage m) {
        Channel ch = channel(m.get("Uniqueid"));
        if (ch == null) {
            return;
        }
        Call call = ch.call;
        call.abandoned = true;
        long hold = parseLong(m.get("HoldTime"), -1);
        if (hold >= 0) {
            call.waitSeconds = hold;
            if (call.queuedAt != null) {
                clock.atLeast(call.queuedAt.toEpochMilli() + hold * 1000);
            }
        }
    }

    // ------------------------------------------------------------------ agents of a queue call

    private void agentCalled(AmiMessage m) {
        Channel ch = channel(m.get("Uniqueid"));
        String iface = m.get("Interface");
        if (ch == null || iface == null) {
            return;
        }
        Call call = ch.call;
        Agent agent = implicitMember(m.get("Queue"), iface, m.get("MemberName"));
        String destId = m.get("DestUniqueid");
        if (destId != null) {
            call.ringing.put(destId, iface);
            call.ringStartedAt.put(destId, clock.millis());
        }
        if (!call.connected()) {
            call.state = CallState.RINGING;
            call.agentIface = iface;
            call.agentName = agent.memberName;
        }
        touch(call);
        agent.ringingCall = call;
        emit(new CallOffered(pbx, clock.instant(), callView(call), iface, agent.memberName));
        refreshAgent(agent);
    }

    private void agentRingEnded(AmiMessage m) {
        Channel ch = channel(m.get("Uniqueid"));
        if (ch == null) {
            return;
        }
        String destId = m.get("DestUniqueid");
        Long ringStart = destId == null ? null : ch.call.ringStartedAt.remove(destId);
        long ringTime = parseLong(m.get("RingTime"), -1);
        if (ringStart != null && ringTime > 0) {
            clock.atLeast(ringStart + ringTime);
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

    private void agentConnect(AmiMessage m) {
        Channel ch = channel(m.get("Uniqueid"));
        String iface = m.get("Interface");
        if (ch == null || iface == null) {
            return;
        }
        Call call = ch.call;
        Agent agent = implicitMember(m.get("Queue"), iface, m.get("MemberName"));
        Instant now = clock.instant();
        long hold = parseLong(m.get("HoldTime"), -1);
        if (hold >= 0 && call.queuedAt != null) {
            clock.atLeast(call.queuedAt.toEpochMilli() + hold * 1000);
            now = clock.instant();
        }
        if (call.answeredAt == null) {
            call.answeredAt = now;
            if (hold >= 0) {
                call.waitSeconds = hold;
            }
        }
        call.segmentAnsweredAt = now;
        call.answeredSinceAgentEnd = true;
        call.state = CallState.CONNECTED;
        call.agentIface = iface;
        call.agentName = agent.memberName;
        for (String ringingIface : List.copyOf(call.ringing.values())) {
            Agent other = agents.get(ringingIface);
            if (other != null && other != agent && other.ringingCall == call) {
                other.ringingCall = null;
                refreshAgent(other);
            }
        }
        call.ringing.clear();
        addParty(call, ch, Party.Role.CALLER, null, null);
        Channel dest = channel(m.get("DestUniqueid"));
        if (dest != null) {
            String number = dest.localExten();
            addParty(call, dest, Party.Role.AGENT, iface, agent.memberName, number != null ? number : dest.callerNum);
        }
        touch(call);
        agent.ringingCall = null;
        agent.call = call;
        emit(new CallAnswered(pbx, now, callView(call)));
        refreshAgent(agent);
    }

    private void agentComplete(AmiMessage m) {
        Channel ch = channel(m.get("Uniqueid"));
        String iface = m.get("Interface");
        if (ch == null || iface == null) {
            return;
        }
        Call call = ch.call;
        long talk = parseLong(m.get("TalkTime"), -1);
        if (talk >= 0) {
            call.talkSeconds = Math.max(call.talkSeconds, 0) + talk;
            if (call.segmentAnsweredAt != null) {
                clock.atLeast(call.segmentAnsweredAt.toEpochMilli() + talk * 1000);
            }
        }
        call.agentEndReason = m.get("Reason");
        call.answeredSinceAgentEnd = false;
        Agent agent = agents.get(iface);
        if (agent != null && (agent.call == call || agent.call == null)) {
            agent.call = null;
            int wrapUp = 0;
            for (QueueMember member : agent.memberships) {
                if (member.queue.equals(m.get("Queue"))) {
                    wrapUp = member.wrapUpSeconds;
                }
            }
            if (wrapUp > 0) {
                agent.wrapUpUntil = clock.millis() + wrapUp * 1000L;
                nextWrapUpEnd = Math.min(nextWrapUpEnd, agent.wrapUpUntil);
            }
            refreshAgent(agent);
        }
        Party party = call.parties.get(m.get("DestUniqueid", ""));
        if (party != null && party.role() == Party.Role.AGENT) {
            touch(call);
        }
    }

    private void endWrapUps() {
        long now = clock.millis();
        long next = Long.MAX_VALUE;
        for (Agent agent : agents.values()) {
            if (agent.wrapUpUntil > 0 && agent.wrapUpUntil <= now) {
                agent.wrapUpUntil = 0;
                refreshAgent(agent);
            } else if (agent.wrapUpUntil > now) {
                next = Math.min(next, agent.wrapUpUntil);
            }
        }
        nextWrapUpEnd = next;
    }

    // ------------------------------------------------------------------ queue members

    private QueueState queue(String name) {
        QueueState q = queues.get(name);
        if (q == null) {
            q = new QueueState(name);
            queues.put(name, q);
            queuesDirty = true;
        }
        return q;
    }

    private Agent agent(String iface) {
        Agent agent = agents.get(iface);
        if (agent == null) {
            agent = new Agent(iface);
            agents.put(iface, agent);
            agentsByDevice.put(agent.device, agent);
        }
        return agent;
    }

    /** AgentCalled or AgentConnect from a member we never heard of (a stream joined midway): learn it. */
    private Agent implicitMember(String queueName, String iface, String memberName) {
        Agent agent = agent(iface);
        if (memberName != null && !memberName.isEmpty()) {
            agent.memberName = memberName;
        }
        if (queueName != null) {
            QueueState q = queue(queueName);
            if (!q.members.containsKey(iface)) {
                QueueMember member = new QueueMember(queueName, iface);
                member.memberName = agent.memberName;
                member.status = 1;
                q.members.put(iface, member);
                agent.memberships.add(member);
                viewCache.queueChanged(q);
                queuesDirty = true;
            }
        }
        return agent;
    }

    private void memberUpdate(AmiMessage m) {
        String queueName = m.get("Queue");
        String iface = m.get("Interface");
        if (iface == null) {
            iface = m.get("Location");
        }
        if (queueName == null || iface == null) {
            return;
        }
        String name = m.get("MemberName");
        if (name == null) {
            name = m.get("Name");
        }
        if (applyMember(queueName, iface, name, m)) {
            emitQueue(queues.get(queueName));
        }
        String lastCall = m.get("LastCall");
        if (lastCall != null && "QueueMemberStatus".equals(m.eventName())) {
            clock.atLeast(parseLong(lastCall, 0) * 1000);
        }
    }

    /** Applies one member report; true when the member's view changed. */
    private boolean applyMember(String queueName, String iface, String name, AmiMessage m) {
        QueueState q = queue(queueName);
        QueueMember member = q.members.get(iface);
        Agent agent = agent(iface);
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
        member.penalty = parseInt(m.get("Penalty"), member.penalty);
        String paused = m.get("Paused");
        if (paused != null) {
            member.paused = "1".equals(paused) || "true".equalsIgnoreCase(paused);
            String reason = m.get("PausedReason", "");
            member.pausedReason = member.paused && !reason.isEmpty() ? reason : null;
        }
        member.status = parseInt(m.get("Status"), member.status);
        String inCall = m.get("InCall");
        if (inCall != null) {
            member.inCall = "1".equals(inCall);
        }
        member.callsTaken = parseInt(m.get("CallsTaken"), member.callsTaken);
        member.wrapUpSeconds = parseInt(m.get("Wrapuptime"), member.wrapUpSeconds);
        boolean changed = !member.view().equals(before);
        if (changed) {
            viewCache.queueChanged(q);
            queuesDirty = true;
        }
        refreshAgent(agent);
        return changed;
    }

    private void memberRemoved(AmiMessage m) {
        QueueState q = queues.get(m.get("Queue", ""));
        String iface = m.get("Interface");
        QueueMember member = q == null || iface == null ? null : q.members.remove(iface);
        if (member == null) {
            return;
        }
        removeMembership(q, member);
        emitQueue(q);
    }

    private void removeMembership(QueueState q, QueueMember member) {
        Agent agent = agents.get(member.iface);
        if (agent != null) {
            agent.memberships.remove(member);
            refreshAgent(agent);
        }
        viewCache.queueChanged(q);
        queuesDirty = true;
    }

    private void queueParams(AmiMessage m) {
        String name = m.get("Queue");
        if (name == null) {
            return;
        }
        QueueState q = queue(name);
        String strategy = m.get("Strategy");
        if (strategy != null && !strategy.equals(q.strategy)) {
            q.strategy = strategy;
            viewCache.queueChanged(q);
            queuesDirty = true;
        }
    }

    // ------------------------------------------------------------------ monitoring

    private void mixMonitor(AmiMessage m, boolean start) {
        Channel ch = channel(m.get("Uniqueid"));
        if (ch == null || ch.call.recording == start) {
            return;
        }
        Call call = ch.call;
        call.recording = start;
        touch(call);
        Instant now = clock.instant();
        emit(start ? new MonitoringStarted(pbx, now, call.id, MonitorKind.RECORDING, null, ch.name)
                : new MonitoringStopped(pbx, now, call.id, MonitorKind.RECORDING, null, ch.name));
    }

    private void chanSpyStart(AmiMessage m) {
        Channel spyee = channel(m.get("SpyeeUniqueid"));
        String spyerId = m.get("SpyerUniqueid");
        if (spyee == null || spyerId == null) {
            return;
        }
        Channel spyer = channel(spyerId);
        MonitorKind kind = spyKind(spyer == null ? null : spyer.spyOptions);
        String spyerName = m.get("SpyerChannel", spyer == null ? "" : spyer.name);
        Call call = spyee.call;
        spies.put(spyerId, new Spy(call, kind, spyerName));
        if (spyer != null) {
            spyer.call.monitorLeg = true;
            String number = spyer.callerNum != null ? spyer.callerNum : spyer.localExten();
            call.parties.put(spyerId, new Party(Party.Role.SUPERVISOR, spyer.name, spyerId, spyer.device,
                    spyer.callerName, number));
            touch(call);
        }
        emit(new MonitoringStarted(pbx, clock.instant(), call.id, kind, spyerName, spyee.name));
    }

    private void chanSpyStop(String spyerId) {
        Spy spy = spyerId == null ? null : spies.remove(spyerId);
        if (spy == null) {
            return;
        }
        if (spy.call.parties.remove(spyerId) != null) {
            touch(spy.call);
        }
        emit(new MonitoringStopped(pbx, clock.instant(), spy.call.id, spy.kind, spy.spyer, null));
    }

    private void originateResponse(AmiMessage m) {
        // An originated supervisor leg: the ChanSpy options are only visible here (no Newexten runs them).
        if ("ChanSpy".equalsIgnoreCase(m.get("Application"))) {
            Channel ch = channel(m.get("Uniqueid"));
            if (ch != null) {
                ch.spyOptions = spyOptionsOf(m.get("Data"));
            }
        }
    }

    static String spyOptionsOf(String appData) {
        if (appData == null) {
            return "";
        }
        int comma = appData.indexOf(',');
        return comma < 0 ? "" : appData.substring(comma + 1);
    }

    /** ChanSpy options: {@code B} barge, {@code w}/{@code W} whisper, otherwise listen. */
    static MonitorKind spyKind(String options) {
        if (options == null) {
            return MonitorKind.LISTEN;
        }
        // Options may carry arguments in parentheses (g(grp), e(exts)); only the letters outside count.
        int depth = 0;
        boolean whisper = false;
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (depth == 0 && c == 'B') {
                return MonitorKind.BARGE;
            } else if (depth == 0 && (c == 'w' || c == 'W')) {
                whisper = true;
            }
        }
        return whisper ? MonitorKind.WHISPER : MonitorKind.LISTEN;
    }

    private record Spy(Call call, MonitorKind kind, String spyer) {
    }

    // ------------------------------------------------------------------ link, restart, resync

    private void fullyBooted(AmiMessage m) {
        long uptime = parseLong(m.get("Uptime"), -1);
        boolean restarted = uptime >= 0 && lastUptime >= 0 && uptime < lastUptime;
        if (uptime >= 0) {
            lastUptime = uptime;
        }
        if (restarted || resyncWanted) {
            requestResync();
        }
    }

    private void requestResync() {
        Runnable r = resyncRequester;
        if (r != null) {
            resyncWanted = false;
            r.run();
        }
    }

    /**
     * Reconciles the tracked state with what Asterisk reports (on the tracker thread): calls whose channels are gone
     * end with result {@code failed} (or {@code answered} if they were), ended by {@code system}, with
     * {@code cti.endReason} in their data; channels and calls that are new appear; member changes are applied; the
     * differences are emitted, then {@code StateReconciled}.
     */
    public void applySnapshot(PbxSnapshot snap) {
        clock.onMessage(snap.coreShowChannels().response().receivedAt());
        Reconciler.Result result = new Reconciler(this).apply(snap);
        emit(new io.ctiserver.events.StateReconciled(pbx, clock.instant(), result.callsEnded(), result.callsAdded(),
                result.membersChanged()));
        publishIfChanged();
    }

    /**
     * Lets time pass without an AMI message (call it every second or so on the tracker thread): ends wrap-ups on a
     * quiet PBX. Messages with receive times do the same on their own.
     */
    public void tick(long epochMillis) {
        clock.onMessage(epochMillis);
        if (clock.millis() >= nextWrapUpEnd) {
            endWrapUps();
        }
        publishIfChanged();
    }

    // ------------------------------------------------------------------ desktop data

    /** Attaches a key-value pair to a live call (desktops); it travels with transfers. False if no such call. */
    public boolean attachData(String callId, String key, String value) {
        Call call = calls.get(callId);
        if (call == null || key == null || key.isEmpty()) {
            return false;
        }
        if (value == null || value.isEmpty()) {
            call.data.remove(key);
        } else {
            call.data.put(key, value);
        }
        touch(call);
        publishIfChanged();
        return true;
    }

    // ------------------------------------------------------------------ calls: parties, end, records

    private void addParty(Call call, Channel ch, Party.Role role, String iface, String name) {
        addParty(call, ch, role, iface, name, ch == null ? null : ch.callerNum);
    }

    private void addParty(Call call, Channel ch, Party.Role role, String iface, String name, String number) {
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

    void endCall(Call call, String lostReason) {
        if (!calls.containsKey(call.id)) {
            return;
        }
        for (String spyerId : List.copyOf(spies.keySet())) {
            if (spies.get(spyerId).call == call) {
                chanSpyStop(spyerId);
            }
        }
        calls.remove(call.id);
        viewCache.remove(call);
        callsDirty = true;
        if (call.queue != null) {
            QueueState q = queues.get(call.queue);
            if (q != null && q.removeEntry(call)) {
                viewCache.queueChanged(q);
                queuesDirty = true;
                emitQueue(q);
            }
        }
        for (Agent agent : agents.values()) {
            if (agent.call == call || agent.ringingCall == call) {
                agent.call = agent.call == call ? null : agent.call;
                agent.ringingCall = agent.ringingCall == call ? null : agent.ringingCall;
                refreshAgent(agent);
            }
        }
        call.state = CallState.ENDED;
        call.endReason = lostReason;
        if (call.monitorLeg) {
            return;
        }
        emit(new CallEnded(pbx, clock.instant(), record(call)));
    }

    private CallRecord record(Call call) {
        Instant ended = clock.instant();
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
        if (call.endReason != null) {
            endedBy = EndedBy.SYSTEM;
        } else if (call.abandoned) {
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
        long talk = call.talkSeconds;
        if (talk < 0) {
            talk = call.answeredAt == null ? 0 : seconds(call.answeredAt, ended);
        }
        Map<String, String> data = call.data;
        if (call.endReason != null) {
            data = new LinkedHashMap<>(data);
            data.put(END_REASON_KEY, call.endReason);
        }
        return new CallRecord(call.id, pbx, call.linkedId, direction(call), call.callerNum, call.callerName,
                call.dialed, call.queue, call.answeredAt != null ? call.agentName : null,
                call.answeredAt != null ? call.agentIface : null, result, wait, talk, endedBy, call.transfers,
                call.startedAt, call.answeredAt, ended, data);
    }

    private static long seconds(Instant from, Instant to) {
        return Math.max(0, (to.toEpochMilli() - from.toEpochMilli()) / 1000);
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

    // ------------------------------------------------------------------ views and emission

    private void touch(Call call) {
        viewCache.remove(call);
        callsDirty = true;
    }

    CallView callView(Call call) {
        return viewCache.call(call, this);
    }

    CallView buildView(Call call) {
        return new CallView(call.id, pbx, call.linkedId, direction(call), call.state, call.callerNum, call.callerName,
                call.dialed, call.queue, call.agentIface, call.agentName, call.startedAt, call.queuedAt,
                call.answeredAt, call.recording, new ArrayList<>(call.parties.values()), call.data);
    }

    private void refreshAgent(Agent agent) {
        AgentState state = agent.derive(clock.millis());
        QueueMember pausedMember = state == AgentState.PAUSED ? agent.pausedMembership() : null;
        String reason = pausedMember == null ? null : pausedMember.pausedReason;
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

    private void emitQueue(QueueState q) {
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

    private void emit(CtiEvent event) {
        for (CtiEventListener l : listeners) {
            try {
                l.onEvent(event);
            } catch (RuntimeException e) {
                log.warn("pbx {}: listener failed on {}: {}", pbx, event.type(), e.toString());
            }
        }
    }

    private void publishIfChanged() {
        if (!callsDirty && !agentsDirty && !queuesDirty) {
            return;
        }
        StateSnapshot old = snapshot;
        Map<String, CallView> byId = old.callsById();
        List<CallView> callList = old.calls();
        if (callsDirty) {
            Map<String, CallView> m = new LinkedHashMap<>(calls.size() * 2);
            for (Call c : calls.values()) {
                m.put(c.id, callView(c));
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

    // ------------------------------------------------------------------ access for the reconciler and tests

    Map<String, Channel> channels() {
        return channels;
    }

    Map<String, Bridge> bridges() {
        return bridges;
    }

    Map<String, Call> calls() {
        return calls;
    }

    Map<String, QueueState> queues() {
        return queues;
    }

    Map<String, Agent> agents() {
        return agents;
    }

    TrackerClock clock() {
        return clock;
    }

    Channel addChannelFromSnapshot(AmiMessage m) {
        return addChannel(m.get("Uniqueid"), m.get("Linkedid"), m.get("Channel"), m);
    }

    void forgetChannel(Channel ch) {
        removeChannel(ch);
    }

    void moveToBridge(Channel ch, String bridgeId) {
        if (ch.bridge != null && ch.bridge.id.equals(bridgeId)) {
            return;
        }
        if (ch.bridge != null) {
            ch.bridge.channels.remove(ch);
            ch.bridge = null;
        }
        if (bridgeId != null && !bridgeId.isEmpty()) {
            Bridge b = bridges.computeIfAbsent(bridgeId, Bridge::new);
            b.channels.add(ch);
            ch.bridge = b;
        }
    }

    void dropEmptyBridges() {
        bridges.values().removeIf(b -> b.channels.isEmpty());
    }

    void enqueueFromSnapshot(QueueState q, Call call, Instant joinedAt) {
        q.entries.add(new QueueState.Entry(call, joinedAt));
        viewCache.queueChanged(q);
        queuesDirty = true;
    }

    QueueState queueFor(String name) {
        return queue(name);
    }

    boolean applyMemberFromSnapshot(String queueName, String iface, String name, AmiMessage m) {
        return applyMember(queueName, iface, name, m);
    }

    void removeMemberFromSnapshot(QueueState q, QueueMember member) {
        q.members.remove(member.iface);
        removeMembership(q, member);
    }

    void queueChanged(QueueState q) {
        viewCache.queueChanged(q);
        queuesDirty = true;
        emitQueue(q);
    }

    void offerFromSnapshot(Call call) {
        touch(call);
        emit(new CallOffered(pbx, clock.instant(), callView(call), null, null));
    }

    void answerFromSnapshot(Call call, Agent agent, Channel agentChannel) {
        call.state = CallState.CONNECTED;
        call.answeredAt = clock.instant();
        call.segmentAnsweredAt = call.answeredAt;
        call.answeredSinceAgentEnd = true;
        addParty(call, call.callerChannel, Party.Role.CALLER, null, null);
        if (agent != null) {
            call.agentIface = agent.iface;
            call.agentName = agent.memberName;
            addParty(call, agentChannel, Party.Role.AGENT, agent.iface, agent.memberName);
            agent.call = call;
            agent.ringingCall = null;
            refreshAgent(agent);
        }
        touch(call);
        emit(new CallAnswered(pbx, clock.instant(), callView(call)));
    }

    Agent agentByDevice(String device) {
        return agentsByDevice.get(device);
    }

    void refresh(Agent agent) {
        refreshAgent(agent);
    }

    // ------------------------------------------------------------------ small parsing helpers

    private static String known(String v, String fallback) {
        if (v == null) {
            return fallback;
        }
        return v.isEmpty() || v.equals("<unknown>") ? null : v;
    }

    private static String realExten(String exten) {
        return exten == null || exten.isEmpty() || exten.equals("s") ? null : exten;
    }

    static int parseInt(String v, int fallback) {
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    static long parseLong(String v, long fallback) {
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
