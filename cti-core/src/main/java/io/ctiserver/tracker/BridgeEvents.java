package io.ctiserver.tracker;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallAnswered;
import io.ctiserver.events.CallConferenced;
import io.ctiserver.events.CallHeld;
import io.ctiserver.events.CallRetrieved;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallTransferred;
import io.ctiserver.events.Party;
import io.ctiserver.events.Transfer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Bridges and what they mean for a call: answer outside queues, conference, hold, and the three transfers
 * (BlindTransfer, AttendedTransfer, and a Redirect seen as a bridge leave followed by a Newexten elsewhere). Part of
 * the tracker's single writer.
 */
final class BridgeEvents {

    private final TrackerState s;
    private final QueueEvents queueEvents;

    BridgeEvents(TrackerState state, QueueEvents queueEvents) {
        this.s = state;
        this.queueEvents = queueEvents;
    }

    void bridgeEnter(AmiMessage m) {
        Channel ch = s.channel(m.get("Uniqueid"));
        if (ch == null) {
            return;
        }
        Bridge bridge = s.bridges.computeIfAbsent(m.get("BridgeUniqueid", ""), Bridge::new);
        if (ch.bridge != null) {
            ch.bridge.channels.remove(ch);
        }
        int before = bridge.channels.size();
        bridge.channels.add(ch);
        ch.bridge = bridge;
        ch.bridgedAt = s.clock.instant();
        ch.leftFromContext = null;
        ch.redirectPending = false;
        Call call = ch.call;
        if (before == 0) {
            return;
        }
        if (call.answeredAt == null) {
            answerByBridge(call, bridge);
        } else if (call.state == CallState.HELD && joinsCallerWithAnother(bridge, call)) {
            // Back from hold: the caller meets the agent again, whoever entered first (the Bridge action, a
            // Redirect back, a pickup from park).
            call.state = CallState.CONNECTED;
            call.timeline.holdEnded(s.clock.instant());
            s.touch(call);
            s.emit(new CallRetrieved(s.pbx, s.clock.instant(), s.callView(call)));
        } else if (!bridgeHasCaller(bridge, call)) {
            markConsultationTarget(call, bridge);
        }
        joinConnectedCalls(ch, bridge);
    }

    /**
     * A channel entering a bridge where a connected call's caller is joins that call as a party, whichever call it
     * came from (a conference dial-out is a call of its own); a third one in the bridge makes it a conference.
     */
    private void joinConnectedCalls(Channel ch, Bridge bridge) {
        Call done = null;
        for (int i = 0; i < bridge.channels.size(); i++) {
            Call call = bridge.channels.get(i).call;
            if (call == done || call.state != CallState.CONNECTED || call.isCallerSide(ch)
                    || call.parties.containsKey(ch.uniqueid) || !bridgeHasCaller(bridge, call)) {
                continue;
            }
            done = call;
            Call own = ch.call;
            if (own != call) {
                if (own.answeredAt == null && own.queue == null && !own.monitorLeg) {
                    // A leg that never connected on its own (the conference dial-out, with its own Linkedid) is a
                    // party of this call, not a call of its own.
                    s.merge(call, own);
                } else {
                    ch.guestOf = call;
                }
            }
            Agent agent = s.agentOf(ch);
            if (agent != null) {
                // Another agent joins the customer (the conference target is an agent's phone, say).
                s.addParty(call, ch, Party.Role.AGENT, agent.iface, agent.memberName);
                call.timeline.segmentStarted(agent.iface, agent.memberName, null, s.clock.instant());
                agent.call = call;
                agent.ringingCall = agent.ringingCall == call ? null : agent.ringingCall;
                s.refreshAgent(agent);
            } else {
                String number = ch.localExten() != null ? ch.localExten() : ch.callerNum;
                s.addParty(call, ch, Party.Role.OTHER, null, null, number);
            }
            // A Local pair optimising away swaps its real channel in: that is the same party, not a third one.
            if (bridge.channels.size() >= 3 && !s.optimizingSources.containsValue(ch.uniqueid)) {
                conferenceParties(call, bridge);
                s.emit(new CallConferenced(s.pbx, s.clock.instant(), s.callView(call)));
            }
        }
    }

    /** Everyone of the call in a bridge of three or more is a conference party, from when they entered it. */
    private void conferenceParties(Call call, Bridge bridge) {
        for (Channel c : bridge.channels) {
            Party p = call.parties.get(c.uniqueid);
            if (p == null && c.call != call) {
                continue;
            }
            if (!call.timeline.inConference(c.uniqueid)) {
                String iface = p != null ? p.iface() : null;
                String name = p != null && p.name() != null ? p.name() : c.callerName;
                String number = p != null && p.number() != null ? p.number() : c.callerNum;
                call.timeline.conferenceJoined(c.uniqueid, c.name, iface, name, number,
                        c.bridgedAt != null ? c.bridgedAt : s.clock.instant());
            }
        }
    }

