package io.ctiserver.tracker;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallState;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.Party;
import java.util.List;
import java.util.Map;

/**
 * Channels: their life (Newchannel to Hangup), caller ID, dialplan position, variables of interest, Local pairs,
 * and dialling outside queues. Part of the tracker's single writer.
 */
final class ChannelEvents {

    private final TrackerState s;
    private final QueueEvents queueEvents;
    private final BridgeEvents bridgeEvents;
    private final MonitorEvents monitor;
    private final CallEnd records;

    ChannelEvents(TrackerState state, QueueEvents queueEvents, BridgeEvents bridgeEvents, MonitorEvents monitor,
                  CallEnd records) {
        this.s = state;
        this.queueEvents = queueEvents;
        this.bridgeEvents = bridgeEvents;
        this.monitor = monitor;
        this.records = records;
    }

    void newChannel(AmiMessage m) {
        String uniqueid = m.get("Uniqueid");
        if (uniqueid == null || s.channels.containsKey(uniqueid)) {
            return;
        }
        s.clock.atLeastUniqueid(uniqueid);
        s.resyncWindow.born(uniqueid);
        Channel ch = addChannel(uniqueid, m.get("Linkedid"), m.get("Channel"), m);
        Call call = ch.call;
        if (call.dialed == null && ch.uniqueid.equals(call.linkedId)) {
            call.dialed = Headers.realExten(ch.exten);
        }
    }

    Channel addChannel(String uniqueid, String linkedid, String name, AmiMessage m) {
        Channel ch = new Channel(uniqueid, linkedid, name);
        readSnapshotFields(ch, m);
        s.channels.put(uniqueid, ch);
        s.channelsByName.put(ch.name, ch);
        if (ch.local && ch.name.endsWith(";2")) {
            Channel one = s.channelsByName.get(ch.name.substring(0, ch.name.length() - 1) + "1");
            if (one != null) {
                one.localPeer = ch;
                ch.localPeer = one;
            }
        }
        Call call = s.calls.get(ch.linkedid);
        if (call == null) {
            call = new Call(ch.linkedid, s.clock.instant(), ch.context);
            call.callerChannel = ch;
            s.calls.put(call.id, call);
            s.callsDirty = true;
        }
        ch.call = call;
        call.liveChannels++;
        if (call.callerChannel == ch) {
            s.setCallerId(call, ch);
        }
        return ch;
    }

    private void readSnapshotFields(Channel ch, AmiMessage m) {
        String state = m.get("ChannelState");
        if (state != null && !state.isEmpty()) {
            ch.state = Headers.parseInt(state, ch.state);
        }
        ch.callerNum = Headers.known(m.get("CallerIDNum"), ch.callerNum);
        ch.callerName = Headers.known(m.get("CallerIDName"), ch.callerName);
        ch.connectedNum = Headers.known(m.get("ConnectedLineNum"), ch.connectedNum);
        ch.connectedName = Headers.known(m.get("ConnectedLineName"), ch.connectedName);
        String context = m.get("Context");
        if (context != null) {
            ch.context = context;
        }
        String exten = m.get("Exten");
        if (exten != null) {
            ch.exten = exten;
        }
    }

    void channelUpdate(AmiMessage m) {
        Channel ch = s.channel(m.get("Uniqueid"));
        if (ch != null) {
            readSnapshotFields(ch, m);
        }
    }

    void newCallerId(AmiMessage m) {
        Channel ch = s.channel(m.get("Uniqueid"));
        if (ch == null) {
            return;
        }
        readSnapshotFields(ch, m);
        if (ch.call.callerChannel == ch && s.setCallerId(ch.call, ch)) {
            s.touch(ch.call);
        }
    }

