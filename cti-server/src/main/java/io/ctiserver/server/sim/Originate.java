package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Originate action and the calls it starts: a Local channel into {@code incoming} (a queue call, captures
 * 02-08), click-to-dial (the agent's device rings first, then the number is dialled out on a trunk), internal calls
 * to another agent, and the supervisor's ChanSpy (capture 12). The outcome is reported through {@code onResult}
 * as the OriginateResponse event would be.
 */
final class Originate implements CallFlow {

    /** What the caller asked for, parsed from the action. */
    record Request(String channel, String context, String exten, String application, String data,
                   String callerIdNum, String callerIdName, long timeoutMs, Map<String, String> variables,
                   String actionId) {
    }

    private final Pbx pbx;
    private final Request req;
    private final Consumer<AmiMessage> onResult;
    private Chan originated;
    private Chan outbound;
    private Device device;
    private SimEngine.Timer timeoutTimer;
    private boolean answered;
    /** The phone was asked to answer by itself (auto-answer header) and honours it. */
    private boolean autoAnswer;

    private Originate(Pbx pbx, Request req, Consumer<AmiMessage> onResult) {
        this.pbx = pbx;
        this.req = req;
        this.onResult = onResult;
    }

    static void start(Pbx pbx, Request req, Consumer<AmiMessage> onResult) {
        new Originate(pbx, req, onResult).run();
    }

    private void run() {
        String ch = req.channel();
        if (ch.startsWith("Local/")) {
            String spec = ch.substring(6);
            int at = spec.indexOf('@');
            String exten = spec.substring(0, at);
            String ctx = spec.substring(at + 1).replaceFirst("/.*$", "");
            device = pbx.devices.get("Local/" + exten + "@" + ctx + "/n");
            originated = pbx.newLocalPair(exten, ctx, null);
            Chan two = originated.localPeer;
            // Each half gets the variables, then the caller id (capture 02's order).
            boolean cid = req.callerIdNum() != null || req.callerIdName() != null;
            for (Chan half : List.of(originated, two)) {
                for (Map.Entry<String, String> v : req.variables().entrySet()) {
                    pbx.setVar(half, v.getKey(), v.getValue());
                }
                half.callerId(req.callerIdNum(), req.callerIdName());
                if (half == two) {
                    half.connected(req.callerIdNum(), req.callerIdName());
                }
                if (cid) {
                    pbx.newCallerid(half);
                }
                half.connected(req.callerIdNum(), req.callerIdName());
                if (cid) {
                    pbx.newConnectedLine(half);
                }
            }
            originated.app(req.application() == null ? "AppDial2" : req.application(),
                    req.application() == null ? "(Outgoing Line)" : req.data());
            pbx.localBridge(originated);
            pbx.dialBegin(null, originated, exten + "@" + ctx + "/n");
            originated.flow = this;
            if ("incoming".equals(ctx)) {
                // The incoming dialplan answers at once; the ;2 side is the queue caller.
                pbx.newState(originated, ChanState.UP);
                pbx.dialEnd(null, originated, "ANSWER");
                two.location(ctx, exten, 2);
                pbx.newState(two, ChanState.UP);
                answered = true;
                respond(true, 4);
                QueueCall qc = new QueueCall(pbx, two, pbx.traffic().scriptedTalkSeconds(),
                        pbx.traffic().scriptedPatienceSeconds());
                qc.start(pbx.agi);
                startOriginatedSide();
                return;
            }
            two.flow = this;
            ringDevice();
            return;
        }
        device = pbx.devices.get(ch);
        if (device != null && (device.busy || device.ringing)) {
            respond(false, 5);
            return;
        }
        originated = pbx.newChannel(ch, null, ChanState.DOWN, "from-agents", req.exten() == null ? "s" : req.exten());
        originated.callerId(req.callerIdNum(), req.callerIdName());
        originated.app(req.application() == null ? "AppDial2" : req.application(),
                req.application() == null ? "(Outgoing Line)" : req.data());
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> v : req.variables().entrySet()) {
            String header = PhoneActions.addedHeader(v.getKey());
            if (header != null) {
                // A dialplan function write (PJSIP_HEADER(add,...)): no VarSet, the header goes on the INVITE.
                headers.put(header, v.getValue());
            } else {
                pbx.setVar(originated, v.getKey(), v.getValue());
            }
        }
        originated.flow = this;
        // Asterisk dials the device itself first: a DialBegin with no caller, DialString the device's resource
        // (capture R4: DestChannel PJSIP/agent1-00000003, DialString agent1).
        pbx.dialBegin(null, originated, ch.substring(ch.indexOf('/') + 1));
        io.ctiserver.server.sim.phone.SimPhone phone = pbx.phone(ch);
        if (phone != null) {
            phone.invited(headers);
            if (phone.autoAnswers(headers)) {
                autoAnswer = true;
            }
        }
        ringDevice();
    }

    /** The originated device rings, then answers (or not) as its agent behaves. */
    private void ringDevice() {
        String behaviour = device == null ? "answer" : device.behaviour;
        double ring = device == null ? 1.0 : device.ringSeconds;
        if (device != null) {
            device.ringing = true;
        }
        if (behaviour.equals("busy")) {
            pbx.engine.after(500, () -> fail(5, 17));
            return;
        }
        pbx.newState(originated, ChanState.RINGING);
        if (originated.localPeer == null) {
            pbx.dialState(null, originated, "RINGING");
        }
        timeoutTimer = pbx.engine.after(req.timeoutMs(), () -> fail(3, 19));
        if (autoAnswer) {
            pbx.engine.after(200, this::deviceAnswered);
        } else if (behaviour.equals("answer")) {
            pbx.engine.after(ring * 1000, this::deviceAnswered);
        }
    }

    @Override
    public boolean answerNow(Chan chan) {
        if (chan != originated || answered || originated.state != ChanState.RINGING) {
            return false;
        }
        deviceAnswered();
        return true;
    }

    private void deviceAnswered() {
        if (answered || originated.hungUp) {
            return;
        }
        answered = true;
        timeoutTimer.cancel();
        if (device != null) {
            device.ringing = false;
            device.busy = true;
        }
        Chan two = originated.localPeer;
        if (two != null) {
            pbx.newState(two, ChanState.UP);
        }
        pbx.newState(originated, ChanState.UP);
        // Newstate Up, DialEnd ANSWER, then OriginateResponse (captures 02 and R4).
        pbx.dialEnd(null, originated, "ANSWER");
        respond(true, 4);
        startOriginatedSide();
    }

    private void fail(int reason, int cause) {
        if (answered || originated == null || originated.hungUp) {
            return;
        }
        if (device != null) {
            device.ringing = false;
        }
        pbx.dialEnd(null, originated, reason == 5 ? "BUSY" : "NOANSWER");
        pbx.hangupAll(originated, cause);
        respond(false, reason);
        freeDevice();
    }

    /** The answered side runs its Application, or dials Context/Exten. */
    private void startOriginatedSide() {
        String app = req.application();
        if (app != null) {
            if (app.equalsIgnoreCase("ChanSpy")) {
                Spy.start(pbx, originated, req.data() == null ? "" : req.data());
                return;
            }
            long seconds = app.equalsIgnoreCase("Wait") ? QueueCall.parseInt(req.data(), 30) : 30;
            if (!"incoming".equals(originated.context)) {
                pbx.engine.after(seconds * 1000.0, () -> hangupOriginated(16));
            } else {
                // When ;1's Wait() ends it hangs up, and the queue caller on ;2 goes with it (capture 03).
                Chan two = originated.localPeer;
                pbx.engine.after(seconds * 1000.0, () -> {
                    if (!two.hungUp && two.flow != null) {
                        two.flow.hungUpFromOutside(two, 16);
                    }
                });
            }
            return;
        }
        if (req.exten() == null) {
            return;
        }
        if (pbx.parking.isParked(req.exten())) {
            // Dialling a parking space picks the parked call up (ParkedCall() in the parkedcalls context).
            pbx.parking.retrieve(req.exten(), originated, this);
            return;
        }
        dialOut(req.exten());
    }

    /** Click-to-dial's second half: dial the number (or another agent's device) and bridge. */
    private void dialOut(String number) {
        dialOut(number, 0);
    }

    /**
     * Dials {@code number} as the {@code from-agents} dialplan with {@code cti-phones.conf} would: an agent's
     * extension honours its DND and forwarding in AstDB (PhoneDialplan), anything else goes out on the trunk.
     */
    private void dialOut(String number, int hops) {
        Device agentTarget = findAgentDevice(number);
        if (agentTarget != null && hops < 3) {
            var route = io.ctiserver.server.sim.phone.PhoneDialplan.route(pbx.astDb, number);
            if (route instanceof io.ctiserver.server.sim.phone.PhoneDialplan.Busy) {
                dialBusyByDnd(number);
                return;
            }
            if (route instanceof io.ctiserver.server.sim.phone.PhoneDialplan.Forward f) {
                dialOut(f.target(), hops + 1);
                return;
            }
            if (route instanceof io.ctiserver.server.sim.phone.PhoneDialplan.Ring r && r.busyTarget() != null
                    && (agentTarget.busy || agentTarget.ringing || agentTarget.behaviour.equals("busy"))) {
                dialOut(r.busyTarget(), hops + 1);
                return;
            }
            if (route instanceof io.ctiserver.server.sim.phone.PhoneDialplan.Ring r && r.noAnswerTarget() != null) {
                noAnswerTarget = r.noAnswerTarget();
                noAnswerHops = hops + 1;
            }
        }
        Device target = agentTarget;
        String dialString;
        Chan far;
        if (target != null && target.isLocal()) {
            far = pbx.newLocalPair(target.localExten(), target.localContext(), originated.linkedid);
            pbx.localBridge(far);
            dialString = target.iface;
        } else if (target != null) {
            far = pbx.newChannel(target.iface, originated.linkedid, ChanState.DOWN, "from-agents", number);
            dialString = target.iface;
        } else {
            far = pbx.newChannel("PJSIP/trunk", originated.linkedid, ChanState.DOWN, "from-trunk", number);
            dialString = "PJSIP/" + number + "@trunk";
        }
        far.callerId(number, "");
        far.connected(originated.cidNum, originated.cidName);
        outbound = far;
        far.flow = this;
        if (far.localPeer != null) {
            far.localPeer.flow = this;
        }
        pbx.dialBegin(originated, far, dialString);
        if (target != null && (target.busy || target.ringing || target.behaviour.equals("busy"))) {
            pbx.engine.after(500, () -> {
                pbx.dialEnd(originated, far, "BUSY");
                pbx.hangupAll(far, 17);
                hangupOriginated(16);
            });
            return;
        }
        if (target != null) {
            target.ringing = true;
        }
        pbx.newState(far, ChanState.RINGING);
        pbx.dialState(originated, far, "RINGING");
        double ring = target != null ? target.ringSeconds : 1 + pbx.random.nextDouble() * 4;
        boolean answers = target == null || target.behaviour.equals("answer");
        String forwardOnNoAnswer = noAnswerTarget;
        int hopsAfter = noAnswerHops;
        noAnswerTarget = null;
        long noAnswerMs = forwardOnNoAnswer != null
                ? io.ctiserver.server.sim.phone.PhoneDialplan.NO_ANSWER_SECONDS * 1000L : 30_000;
        pbx.engine.after(answers ? ring * 1000 : noAnswerMs, () -> {
            if (far.hungUp || originated.hungUp) {
                return;
            }
            if (target != null) {
                target.ringing = false;
            }
            if (!answers && forwardOnNoAnswer != null) {
                pbx.dialEnd(originated, far, "NOANSWER");
                pbx.hangupAll(far, 19);
                dialOut(forwardOnNoAnswer, hopsAfter);
                return;
            }
            if (!answers) {
                pbx.dialEnd(originated, far, "NOANSWER");
                pbx.hangupAll(far, 19);
                hangupOriginated(16);
                return;
            }
            if (target != null) {
                target.busy = true;
            }
            if (far.localPeer != null) {
                pbx.newState(far.localPeer, ChanState.UP);
            }
            pbx.newState(far, ChanState.UP);
            pbx.dialEnd(originated, far, "ANSWER");
            pbx.bridge(far, originated);
            pbx.engine.after(pbx.traffic().talkSeconds() * 1000, () -> {
                if (!far.hungUp) {
                    pbx.hangupAll(far, 16);
                    if (target != null) {
                        target.busy = false;
                        target.lastCallEnd = pbx.now();
                    }
                }
                hangupOriginated(16);
            });
        });
    }

    private String noAnswerTarget;
    private int noAnswerHops;

    /** DND: the dialplan answers busy without ringing the phone (Busy() after the DB check); the caller hangs up. */
    private void dialBusyByDnd(String number) {
        pbx.setVar(originated, "DIALSTATUS", "BUSY");
        pbx.setVar(originated, "CTI_DND", number);
        pbx.engine.after(500, () -> hangupOriginated(17));
    }

    private Device findAgentDevice(String number) {
        for (Device d : pbx.devices.values()) {
            if (d.isLocal() ? d.localExten().equals(number) : d.iface.equals("PJSIP/" + number)) {
                return d;
            }
        }
        return null;
    }

    private void hangupOriginated(int cause) {
        if (originated != null && !originated.hungUp) {
            pbx.hangupAll(originated, cause);
        }
        freeDevice();
    }

    private void freeDevice() {
        if (device != null && (device.busy || device.ringing)) {
            device.busy = false;
            device.ringing = false;
            device.lastCallEnd = pbx.now();
            pbx.engine.after(0, () -> pbx.queues.values().forEach(SimQueue::kick));
        }
    }

    private void respond(boolean success, int reason) {
        AmiMessage.Builder b = Pbx.event("OriginateResponse", "call,all");
        if (req.actionId() != null) {
            b.add("ActionID", req.actionId());
        }
        b.add("Response", success ? "Success" : "Failure")
                .add("Channel", success ? originated.name : req.channel());
        if (req.application() != null) {
            b.add("Application", req.application()).add("Data", req.data() == null ? "" : req.data());
        } else {
            b.add("Context", req.context() == null ? "" : req.context())
                    .add("Exten", req.exten() == null ? "" : req.exten());
        }
        b.add("Reason", Integer.toString(reason))
                .add("Uniqueid", success ? originated.uniqueid : "<null>")
                .add("CallerIDNum", req.callerIdNum() == null ? "<unknown>" : req.callerIdNum())
                .add("CallerIDName", req.callerIdName() == null ? "<unknown>" : req.callerIdName());
        onResult.accept(b.build());
    }

    @Override
    public void hungUpFromOutside(Chan chan, int cause) {
        if (!answered) {
            fail(1, cause);
            return;
        }
        if (outbound != null && !outbound.hungUp && chan != outbound && chan != outbound.localPeer) {
            pbx.hangupAll(outbound, cause);
        }
        if (outbound != null && (chan == outbound || chan == outbound.localPeer)) {
            pbx.hangupAll(outbound, cause);
            Device target = findAgentDevice(outbound.exten);
            if (target != null) {
                target.busy = false;
            }
        }
        hangupOriginated(cause);
    }
}
