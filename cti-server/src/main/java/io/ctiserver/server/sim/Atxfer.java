package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;

/**
 * An attended transfer started with the Atxfer action from the agent's channel (capture 08): the agent is put in a
 * second bridge with the target, and when the agent hangs up the target takes the agent's place in the caller's
 * bridge (AttendedTransfer with DestType Bridge). The agent "hangs up" when the scripted talk time ends, or one
 * second after the target answers if that is later.
 */
final class Atxfer {

    private final Pbx pbx;
    private final QueueCall call;
    private final Chan agent;
    private final Chan target;
    private final String exten;
    private final String context;
    private final Bridge second;
    private boolean targetAnswered;
    private boolean transfererGone;
    private boolean done;

    private Atxfer(QueueCall call, Chan agent, String exten, String context) {
        this.pbx = call.pbx;
        this.call = call;
        this.agent = agent;
        this.exten = exten;
        this.context = context;
        pbx.setVar(agent, "TRANSFER_CONTEXT", context);
        // The agent's side is put on hold while it consults: the caller hears music.
        pbx.emitChan("Hold", "call,all", agent);
        pbx.emitChan("MusicOnHoldStart", "call,all", call.caller, "Class", "default");
        target = pbx.newLocalPair(exten, context, agent.linkedid);
        target.callerId(agent.cidNum, agent.cidName);
        target.localPeer.callerId(agent.cidNum, agent.cidName);
        target.flow = (c, cause) -> pbx.hangupAll(c, cause);
        target.localPeer.flow = target.flow;
        second = pbx.bridgeCreate();
        target.localPeer.connected(agent.cidNum, agent.cidName);
        pbx.newCallerid(target.localPeer);
        pbx.localBridge(target);
        target.connected(agent.cidNum, agent.cidName);
        pbx.newConnectedLine(target);
        pbx.bridgeEnter(second, target);
        pbx.bridgeLeave(agent);
        pbx.bridgeEnter(second, agent);
        pbx.newState(target, ChanState.RINGING);
        pbx.dialState(null, target, "RINGING");
        agent.connected(exten, "");
        pbx.newConnectedLine(agent);
        pbx.engine.after(1000, this::targetAnswers);
    }

    static Atxfer start(QueueCall call, Chan agent, String exten, String context) {
        Atxfer a = new Atxfer(call, agent, exten, context);
        call.atxfer = a;
        return a;
    }

    private void targetAnswers() {
        if (target.hungUp) {
            return;
        }
        pbx.newState(target.localPeer, ChanState.UP);
        pbx.newState(target, ChanState.UP);
        pbx.dialEnd(null, target, "ANSWER");
        targetAnswered = true;
        if (transfererGone && !done) {
            pbx.engine.after(1000, this::complete);
        }
    }

    /**
     * A Hangup of the agent's channel during the consultation: the transfer completes at once, also while the target
     * still rings (the customer then hears it ring, and talks once it answers).
     */
    void transfererHangsUp() {
        transfererGone = true;
        complete();
    }

    /** The agent's talk time is over: the agent hangs up, which completes the transfer. */
    void transfererDone() {
        transfererGone = true;
        if (targetAnswered) {
            complete();
        }
    }

    private void complete() {
        if (done) {
            return;
        }
        done = true;
        Chan inner = agent.localPeer;
        Bridge first = call.caller.bridge;
        if (inner != null) {
            pbx.newCallerid(inner);
            pbx.softHangupRequest(inner, 16);
            pbx.hangupRequest(agent, 16);
            pbx.hangup(inner, 16);
        } else {
            pbx.hangupRequest(agent, 16);
        }
        pbx.bridgeLeave(agent);
        pbx.bridgeLeave(target);
        if (first != null) {
            pbx.bridgeEnter(first, target);
        }
        pbx.emitChan("MusicOnHoldStop", "call,all", call.caller);
        AmiMessage.Builder b = Pbx.event("AttendedTransfer", "call,all").add("Result", "Success");
        agent.snapshot(b, "OrigTransferer");
        if (first != null) {
            first.snapshot(b, "Orig");
        }
        agent.snapshot(b, "SecondTransferer");
        second.snapshot(b, "Second");
        call.caller.snapshot(b, "Transferee");
        target.snapshot(b, "TransferTarget");
        pbx.emit(b.add("IsExternal", "No").add("DestType", "Bridge")
                .add("DestBridgeUniqueid", first == null ? "" : first.id));
        pbx.bridgeDestroy(second);
        pbx.hangup(agent, 16);
        call.caller.connected(target.cidNum, target.cidName);
        pbx.newConnectedLine(call.caller);
        QueueCall.Leg leg = call.connected;
        call.agentComplete("transfer");
        call.memberFree(leg.member);
        pbx.queueLog.write(pbx.now(), call.caller.uniqueid, call.queue.name, call.queue.agentName(leg.member),
                "TRANSFER", exten, context, (call.connectedAt - call.joinedAt) / 1000,
                (pbx.now() - call.connectedAt) / 1000, call.originalPosition);
        call.caller.flow = (c, cause) -> {
            pbx.hangupAll(target, cause);
            pbx.hangupAll(c, cause);
        };
        pbx.engine.after(Dialplan.TARGET_TALK_SECONDS * 1000, this::targetHangsUp);
    }

    private void targetHangsUp() {
        if (target.hungUp) {
            return;
        }
        Chan inner = target.localPeer;
        pbx.softHangupRequest(inner, 16);
        pbx.hangupRequest(target, 16);
        pbx.hangup(inner, 16);
        Bridge br = target.bridge;
        pbx.bridgeLeave(target);
        pbx.hangup(target, 16);
        pbx.bridgeLeave(call.caller);
        if (br != null) {
            pbx.bridgeDestroy(br);
        }
        Chan caller = call.caller;
        Chan one = caller.localPeer;
        if (caller.hungUp) {
            return;
        }
        if (one == null) {
            pbx.hangupAll(caller, 16);
            return;
        }
        // The connected-line change of the transfer reaches the originating ;1 as a caller-id update only as the
        // pair goes down: capture 08 shows NewCallerid on ;1 between the two Hangup events.
        pbx.softHangupRequest(caller, 16);
        pbx.hangupRequest(one, 16);
        pbx.hangup(one, 16);
        one.callerId(target.cidNum, target.cidName);
        pbx.newCallerid(one);
        pbx.hangup(caller, 16);
    }
}
