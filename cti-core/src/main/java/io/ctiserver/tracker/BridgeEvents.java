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
        ch.leftFromContext = null;
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
            s.addParty(call, ch, Party.Role.OTHER, null, null);
            // A Local pair optimising away swaps its real channel in: that is the same party, not a third one.
            if (bridge.channels.size() >= 3 && !s.optimizingSources.containsValue(ch.uniqueid)) {
                s.emit(new CallConferenced(s.pbx, s.clock.instant(), s.callView(call)));
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
        call.state = CallState.CONNECTED;
        s.addParty(call, caller, Party.Role.CALLER, null, null);
        for (Channel other : others) {
            Agent agent = s.agentsByDevice.get(other.device);
            if (agent != null) {
                call.agentIface = agent.iface;
                call.agentName = agent.memberName;
                s.addParty(call, other, Party.Role.AGENT, agent.iface, agent.memberName);
                agent.call = call;
                agent.ringingCall = null;
                s.refreshAgent(agent);
            } else {
                s.addParty(call, other, Party.Role.OTHER, null, null);
            }
        }
        Agent callingAgent = s.agentsByDevice.get(call.callerChannel.device);
        if (callingAgent != null) {
            // An agent's own outbound or internal call: the agent is on it, and the record names them when nobody
            // else is an agent.
            if (call.agentIface == null) {
                call.agentIface = callingAgent.iface;
                call.agentName = callingAgent.memberName;
            }
            callingAgent.call = call;
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

    void checkRedirect(Channel ch, String priority) {
        boolean moved = !Objects.equals(ch.context, ch.leftFromContext) || !Objects.equals(ch.exten, ch.leftFromExten)
                || "1".equals(priority);
        if (!moved || "h".equals(ch.exten) || ch.hangupRequested) {
            return;
        }
        ch.leftFromContext = null;
        Call call = ch.call;
        if (s.options.conferenceContexts().contains(ch.context)) {
            return; // the gateway's three-way call: both legs go to a conference room, the call goes on
        }
        if (s.options.holdContexts().contains(ch.context)) {
            if (call.state == CallState.CONNECTED) {
                call.state = CallState.HELD;
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
        if (ch == null) {
            return;
        }
        Call call = ch.call;
        if (held && call.state == CallState.CONNECTED) {
            call.state = CallState.HELD;
            s.touch(call);
            s.emit(new CallHeld(s.pbx, s.clock.instant(), s.callView(call)));
        } else if (!held && call.state == CallState.HELD) {
            call.state = CallState.CONNECTED;
            s.touch(call);
            s.emit(new CallRetrieved(s.pbx, s.clock.instant(), s.callView(call)));
        }
    }

    void musicOnHold(AmiMessage m, boolean start) {
        Channel ch = s.channel(m.get("Uniqueid"));
        // Music in the queue is waiting, not hold: only a connected call is held.
        if (ch != null && ch.call.connected()) {
            hold(ch, start);
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
        if (target != null) {
            if (target.call != call) {
                mergeInto(call, target.call);
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
            s.addParty(call, target, Party.Role.TRANSFER_TARGET, null, null);
        }
        if (call.state == CallState.HELD) {
            call.state = CallState.CONNECTED;
        }
        transferred(call, new Transfer(Transfer.Kind.ATTENDED, targetNumber));
    }

    /** The consultation call of an attended transfer joins the customer's call; it leaves no record of its own. */
    private void mergeInto(Call call, Call other) {
        for (Channel c : s.channels.values()) {
            if (c.call == other) {
                c.call = call;
                call.liveChannels++;
                other.liveChannels--;
            }
        }
        s.calls.remove(other.id);
        s.viewCache.remove(other);
        s.callsDirty = true;
    }

    private void transferred(Call call, Transfer transfer) {
        call.transfers.add(transfer);
        // The agent hands the call on; unless someone answers it again, the transfer is how it ended for us.
        call.agentEndReason = "transfer";
        call.answeredSinceAgentEnd = false;
        s.touch(call);
        s.emit(new CallTransferred(s.pbx, s.clock.instant(), s.callView(call), transfer));
    }
}
