package io.ctiserver.tracker;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallState;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.Party;
import java.time.Instant;
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
            Agent owner = s.agentOf(ch);
            if (owner != null && ch.uniqueid.equals(ch.linkedid)) {
                // The agent's own device starts the call (it dials, or an Originate rings it first): the agent owns
                // it, so the desktop follows it like an inbound call.
                call.ownerIface = owner.iface;
                call.agentIface = owner.iface;
                call.agentName = owner.memberName;
                s.addParty(call, ch, Party.Role.AGENT, owner.iface, owner.memberName);
                Call current = owner.call;
                if (current != null && current != call && s.calls.containsKey(current.id)) {
                    // Placed while the agent has a customer (on hold): a consultation call, linked, not merged.
                    call.relatedCalls.add(current.id);
                    current.relatedCalls.add(call.id);
                    s.touch(current);
                }
            }
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
        Call call = ch.call;
        if (ch.bridge != null && call.connected() && "1".equals(m.get("Priority")) && !ch.hangupRequested
                && !call.blindTransferPending && !"h".equals(exten)
                && (!java.util.Objects.equals(context, ch.context) || !java.util.Objects.equals(exten, ch.exten))) {
            // Asterisk 22 reports a Redirect's new dialplan position first, then the BridgeLeave.
            ch.redirectPending = true;
        }
        if (context != null) {
            ch.context = context;
        }
        if (exten != null) {
            ch.exten = exten;
        }
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
        if (variable == null) {
            return;
        }
        if (variable.equals("MIXMONITOR_FILENAME")) {
            Channel ch = s.channel(m.get("Uniqueid"));
            if (ch != null) {
                String file = m.get("Value", "");
                ch.mixMonitorFile = file.isEmpty() ? null : file;
            }
            return;
        }
        if (!interesting(variable)) {
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
        boolean callerSide = call.isCallerSide(ch);
        // While parked, only the parked customer hanging up ends the call; the parker's leg going away does not.
        if (call.firstHangup == null && (call.connected() || callerSide) && (!call.timeline.parked() || callerSide)) {
            if (call.ownerIface != null) {
                // An agent's own call: the agent's side, or the other side (the customer, or another agent).
                call.firstHangup = callerSide || s.agentOf(ch) != null ? EndedBy.AGENT : EndedBy.CALLER;
            } else {
                call.firstHangup = callerSide ? EndedBy.CALLER : EndedBy.AGENT;
            }
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
        Instant now = s.clock.instant();
        call.timeline.conferenceLeft(ch.uniqueid, now);
        if (call.isCallerSide(ch) && !s.callerSideStillLive(call, ch)) {
            // The customer is gone: every agent's part with them ends here, whoever stays on.
            call.timeline.allSegmentsEnded(now);
        }
        if (ch.guestOf != null) {
            Call host = ch.guestOf;
            ch.guestOf = null;
            host.timeline.conferenceLeft(ch.uniqueid, now);
            Party guest = host.parties.remove(ch.uniqueid);
            if (guest != null) {
                if (guest.iface() != null) {
                    host.timeline.segmentEnded(guest.iface(), now);
                }
                s.touch(host);
            }
        }
        String ringingIface = call.ringing.remove(ch.uniqueid);
        if (ringingIface != null) {
            queueEvents.stopRinging(call, ringingIface);
        }
        Party party = call.parties.remove(ch.uniqueid);
        if (party != null) {
            s.touch(call);
            if (party.role() == Party.Role.AGENT && party.iface() != null && !agentStillOnCall(call, party.iface())) {
                call.timeline.segmentEnded(party.iface(), now);
            }
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

    /** Another leg of the same agent is still a party (a Local pair's real channel swapped in, say). */
    private static boolean agentStillOnCall(Call call, String iface) {
        for (Party p : call.parties.values()) {
            if (p.role() == Party.Role.AGENT && iface.equals(p.iface())) {
                return true;
            }
        }
        return false;
    }

    private boolean agentStillOn(Call call, Agent agent) {
        for (Channel other : s.channels.values()) {
            if (other.call == call && other.device.equals(agent.device)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Rename: the channel keeps its Uniqueid and its call, only its name changes (a masquerade, a ;1/;2 Local swap,
     * PJSIP renaming a channel): parties show the new name so that desktop commands reach the right channel.
     */
    void rename(AmiMessage m) {
        Channel ch = s.channel(m.get("Uniqueid"));
        String newName = m.get("Newname");
        if (ch == null || newName == null || newName.isEmpty() || newName.equals(ch.name)) {
            return;
        }
        s.channelsByName.remove(ch.name, ch);
        ch.name = newName;
        s.channelsByName.put(newName, ch);
        for (Call call : new Call[] {ch.call, ch.guestOf}) {
            Party p = call == null ? null : call.parties.get(ch.uniqueid);
            if (p != null) {
                call.parties.put(ch.uniqueid, new Party(p.role(), newName, p.uniqueid(), p.iface(), p.name(), p.number()));
                s.touch(call);
            }
        }
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
        Channel dialer = s.channel(m.get("Uniqueid"));
        if (call.ownerIface != null && !call.ownerOffered
                && (dest.uniqueid.equals(call.linkedId) || dialer != null && dialer.uniqueid.equals(call.linkedId))) {
            offerToOwner(call);
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

    /**
     * The owner's phone rings (an Originate dials it first) or the owner starts dialling: the desktop gets the call
     * offered, as for an inbound call.
     */
    private void offerToOwner(Call call) {
        Agent owner = s.agents.get(call.ownerIface);
        if (owner == null) {
            return;
        }
        call.ownerOffered = true;
        call.state = CallState.RINGING;
        s.touch(call);
        owner.ringingCall = call;
        s.emit(new CallOffered(s.pbx, s.clock.instant(), s.callView(call), owner.iface, owner.memberName));
        s.refreshAgent(owner);
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
