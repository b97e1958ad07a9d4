package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * One caller's way through the {@code incoming} dialplan of the testbed: answer, IVR variables, the FastAGI route
 * step, then {@code Queue()}: ringing members by strategy, ring-no-answer and retry, connect and bridge, completion
 * by either side, abandon, timeout and transfers. Emits the AMI events in the order the captures show and writes the
 * true outcome to the queue_log.
 */
final class QueueCall implements CallFlow {

    /** One member being rung: the dialled channel ({@code ;1} of a Local pair, or the PJSIP channel). */
    final class Leg {
        final SimQueue.Member member;
        final Chan dialed;
        final long startedAt;
        SimEngine.Timer answerTimer;

        Leg(SimQueue.Member member, Chan dialed) {
            this.member = member;
            this.dialed = dialed;
            this.startedAt = pbx.now();
        }

        Chan inner() {
            return dialed.localPeer;
        }
    }

    enum Phase { ROUTING, WAITING, RINGING, CONNECTED, DONE }

    final Pbx pbx;
    final Chan caller;
    /** Script: how long the agent talks (seconds) and who hangs up; set by the traffic model or a test. */
    double talkSeconds;
    boolean agentHangsUp = true;
    double patienceSeconds;
    Phase phase = Phase.ROUTING;
    SimQueue queue;
    int priority;
    int originalPosition;
    long joinedAt;
    String firstAgent;
    double firstAgentTimeout;
    boolean firstAgentTried;
    final List<Leg> legs = new ArrayList<>();
    Leg connected;
    long connectedAt;
    private SimEngine.Timer ringTimeout;
    private SimEngine.Timer retryTimer;
    private SimEngine.Timer patienceTimer;
    private SimEngine.Timer maxWaitTimer;
    private SimEngine.Timer talkTimer;
    /** When the scripted conversation ends (engine ms). */
    private long talkEndsAt;
    /** The attended transfer in progress, if any. */
    Atxfer atxfer;

    QueueCall(Pbx pbx, Chan caller, double talkSeconds, double patienceSeconds) {
        this.pbx = pbx;
        this.caller = caller;
        this.talkSeconds = talkSeconds;
        this.patienceSeconds = patienceSeconds;
        caller.flow = this;
    }

    // ---- routing ------------------------------------------------------------------------------------------------

    /** Runs the dialplan from Answer: the AGI step, then Queue(). The caller is already up. */
    void start(AgiStep agi) {
        caller.location("incoming", caller.exten, 4);
        caller.app("AGI", "agi://" + pbx.config.agiHost() + ":" + pbx.config.agiPort() + "/route,"
                + caller.exten + "," + caller.cidNum);
        if (agi == null) {
            // The incoming-noagi dialplan: the IVR choice picks the queue.
            String ivr = caller.vars.get("IVR_CHOICE");
            String q = ivr == null ? null : pbx.config.ivrQueues().get(ivr);
            joinNamed(q);
            return;
        }
        agi.run(caller, List.of(caller.exten, caller.cidNum), status -> {
            if (!caller.hungUp) {
                afterAgi(status);
            }
        });
    }

    private void afterAgi(String agiStatus) {
        pbx.setVar(caller, "AGISTATUS", agiStatus);
        if (agiStatus.equals("HANGUP")) {
            finishCaller(16); // the script hung the channel up: the dialplan stops here
            return;
        }
        String q = firstNonEmpty(caller.vars.get("CTI_QUEUE"), caller.vars.get("CTI_ROUTE"));
        SimQueue target = q == null ? null : pbx.queues.get(q);
        if (target == null) {
            target = pbx.queues.get(pbx.config.defaultQueue());
        }
        priority = parseInt(caller.vars.get("CTI_PRIORITY"), 0);
        firstAgent = firstNonEmpty(caller.vars.get("CTI_AGENT"), null);
        firstAgentTimeout = parseInt(caller.vars.get("CTI_AGENT_TIMEOUT"), target == null ? 15 : target.timeout);
        caller.location("incoming", caller.exten, 6);
        pbx.setVar(caller, "QNAME", target == null ? "" : target.name);
        if (target == null) {
            finishCaller(16);
            return;
        }
        join(target);
    }