    /**
     * The agent talks to someone of the same call without the caller (Atxfer's consultation, a second leg the agent
     * dialled): that someone is the transfer target, which desktops need to cancel or complete the transfer.
     */
    private void markConsultationTarget(Call call, Bridge bridge) {
        Channel agentLeg = null;
        Channel target = null;
        for (Channel c : bridge.channels) {
            if (c.call != call || call.isCallerSide(c)) {
                continue;
            }
            Party p = call.parties.get(c.uniqueid);
            if (p != null && p.role() == Party.Role.AGENT) {
                agentLeg = c;
            } else if (p == null) {
                target = c;
            }
        }
        if (agentLeg != null && target != null) {
            String number = target.localExten() != null ? target.localExten() : target.dialledNumber();
            s.addParty(call, target, Party.Role.TRANSFER_TARGET, null, null, number);
        }
    }

    private boolean joinsCallerWithAnother(Bridge bridge, Call call) {
        boolean caller = false;
        boolean other = false;
        for (Channel c : bridge.channels) {
            if (c.call == call) {
                if (call.isCallerSide(c)) {
                    caller = true;
                } else {
                    other = true;
                }
            }
        }
        return caller && other;
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
        if (others.isEmpty() || caller == null) {
            return;
        }
        Instant now = s.clock.instant();
        call.answeredAt = now;
        call.segmentAnsweredAt = now;
        call.answeredSinceAgentEnd = true;
        call.firstHangup = null;
        call.state = CallState.CONNECTED;
        Agent callingAgent = s.agentsByDevice.get(call.callerChannel.device);
        if (callingAgent != null && callingAgent.iface.equals(call.ownerIface)) {
            s.addParty(call, caller, Party.Role.AGENT, callingAgent.iface, callingAgent.memberName);
        } else {
            s.addParty(call, caller, Party.Role.CALLER, null, null);
        }
        for (Channel other : others) {
            Agent agent = s.agentsByDevice.get(other.device);
            if (agent != null) {
                call.agentIface = agent.iface;
                call.agentName = agent.memberName;
                s.addParty(call, other, Party.Role.AGENT, agent.iface, agent.memberName);
                call.timeline.segmentStarted(agent.iface, agent.memberName, null, now);
                agent.call = call;
                agent.ringingCall = null;
                s.refreshAgent(agent);
            } else {
                // The far end of an agent's own call: what the agent dialled names it.
                String number = other.localExten() != null ? other.localExten() : other.callerNum;
                s.addParty(call, other, Party.Role.OTHER, null, null, number);
            }
        }
        if (callingAgent != null) {
            call.timeline.segmentStarted(callingAgent.iface, callingAgent.memberName, null, now);
            // An agent's own outbound or internal call: the agent is on it, and the record names them when nobody
            // else is an agent.
            if (call.agentIface == null) {
                call.agentIface = callingAgent.iface;
                call.agentName = callingAgent.memberName;
            }
            callingAgent.call = call;
            if (callingAgent.ringingCall == call) {
                callingAgent.ringingCall = null;
            }
            s.refreshAgent(callingAgent);
        }
        for (String ringingId : List.copyOf(call.ringing.keySet())) {
            queueEvents.stopRinging(call, call.ringing.remove(ringingId));
        }
        s.touch(call);
        s.emit(new CallAnswered(s.pbx, now, s.callView(call)));
    }