    void newExten(AmiMessage m) {
        Channel ch = s.channel(m.get("Uniqueid"));
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
            call.dialed = Headers.realExten(exten);
        }
        if ("ChanSpy".equalsIgnoreCase(m.get("Application"))) {
            ch.spyOptions = MonitorEvents.spyOptionsOf(m.get("AppData"));
        }
        if (ch.leftFromContext != null) {
            bridgeEvents.checkRedirect(ch, m.get("Priority"));
        }
    }

    void varSet(AmiMessage m) {
        String variable = m.get("Variable");
        if (variable == null || !interesting(variable)) {
            return;
        }
        Channel ch = s.channel(m.get("Uniqueid"));
        if (ch == null) {
            return;
        }
        String value = m.get("Value", "");
        Map<String, String> data = ch.call.data;
        String old = value.isEmpty() ? data.remove(variable) : data.put(variable, value);
        if (!value.equals(old == null ? "" : old)) {
            s.touch(ch.call);
        }
    }

    private boolean interesting(String variable) {
        List<String> prefixes = s.options.dataPrefixes();
        for (int i = 0; i < prefixes.size(); i++) {
            if (variable.startsWith(prefixes.get(i))) {
                return true;
            }
        }
        return false;
    }

    void hangupRequest(AmiMessage m) {
        Channel ch = s.channel(m.get("Uniqueid"));
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

    void hangup(AmiMessage m) {
        // Noted even for a channel we do not know (born while the link was down): the snapshot may still list it.
        s.resyncWindow.gone(m.get("Uniqueid"));
        Channel ch = s.channel(m.get("Uniqueid"));
        if (ch == null) {
            return;
        }
        noteHangup(ch);
        removeChannel(ch);
        Call call = ch.call;
        if (call.liveChannels <= 0) {
            records.endCall(call, null);
        }
    }

    /** Forgets a channel that is gone: out of its bridge, its call, its ringing and spying. */
    void removeChannel(Channel ch) {
        s.channels.remove(ch.uniqueid);
        s.optimizingSources.remove(ch.uniqueid);
        s.channelsByName.remove(ch.name, ch);
        if (ch.bridge != null) {
            ch.bridge.channels.remove(ch);
            ch.bridge = null;
        }
        // The Local peer link is kept: the surviving half still tells which side of the call it is on.
        Call call = ch.call;
        call.liveChannels--;
        String ringingIface = call.ringing.remove(ch.uniqueid);
        if (ringingIface != null) {
            queueEvents.stopRinging(call, ringingIface);
        }
        Party party = call.parties.remove(ch.uniqueid);
        if (party != null) {
            s.touch(call);
            Agent agent = party.role() == Party.Role.AGENT && party.iface() != null ? s.agents.get(party.iface()) : null;
            if (agent != null && agent.call == call) {
                // The agent's leg is gone (hung up, transferred away): free the agent even if AgentComplete lags.
                agent.call = null;
                s.refreshAgent(agent);
            }
        }
        if (monitor.isSpying(ch.uniqueid)) {
            monitor.chanSpyStop(ch.uniqueid);
        }
        Agent agent = s.agentsByDevice.get(ch.device);
        if (agent != null && call.queue == null && (agent.call == call || agent.ringingCall == call)
                && !agentStillOn(call, agent)) {
            agent.call = agent.call == call ? null : agent.call;
            agent.ringingCall = agent.ringingCall == call ? null : agent.ringingCall;
            s.refreshAgent(agent);
        }
    }

    private boolean agentStillOn(Call call, Agent agent) {
        for (Channel other : s.channels.values()) {
            if (other.call == call && other.device.equals(agent.device)) {
                return true;
            }
        }
        return false;
    }

    void localBridge(AmiMessage m) {
        Channel one = s.channel(m.get("LocalOneUniqueid"));
        Channel two = s.channel(m.get("LocalTwoUniqueid"));
        if (one != null && two != null) {
            one.localPeer = two;
            two.localPeer = one;
        }
    }

    void localOptimizationEnd(AmiMessage m) {
        String oneId = m.get("LocalOneUniqueid", "");
        String sourceId = s.optimizingSources.remove(oneId);
        if (!"Yes".equalsIgnoreCase(m.get("Success"))) {
            return;
        }
        Channel source = s.channel(sourceId);
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
                s.touch(call);
            }
        }
    }

    void dialBegin(AmiMessage m) {
        Channel dest = s.channel(m.get("DestUniqueid"));
        if (dest == null) {
            return;
        }
        dest.dialString = m.get("DialString");
        Call call = dest.call;
        if (call.queue != null || call.connected()) {
            return;
        }
        Agent agent = s.agentsByDevice.get(dest.device);
        if (agent == null || call.isCallerSide(dest)) {
            return;
        }
        call.ringing.put(dest.uniqueid, agent.iface);
        call.state = CallState.RINGING;
        call.agentIface = agent.iface;
        call.agentName = agent.memberName;
        s.touch(call);
        agent.ringingCall = call;
        s.emit(new CallOffered(s.pbx, s.clock.instant(), s.callView(call), agent.iface, agent.memberName));
        s.refreshAgent(agent);
    }

    void dialEnd(AmiMessage m) {
        String status = m.get("DialStatus");
        if ("ANSWER".equals(status)) {
            return;
        }
        Channel caller = s.channel(m.get("Uniqueid"));
        Channel dest = s.channel(m.get("DestUniqueid"));
        Call call = caller != null ? caller.call : dest != null ? dest.call : null;
        if (call == null) {
            return;
        }
        String iface = call.ringing.remove(m.get("DestUniqueid"));
        if (iface != null) {
            queueEvents.stopRinging(call, iface);
        }
    }
}