    private void joinNamed(String name) {
        SimQueue target = name == null ? null : pbx.queues.get(name);
        if (target == null) {
            target = pbx.queues.get(pbx.config.defaultQueue());
        }
        if (target == null) {
            finishCaller(16);
            return;
        }
        join(target);
    }

    private void join(SimQueue q) {
        queue = q;
        caller.location("incoming", caller.exten, 7);
        caller.app("Queue", q.name + ",tT,,," + (q.maxWait > 0 ? q.maxWait : ""));
        int pos = q.entries.size();
        for (int i = 0; i < q.entries.size(); i++) {
            if (q.entries.get(i).priority < priority) {
                pos = i;
                break;
            }
        }
        q.entries.add(pos, this);
        originalPosition = pos + 1;
        joinedAt = pbx.now();
        phase = Phase.WAITING;
        pbx.emitChan("QueueCallerJoin", "agent,all", caller, "Queue", q.name,
                "Position", Integer.toString(originalPosition), "Count", Integer.toString(q.entries.size()));
        pbx.emitChan("MusicOnHoldStart", "call,all", caller, "Class", "default");
        pbx.queueLog.write(pbx.now(), caller.uniqueid, q.name, "NONE", "ENTERQUEUE", "", caller.cidNum,
                originalPosition);
        if (patienceSeconds > 0) {
            patienceTimer = pbx.engine.after(patienceSeconds * 1000, this::abandon);
        }
        if (q.maxWait > 0) {
            maxWaitTimer = pbx.engine.after(q.maxWait * 1000.0, this::exitWithTimeout);
        }
        tryRing();
    }

    boolean canRing() {
        return phase == Phase.WAITING && retryTimer == null;
    }

    void tryRing() {
        if (phase != Phase.WAITING) {
            return;
        }
        retryTimer = null;
        List<SimQueue.Member> pick = null;
        int timeout = queue.timeout;
        if (firstAgent != null && !firstAgentTried) {
            firstAgentTried = true;
            SimQueue.Member m = queue.members.get(firstAgent);
            if (m != null && queue.available(m)) {
                pick = List.of(m);
                timeout = (int) firstAgentTimeout;
            }
        }
        if (pick == null) {
            pick = queue.pick();
        }
        if (pick.isEmpty()) {
            return; // woken by SimQueue.kick() when a member frees up
        }
        phase = Phase.RINGING;
        for (SimQueue.Member m : pick) {
            ring(m);
        }
        ringTimeout = pbx.engine.after(timeout * 1000.0, this::ringTimedOut);
    }