    void bridgeLeave(AmiMessage m) {
        Channel ch = s.channel(m.get("Uniqueid"));
        if (ch == null || ch.bridge == null) {
            return;
        }
        Bridge bridge = ch.bridge;
        bridge.channels.remove(ch);
        ch.bridge = null;
        Call call = ch.call;
        call.timeline.conferenceLeft(ch.uniqueid, s.clock.instant());
        if (ch.guestOf != null) {
            ch.guestOf.timeline.conferenceLeft(ch.uniqueid, s.clock.instant());
        }
        boolean redirected = ch.redirectPending;
        ch.redirectPending = false;
        if (!call.isCallerSide(ch) || !call.connected() || ch.hangupRequested) {
            return;
        }
        if (redirected && !call.blindTransferPending) {
            // The Newexten came first (Asterisk 22's order): the Redirect is known now.
            redirected(ch);
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

    void checkRedirect(Channel ch, String priority) {
        boolean moved = !Objects.equals(ch.context, ch.leftFromContext) || !Objects.equals(ch.exten, ch.leftFromExten)
                || "1".equals(priority);
        if (!moved || "h".equals(ch.exten) || ch.hangupRequested) {
            return;
        }
        ch.leftFromContext = null;
        redirected(ch);
    }

    /** The caller was moved out of the agent's bridge by a Redirect to {@code ch.context}/{@code ch.exten}. */
    private void redirected(Channel ch) {
        Call call = ch.call;
        if (s.options.conferenceContexts().contains(ch.context)) {
            return; // the gateway's three-way call: both legs go to a conference room, the call goes on
        }
        if (s.options.holdContexts().contains(ch.context)) {
            if (call.state == CallState.CONNECTED) {
                call.state = CallState.HELD;
                call.timeline.holdStarted(call.agentIface, s.clock.instant());
                s.touch(call);
                s.emit(new CallHeld(s.pbx, s.clock.instant(), s.callView(call)));
            }
            return;
        }
        transferred(call, new Transfer(Transfer.Kind.REDIRECT, ch.exten));
    }

    void bridgeDestroy(AmiMessage m) {
        Bridge bridge = s.bridges.remove(m.get("BridgeUniqueid", ""));
        if (bridge != null) {
            for (Channel c : bridge.channels) {
                c.bridge = null;
            }
        }
    }

    void hold(Channel ch, boolean held) {
        hold(ch, held, ch == null ? null : s.who(ch));
    }

    /** Hold or back from hold; {@code by} is who held (the agent's interface, else a channel). */
    void hold(Channel ch, boolean held, String by) {
        if (ch == null) {
            return;
        }
        Call call = ch.call;
        if (held && call.state == CallState.CONNECTED) {
            call.state = CallState.HELD;
            call.timeline.holdStarted(by, s.clock.instant());
            s.touch(call);
            s.emit(new CallHeld(s.pbx, s.clock.instant(), s.callView(call)));
        } else if (!held && call.state == CallState.HELD) {
            call.state = CallState.CONNECTED;
            call.timeline.holdEnded(s.clock.instant());
            s.touch(call);
            s.emit(new CallRetrieved(s.pbx, s.clock.instant(), s.callView(call)));
        }
    }

    /** ParkedCall: the customer waits in a parking space; the call stays one call, held until someone picks it up. */
    void parkedCall(AmiMessage m) {
        Channel ch = s.channel(m.get("ParkeeUniqueid"));
        if (ch == null || ch.call.timeline.parked()) {
            return;
        }
        Call call = ch.call;
        Instant now = s.clock.instant();
        call.timeline.parkStarted(m.get("ParkingSpace"), m.get("Parkinglot"), parker(m, call), now);
        call.timeline.allSegmentsEnded(now);
        // Who hangs up from now on decides endedBy: not the parker's leg going away.
        call.firstHangup = null;
        call.agentEndReason = null;
        if (call.state == CallState.CONNECTED) {
            call.state = CallState.HELD;
            s.touch(call);
            s.emit(new CallHeld(s.pbx, now, s.callView(call)));
        }
    }

    /** The parker: the Parker channel when Asterisk gives it, else the device of ParkerDialString, else the agent. */
    private String parker(AmiMessage m, Call call) {
        Channel parker = s.channel(m.get("ParkerUniqueid"));
        if (parker != null) {
            return s.who(parker);
        }
        String dial = m.get("ParkerDialString");
        if (dial != null && !dial.isEmpty()) {
            Agent agent = s.agentsByDevice.get(Channel.deviceOfInterface(dial));
            return agent != null ? agent.iface : dial;
        }
        return call.agentIface;
    }

    /**
     * UnParkedCall: someone picked the customer up. The retriever's leg (a call of its own, dialled to the space)
     * joins the customer's call, and the retriever becomes the connected agent.
     */
    void unparkedCall(AmiMessage m) {
        Channel ch = s.channel(m.get("ParkeeUniqueid"));
        if (ch == null) {
            return;
        }
        Call call = ch.call;
        Instant now = s.clock.instant();
        Channel retriever = s.channel(m.get("RetrieverUniqueid"));
        call.timeline.parkEnded(retriever != null ? s.who(retriever) : m.get("RetrieverChannel"), "retrieved", now);
        if (retriever != null) {
            if (retriever.call != call) {
                s.merge(call, retriever.call);
            }
            Agent agent = s.agentOf(retriever);
            if (agent != null) {
                call.agentIface = agent.iface;
                call.agentName = agent.memberName;
                s.addParty(call, retriever, Party.Role.AGENT, agent.iface, agent.memberName);
                call.timeline.segmentStarted(agent.iface, agent.memberName, null, now);
                agent.call = call;
                agent.ringingCall = null;
                s.refreshAgent(agent);
            } else {
                s.addParty(call, retriever, Party.Role.OTHER, null, null);
            }
            call.answeredSinceAgentEnd = true;
            call.firstHangup = null;
        }
        if (call.state == CallState.HELD) {
            call.state = CallState.CONNECTED;
            s.touch(call);
            s.emit(new CallRetrieved(s.pbx, now, s.callView(call)));
        }
    }

    /** ParkedCallTimeOut (back to the parker's dial string) or ParkedCallGiveUp (the customer hung up while parked). */
    void parkEnded(AmiMessage m, String outcome) {
        Channel ch = s.channel(m.get("ParkeeUniqueid"));
        if (ch == null) {
            return;
        }
        ch.call.timeline.parkEnded(null, outcome, s.clock.instant());
        if ("timeout".equals(outcome)) {
            hold(ch, false);
        }
    }

    void musicOnHold(AmiMessage m, boolean start) {
        Channel ch = s.channel(m.get("Uniqueid"));
        // Music in the queue is waiting, not hold: only a connected call is held.
        if (ch != null && ch.call.connected() && !ch.call.timeline.parked()) {
            // The music plays to the customer; the agent on the call is the one who held.
            hold(ch, start, ch.call.agentIface != null ? ch.call.agentIface : s.who(ch));
        }
    }

    void blindTransfer(AmiMessage m) {
        if (!"Success".equalsIgnoreCase(m.get("Result"))) {
            return;
        }
        Channel transferee = s.channel(m.get("TransfereeUniqueid"));
        Channel transferer = s.channel(m.get("TransfererUniqueid"));
        Call call = transferee != null ? transferee.call : transferer != null ? transferer.call : null;
        if (call == null) {
            return;
        }
        call.blindTransferPending = true;
        transferred(call, new Transfer(Transfer.Kind.BLIND, m.get("Extension")));
    }

    void attendedTransfer(AmiMessage m) {
        if (!"Success".equalsIgnoreCase(m.get("Result"))) {
            return;
        }
        Channel transferee = s.channel(m.get("TransfereeUniqueid"));
        Channel target = s.channel(m.get("TransferTargetUniqueid"));
        Call call = transferee != null ? transferee.call : target != null ? target.call : null;
        if (call == null) {
            return;
        }
        String targetNumber = Headers.realExten(m.get("TransferTargetExten"));
        Agent targetAgent = null;
        if (target != null) {
            if (target.call != call) {
                // A consultation call with its own Linkedid (the agent's phone placed it) stays a call of its own,
                // linked to the customer's; its leg to the target is a guest party of the customer's call.
                call.relatedCalls.add(target.call.id);
                target.call.relatedCalls.add(call.id);
                target.guestOf = call;
                s.touch(target.call);
            }
            // What the agent dialled, best first: a Local target's extension, the DialString, the target's Exten.
            // (A dialled channel's CallerIDNum is the caller's number, so it cannot name the target.)
            String localExten = target.localExten();
            String dialled = target.dialledNumber();
            if (localExten != null) {
                targetNumber = localExten;
            } else if (dialled != null) {
                targetNumber = dialled;
            }
            call.parties.remove(target.uniqueid);
            targetAgent = s.agentOf(target);
            if (targetAgent != null) {
                s.addParty(call, target, Party.Role.AGENT, targetAgent.iface, targetAgent.memberName);
            } else {
                s.addParty(call, target, Party.Role.TRANSFER_TARGET, null, null);
            }
        }
        if (call.state == CallState.HELD) {
            call.state = CallState.CONNECTED;
            call.timeline.holdEnded(s.clock.instant());
        }
        transferred(call, new Transfer(Transfer.Kind.ATTENDED, targetNumber));
        if (targetAgent != null) {
            // Handed to another agent: theirs is the next part of the call, and the record names them.
            call.timeline.segmentStarted(targetAgent.iface, targetAgent.memberName, null, s.clock.instant());
            call.agentIface = targetAgent.iface;
            call.agentName = targetAgent.memberName;
            call.answeredSinceAgentEnd = true;
            call.firstHangup = null;
            targetAgent.call = call;
            s.refreshAgent(targetAgent);
        }
    }

    private void transferred(Call call, Transfer transfer) {
        call.transfers.add(transfer);
        // The customer leaves the agent (or agents) who had them.
        call.timeline.allSegmentsEnded(s.clock.instant(), transfer.kind() == Transfer.Kind.REDIRECT);
        // The agent hands the call on; unless someone answers it again, the transfer is how it ended for us.
        call.agentEndReason = "transfer";
        call.answeredSinceAgentEnd = false;
        s.touch(call);
        s.emit(new CallTransferred(s.pbx, s.clock.instant(), s.callView(call), transfer));
    }
}