    private void ring(SimQueue.Member m) {
        Device d = m.device;
        d.ringing = true;
        Chan dialed;
        String dialledPeer = d.isLocal() ? d.iface.substring("Local/".length()) : d.iface.substring(6);
        if (d.isLocal()) {
            dialed = pbx.newLocalPair(d.localExten(), d.localContext(), caller.linkedid);
            dialed.callerId(caller.cidNum, caller.cidName);
            dialed.app("AppQueue", "(Outgoing Line)");
            pbx.newCallerid(dialed);
            Chan inner = dialed.localPeer;
            pbx.setVar(dialed, "DIALEDPEERNUMBER", dialledPeer);
            pbx.setVar(inner, "DIALEDPEERNUMBER", dialledPeer);
            inner.callerId(caller.cidNum, caller.cidName);
            inner.connected(caller.cidNum, caller.cidName);
            pbx.newCallerid(inner);
            pbx.newConnectedLine(inner);
            pbx.localBridge(dialed);
        } else {
            // A SIP agent's channel carries the endpoint's own caller id and the caller's Linkedid (captures 09, R1).
            dialed = pbx.newChannelWithCallerId(d.iface, caller.linkedid, ChanState.DOWN, "from-agents", "s",
                    dialledPeer, m.name);
            dialed.connected(null, null);
            dialed.app("AppQueue", "(Outgoing Line)");
            pbx.setVar(dialed, "DIALEDPEERNUMBER", dialledPeer);
        }
        Leg leg = new Leg(m, dialed);
        dialed.flow = this;
        if (dialed.localPeer != null) {
            dialed.localPeer.flow = this;
        }
        legs.add(leg);
        AmiMessage.Builder b = Pbx.event("AgentCalled", "agent,all");
        caller.snapshot(b, "");
        dialed.snapshot(b, "Dest");
        pbx.emit(b.add("Queue", queue.name).add("Interface", m.iface).add("MemberName", m.name));
        pbx.dialBegin(caller, dialed, m.iface);
        if (!d.isLocal()) {
            caller.connected(dialed.cidNum, dialed.cidName);
            pbx.newConnectedLine(caller);
        }
        dialed.exten = caller.exten;
        String behaviour = d.behaviour;
        if (behaviour.equals("answer") && d.answerShare < 1.0 && pbx.random.nextDouble() >= d.answerShare) {
            behaviour = "noanswer";
        }
        // cti-phones.conf in the member's dialplan: a phone on DND answers the queue's leg busy.
        String exten = d.isLocal() ? d.localExten() : d.iface.substring(d.iface.indexOf('/') + 1);
        if (io.ctiserver.server.sim.phone.PhoneDialplan.route(pbx.astDb, exten)
                instanceof io.ctiserver.server.sim.phone.PhoneDialplan.Busy) {
            behaviour = "busy";
        }
        if (behaviour.equals("busy")) {
            leg.answerTimer = pbx.engine.after(500, () -> legBusy(leg));
            return;
        }
        pbx.newState(dialed, ChanState.RINGING);
        dialed.connected(caller.cidNum, caller.cidName);
        pbx.newConnectedLine(dialed);
        pbx.dialState(caller, dialed, "RINGING");
        queue.memberEvent("QueueMemberStatus", m);
        if (behaviour.equals("answer")) {
            leg.answerTimer = pbx.engine.after(d.ringSeconds * 1000, () -> answer(leg));
        }
    }

    private void legBusy(Leg leg) {
        if (phase != Phase.RINGING || !legs.contains(leg)) {
            return;
        }
        legs.remove(leg);
        pbx.dialEnd(caller, leg.dialed, "BUSY");
        ringNoAnswerLog(leg);
        endLeg(leg, 17);
        if (legs.isEmpty()) {
            ringRoundOver();
        }
    }

    private void ringTimedOut() {
        if (phase != Phase.RINGING) {
            return;
        }
        for (Leg leg : new ArrayList<>(legs)) {
            legs.remove(leg);
            if (leg.answerTimer != null) {
                leg.answerTimer.cancel();
            }
            long ringMs = pbx.now() - leg.startedAt;
            AmiMessage.Builder b = Pbx.event("AgentRingNoAnswer", "agent,all");
            caller.snapshot(b, "");
            leg.dialed.snapshot(b, "Dest");
            pbx.emit(b.add("Queue", queue.name).add("Interface", leg.member.iface)
                    .add("MemberName", leg.member.name).add("RingTime", Long.toString(ringMs)));
            ringNoAnswerLog(leg);
            cancelLegBegin(leg, "NOANSWER");
            cancelLegEnd(leg);
        }
        ringRoundOver();
    }

    private void ringNoAnswerLog(Leg leg) {
        pbx.queueLog.write(pbx.now(), caller.uniqueid, queue.name, queue.agentName(leg.member), "RINGNOANSWER",
                pbx.now() - leg.startedAt);
    }

    private void ringRoundOver() {
        if (ringTimeout != null) {
            ringTimeout.cancel();
        }
        phase = Phase.WAITING;
        retryTimer = pbx.engine.after(queue.retry * 1000.0, this::tryRing);
    }

    /** First half of cancelling a ringing leg (DialEnd CANCEL, the dialled side hangs up). */
    private void cancelLegBegin(Leg leg) {
        cancelLegBegin(leg, "CANCEL");
    }

    /** For a Local leg Asterisk reports the dial end twice: {@code status}, then CANCEL (capture 03). */
    private void cancelLegBegin(Leg leg, String status) {
        pbx.dialEnd(caller, leg.dialed, status);
        leg.member.device.ringing = false;
        Chan inner = leg.inner();
        if (inner != null) {
            pbx.dialEnd(caller, leg.dialed, "CANCEL");
            pbx.hangupRequest(inner, 0);
            pbx.hangup(leg.dialed, 0);
        } else {
            pbx.hangup(leg.dialed, 0);
        }
    }

    /** Second half: the agent side of a Local pair finishes hanging up. */
    private void cancelLegEnd(Leg leg) {
        Chan inner = leg.inner();
        if (inner != null && !inner.hungUp) {
            pbx.softHangupRequest(inner, 16);
            pbx.hangup(inner, 0);
        }
        if (!queue.members.containsValue(leg.member)) {
            return;
        }
        queue.memberEvent("QueueMemberStatus", leg.member); // the device is free again
        pbx.engine.after(0, queue::kick);
    }

    private void endLeg(Leg leg, int cause) {
        leg.member.device.ringing = false;
        pbx.hangupAll(leg.dialed, cause);
    }

    @Override
    public boolean answerNow(Chan chan) {
        for (Leg leg : legs) {
            if (leg.dialed == chan || leg.inner() == chan) {
                if (phase != Phase.RINGING || chan.state != ChanState.RINGING) {
                    return false;
                }
                if (leg.answerTimer != null) {
                    leg.answerTimer.cancel();
                }
                answer(leg);
                return true;
            }
        }
        return false;
    }

    private void answer(Leg leg) {
        if (phase != Phase.RINGING || !legs.contains(leg)) {
            return;
        }
        ringTimeout.cancel();
        legs.remove(leg);
        Chan dialed = leg.dialed;
        Chan inner = leg.inner();
        if (inner != null) {
            inner.location(inner.context, inner.exten, 7);
            pbx.newState(inner, ChanState.UP);
        }
        pbx.newState(dialed, ChanState.UP);
        pbx.dialEnd(caller, dialed, "ANSWER");
        pbx.emitChan("MusicOnHoldStop", "call,all", caller);
        for (Leg other : new ArrayList<>(legs)) {
            legs.remove(other);
            if (other.answerTimer != null) {
                other.answerTimer.cancel();
            }
            cancelLegBegin(other);
            cancelLegEnd(other);
        }
        connect(leg);
    }

    private void connect(Leg leg) {
        phase = Phase.CONNECTED;
        connected = leg;
        connectedAt = pbx.now();
        cancel(patienceTimer);
        cancel(maxWaitTimer);
        SimQueue.Member m = leg.member;
        m.device.ringing = false;
        m.device.busy = true;
        int pos = queue.position(this);
        queue.entries.remove(this);
        long hold = (pbx.now() - joinedAt) / 1000;
        long ring = (pbx.now() - leg.startedAt) / 1000;
        queue.recordHold(hold);
        pbx.emitChan("QueueCallerLeave", "agent,all", caller, "Queue", queue.name,
                "Position", Integer.toString(pos), "Count", Integer.toString(queue.entries.size()));
        AmiMessage.Builder b = Pbx.event("AgentConnect", "agent,all");
        caller.snapshot(b, "");
        leg.dialed.snapshot(b, "Dest");
        pbx.emit(b.add("Queue", queue.name).add("Interface", m.iface).add("MemberName", m.name)
                .add("HoldTime", Long.toString(hold)).add("RingTime", Long.toString(ring)));
        pbx.queueLog.write(pbx.now(), caller.uniqueid, queue.name, queue.agentName(m), "CONNECT", hold,
                leg.dialed.uniqueid, ring);
        Bridge br = pbx.bridgeCreate();
        pbx.bridgeEnter(br, leg.dialed);
        if (leg.inner() == null) {
            // A SIP agent's device turns "in use" as it joins (capture 09); a Local one already was while ringing.
            queue.memberEvent("QueueMemberStatus", m);
        }
        pbx.bridgeEnter(br, caller);
        pbx.setVar(leg.dialed, "BRIDGEPEER", caller.name);
        pbx.setVar(caller, "BRIDGEPEER", leg.dialed.name);
        double talk = m.device.talkSeconds > 0 ? m.device.talkSeconds : talkSeconds;
        talkEndsAt = pbx.now() + (long) (talk * 1000);
        talkTimer = pbx.engine.after(talk * 1000, () -> {
            if (atxfer != null) {
                atxfer.transfererDone();
            } else if (agentHangsUp) {
                agentHangsUp();
            } else {
                callerHangsUpConnected(16);
            }
        });
    }

    // ---- endings ------------------------------------------------------------------------------------------------

    /** The agent's side hangs up (COMPLETEAGENT), then the caller's dialplan ends. Capture 02. */
    void agentHangsUp() {
        if (phase != Phase.CONNECTED) {
            return;
        }
        cancel(talkTimer);
        Leg leg = connected;
        Chan inner = leg.inner();
        if (inner != null) {
            pbx.softHangupRequest(inner, 16);
            pbx.hangupRequest(leg.dialed, 16);
        } else {
            pbx.hangupRequest(leg.dialed, 16);
        }
        agentComplete("agent");
        if (inner != null) {
            pbx.hangup(inner, 16);
        }
        Bridge br = leg.dialed.bridge;
        pbx.bridgeLeave(leg.dialed);
        pbx.bridgeLeave(caller);
        if (br != null) {
            pbx.bridgeDestroy(br);
        }
        pbx.hangup(leg.dialed, 16);
        memberFree(leg.member);
        pbx.queueLog.write(pbx.now(), caller.uniqueid, queue.name, queue.agentName(leg.member), "COMPLETEAGENT",
                (connectedAt - joinedAt) / 1000, (pbx.now() - connectedAt) / 1000, originalPosition);
        finishCaller(16);
    }

    /** The caller hangs up during the conversation (COMPLETECALLER). Capture 09. */
    void callerHangsUpConnected(int cause) {
        if (phase != Phase.CONNECTED) {
            return;
        }
        cancel(talkTimer);
        Leg leg = connected;
        callerHangupBegin(cause);
        agentComplete("caller");
        Bridge br = caller.bridge;
        pbx.bridgeLeave(caller);
        pbx.bridgeLeave(leg.dialed);
        if (br != null) {
            pbx.bridgeDestroy(br);
        }
        if (leg.inner() != null) {
            pbx.hangupRequest(leg.inner(), cause);
            pbx.hangup(leg.dialed, cause);
            pbx.softHangupRequest(leg.inner(), cause);
            pbx.hangup(leg.inner(), cause);
        } else {
            pbx.hangup(leg.dialed, cause);
        }
        memberFree(leg.member);
        pbx.queueLog.write(pbx.now(), caller.uniqueid, queue.name, queue.agentName(leg.member), "COMPLETECALLER",
                (connectedAt - joinedAt) / 1000, (pbx.now() - connectedAt) / 1000, originalPosition);
        callerHangupEnd(cause);
    }

    /**
     * Both legs leave for cti-hold ({@link HeldPair}): app_queue no longer runs the conversation, but nothing is
     * logged yet. Returns what is left of the scripted talk time (ms).
     */
    long leaveForHold() {
        cancel(talkTimer);
        phase = Phase.DONE;
        return Math.max(1000, talkEndsAt - pbx.now());
    }

    /** The end of a held call as app_queue records it: queue_log and statistics only, no AgentComplete (R1). */
    void completeQuietly(String logEvent) {
        long talk = (pbx.now() - connectedAt) / 1000;
        queue.recordTalk(talk);
        queue.completed++;
        pbx.queueLog.write(pbx.now(), caller.uniqueid, queue.name, queue.agentName(connected.member), logEvent,
                (connectedAt - joinedAt) / 1000, talk, originalPosition);
    }

    void agentComplete(String reason) {
        Leg leg = connected;
        long talk = (pbx.now() - connectedAt) / 1000;
        queue.recordTalk(talk);
        queue.completed++;
        AmiMessage.Builder b = Pbx.event("AgentComplete", "agent,all");
        caller.snapshot(b, "");
        if (!reason.equals("transfer")) {
            // After a transfer the agent's channel is already gone: no Dest fields (captures 06, 08).
            leg.dialed.snapshot(b, "Dest");
        }
        pbx.emit(b.add("Queue", queue.name).add("Interface", leg.member.iface).add("MemberName", leg.member.name)
                .add("HoldTime", Long.toString((connectedAt - joinedAt) / 1000)).add("TalkTime", Long.toString(talk))
                .add("Reason", reason));
        phase = Phase.DONE;
    }

    void memberFree(SimQueue.Member m) {
        m.callsTaken++;
        m.lastCall = pbx.now() / 1000;
        Device d = m.device;
        d.busy = false;
        d.lastCallEnd = pbx.now();
        d.wrapUntil = pbx.now() + queue.wrapup * 1000L;
        queue.memberEvent("QueueMemberStatus", m);
        long wake = Math.max(0, d.wrapUntil - pbx.now());
        pbx.engine.after(wake, () -> {
            for (SimQueue q : pbx.queues.values()) {
                q.kick();
            }
        });
    }

    /** The caller hangs up while waiting or ringing: ABANDON. Capture 03. */
    void abandon() {
        if (phase != Phase.WAITING && phase != Phase.RINGING) {
            return;
        }
        leaveQueueWithout("ABANDON", 16);
    }

    private void exitWithTimeout() {
        if (phase != Phase.WAITING && phase != Phase.RINGING) {
            return;
        }
        leaveQueueWithout("EXITWITHTIMEOUT", 16);
    }

    private void leaveQueueWithout(String logEvent, int cause) {
        cancel(ringTimeout);
        cancel(retryTimer);
        cancel(patienceTimer);
        cancel(maxWaitTimer);
        boolean abandon = logEvent.equals("ABANDON");
        if (abandon) {
            callerHangupBegin(0);
        }
        pbx.emitChan("MusicOnHoldStop", "call,all", caller);
        List<Leg> ringing = new ArrayList<>(legs);
        legs.clear();
        for (Leg leg : ringing) {
            if (leg.answerTimer != null) {
                leg.answerTimer.cancel();
            }
            cancelLegBegin(leg);
        }
        int pos = queue.position(this);
        queue.entries.remove(this);
        long wait = (pbx.now() - joinedAt) / 1000;
        if (abandon) {
            queue.abandoned++;
            pbx.setVar(caller, "ABANDONED", "TRUE");
            pbx.emitChan("QueueCallerAbandon", "agent,all", caller, "Queue", queue.name,
                    "Position", Integer.toString(pos), "OriginalPosition", Integer.toString(originalPosition),
                    "HoldTime", Long.toString(wait));
        }
        pbx.emitChan("QueueCallerLeave", "agent,all", caller, "Queue", queue.name,
                "Position", Integer.toString(pos), "Count", Integer.toString(queue.entries.size()));
        pbx.queueLog.write(pbx.now(), caller.uniqueid, queue.name, "NONE", logEvent, pos, originalPosition, wait);
        phase = Phase.DONE;
        if (abandon) {
            callerHangupEnd(0);
        }
        for (Leg leg : ringing) {
            cancelLegEnd(leg);
        }
        if (!abandon) {
            finishCaller(16);
        }
    }

    /** The caller's side starts hanging up: for a Local caller the originating ;1 goes first. */
    private void callerHangupBegin(int cause) {
        Chan one = caller.localPeer;
        if (one == null) {
            // A SIP caller's BYE: HangupRequest without a Cause (capture 09).
            pbx.emitChan("HangupRequest", "call,all", caller);
        } else {
            pbx.hangupRequest(caller, cause);
        }
        if (one != null) {
            pbx.hangup(one, cause);
        }
    }

    private void callerHangupEnd(int cause) {
        pbx.softHangupRequest(caller, 16);
        pbx.hangup(caller, cause);
    }

    /** The caller's dialplan runs to Hangup() after Queue() returned. */
    void finishCaller(int cause) {
        phase = Phase.DONE;
        if (!caller.hungUp) {
            pbx.hangupAll(caller, cause);
        }
    }

    // ---- transfers ----------------------------------------------------------------------------------------------

    /** The agent's channel was blind-transferred: the caller runs {@code exten@context}. Capture 06. */
    void blindTransfer(Chan transferer, String exten, String context) {
        Leg leg = connected;
        cancel(talkTimer);
        Bridge br = caller.bridge;
        pbx.setVar(transferer, "BLINDTRANSFER", caller.name);
        pbx.setVar(caller, "BLINDTRANSFER", transferer.name);
        AmiMessage.Builder b = Pbx.event("BlindTransfer", "call,all").add("Result", "Success");
        transferer.snapshot(b, "Transferer");
        caller.snapshot(b, "Transferee");
        br.snapshot(b, "");
        pbx.emit(b.add("IsExternal", "Yes").add("Context", context).add("Extension", exten));
        pbx.bridgeLeave(leg.dialed);
        Chan inner = leg.inner();
        if (inner != null) {
            pbx.hangupRequest(inner, 16);
        }
        pbx.hangup(leg.dialed, 16);
        agentComplete("transfer");
        if (inner != null) {
            pbx.softHangupRequest(inner, 16);
        }
        caller.location(context, exten, 1); // the transferee leaves the bridge already at the target
        pbx.bridgeLeave(caller);
        if (inner != null) {
            pbx.hangup(inner, 16);
        }
        pbx.bridgeDestroy(br);
        memberFree(leg.member);
        pbx.queueLog.write(pbx.now(), caller.uniqueid, queue.name, queue.agentName(leg.member), "TRANSFER",
                exten, context, (connectedAt - joinedAt) / 1000, (pbx.now() - connectedAt) / 1000,
                originalPosition);
        Dialplan.run(pbx, caller, context, exten);
    }

    @Override
    public void hungUpFromOutside(Chan chan, int cause) {
        if (chan == caller || chan == caller.localPeer) {
            switch (phase) {
                case WAITING, RINGING -> abandon();
                case CONNECTED -> callerHangsUpConnected(cause);
                default -> finishCaller(cause);
            }
            return;
        }
        if (connected != null && (chan == connected.dialed || chan == connected.inner())) {
            if (atxfer != null) {
                // The transferer hangs up during the consultation (the gateway's transfer.complete): as in Asterisk,
                // that completes the attended transfer; the customer stays, with the target.
                atxfer.transfererHangsUp();
                return;
            }
            agentHangsUp();
            return;
        }
        for (Leg leg : new ArrayList<>(legs)) {
            if (chan == leg.dialed || chan == leg.inner()) {
                // A ringing agent rejects the call.
                legs.remove(leg);
                if (leg.answerTimer != null) {
                    leg.answerTimer.cancel();
                }
                pbx.dialEnd(caller, leg.dialed, "BUSY");
                ringNoAnswerLog(leg);
                endLeg(leg, cause);
                if (legs.isEmpty()) {
                    ringRoundOver();
                }
            }
        }
    }

    private static void cancel(SimEngine.Timer t) {
        if (t != null) {
            t.cancel();
        }
    }

    static String firstNonEmpty(String a, String b) {
        if (a != null && !a.isEmpty()) {
            return a;
        }
        return b == null || b.isEmpty() ? null : b;
    }

    static int parseInt(String s, int fallback) {
        try {
            return s == null || s.isBlank() ? fallback : Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
