package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The call-control actions: Originate, Hangup, Redirect, BlindTransfer, Atxfer, MixMonitor, StopMixMonitor,
 * PlayDTMF, Setvar, Getvar. Engine thread only. */
final class CallActions extends ActionGroup {

    CallActions(Pbx pbx, AmiServer server) {
        super(pbx, server);
    }

    void originate(AmiSession s, AmiMessage m) {
        String channel = required(s, m, "Channel", "Channel not specified");
        if (channel == null) {
            return;
        }
        if (!channel.contains("/")) {
            error(s, m, "Invalid channel");
            return;
        }
        String app = m.get("Application");
        String exten = m.get("Exten");
        if (app == null && exten == null) {
            error(s, m, "Exten not specified");
            return;
        }
        String[] cid = parseCallerId(m.get("CallerID", ""));
        Map<String, String> vars = new LinkedHashMap<>();
        for (String v : m.getAll("Variable")) {
            // manager.c splits each Variable header like ast_app_separate_args: no split inside parentheses, so
            // PJSIP_HEADER(add,Call-Info)=... stays one variable; the name ends at the first '='.
            for (String part : DialplanText.separateAppArgs(v.trim(), ',', 64)) {
                int eq = part.indexOf('=');
                if (eq > 0) {
                    vars.put(part.substring(0, eq), part.substring(eq + 1));
                }
            }
        }
        long timeout = QueueCall.parseInt(m.get("Timeout"), 30000);
        boolean async = truthy(m.get("Async"));
        Originate.Request req = new Originate.Request(channel, m.get("Context"), exten, app, m.get("Data"),
                cid[1], cid[0], timeout, vars, m.actionId());
        pbx.processedCalls++;
        if (async) {
            success(s, m, "Originate successfully queued");
            Originate.start(pbx, req, server::broadcast);
        } else {
            Originate.start(pbx, req, result -> {
                if ("Success".equals(result.get("Response"))) {
                    success(s, m, "Originate successfully queued");
                } else {
                    error(s, m, "Originate failed");
                }
            });
        }
    }

    /** {@code "John Doe" <5551001>} to {name, number}. */
    static String[] parseCallerId(String cid) {
        String name = null;
        String num = null;
        int lt = cid.indexOf('<');
        if (lt >= 0) {
            int gt = cid.indexOf('>', lt);
            num = cid.substring(lt + 1, gt < 0 ? cid.length() : gt).trim();
            name = cid.substring(0, lt).trim().replace("\"", "");
        } else if (!cid.isBlank()) {
            num = cid.trim();
        }
        return new String[] {name == null || name.isEmpty() ? null : name, num};
    }

    void hangup(AmiSession s, AmiMessage m) {
        String name = required(s, m, "Channel", "No channel specified");
        Chan c = name == null ? null : existing(s, m, name, "No such channel");
        if (c == null) {
            return;
        }
        int cause = QueueCall.parseInt(m.get("Cause"), 16);
        success(s, m, "Channel Hungup");
        hangupFromOutside(c, cause);
    }

    private void hangupFromOutside(Chan c, int cause) {
        if (c.flow != null) {
            c.flow.hungUpFromOutside(c, cause);
        }
        if (!c.hungUp) {
            pbx.hangupAll(c, cause);
        }
    }

    void redirect(AmiSession s, AmiMessage m) {
        String name = required(s, m, "Channel", "Channel not specified");
        String exten = name == null ? null : required(s, m, "Exten", "Exten not specified");
        Chan c = exten == null ? null : existing(s, m, name, "Channel does not exist: " + name);
        if (c == null) {
            return;
        }
        String context = m.get("Context");
        String extraName = m.get("ExtraChannel");
        Chan extra = extraName == null || extraName.isEmpty() ? null : pbx.channel(extraName);
        if (extraName != null && !extraName.isEmpty() && extra == null) {
            error(s, m, "ExtraChannel does not exist: " + extraName);
            return;
        }
        String extraContext = m.get("ExtraContext", context == null ? null : context);
        String extraExten = m.get("ExtraExten", exten);
        QueueCall held = HeldPair.heldBy(c, extra, context, extraContext);
        success(s, m, "Redirect successful");
        if (held != null) {
            // The CTI server's hold: not a transfer, the queue call goes on without its bridge (capture R1).
            boolean callerFirst = c == held.caller;
            HeldPair.hold(pbx, held, callerFirst ? exten : extraExten, callerFirst ? extraExten : exten);
            return;
        }
        // Asterisk 22 reports the new dialplan position first (priority 1, still the old Application), while the
        // channel is in its bridge; the BridgeLeave follows (captures 07, R1, R3).
        redirectedTo(c, context == null ? c.context : context, exten);
        if (extra != null && !extra.hungUp) {
            redirectedTo(extra, extraContext == null ? extra.context : extraContext, extraExten);
        }
        leaveBridge(c, extra);
        Dialplan.run(pbx, c, context == null ? c.context : context, exten);
        if (extra != null && !extra.hungUp) {
            Dialplan.run(pbx, extra, extraContext == null ? extra.context : extraContext, extraExten);
        }
    }

    /**
     * Bridge (features.c): Channel1 and Channel2 (each found by name prefix) leave what they were in and join a new
     * basic bridge, Channel1 first. The pair the CTI server's hold put in cti-hold is the case R1 captured; any other
     * pair leaves its bridges (a queue call among them ends as with a Redirect) and then talks until one hangs up.
     */
    void bridge(AmiSession s, AmiMessage m) {
        String name1 = m.get("Channel1", "");
        String name2 = m.get("Channel2", "");
        if (name1.isEmpty() || name2.isEmpty()) {
            error(s, m, "Missing channel parameter in request");
            return;
        }
        Chan a = pbx.channelByPrefix(name1);
        if (a == null) {
            error(s, m, "Channel1 does not exist: " + name1);
            return;
        }
        Chan b = pbx.channelByPrefix(name2);
        if (b == null) {
            error(s, m, "Channel2 does not exist: " + name2);
            return;
        }
        if (a == b) {
            error(s, m, "Unable to add Channel2 to bridge: " + b.name);
            return;
        }
        success(s, m, "Channels have been bridged");
        HeldPair held = HeldPair.of(a, b);
        if (held != null) {
            held.bridge(a);
            return;
        }
        leaveBridge(a, b);
        if (a.hungUp || b.hungUp) {
            return;
        }
        CallFlow together = (chan, cause) -> {
            for (Chan c : chan == a || chan == a.localPeer ? new Chan[] {a, b} : new Chan[] {b, a}) {
                if (!c.hungUp) {
                    pbx.hangupAll(c, cause);
                }
            }
        };
        for (Chan c : new Chan[] {a, b, a.localPeer, b.localPeer}) {
            if (c != null) {
                c.flow = together;
            }
        }
        Bridge br = pbx.bridgeCreate();
        pbx.bridgeEnter(br, a);
        pbx.bridgeEnter(br, b);
        pbx.setVar(a, "BRIDGEPEER", b.name);
        pbx.setVar(b, "BRIDGEPEER", a.name);
    }

    /**
     * Park: the channel leaves its bridge (its queue call ends as with a Redirect, the party left alone is hung up)
     * and waits in a space of the lot. TimeoutChannel names the parker (ParkerDialString); Timeout is in ms.
     */
    void park(AmiSession s, AmiMessage m) {
        String name = required(s, m, "Channel", "Channel not specified");
        Chan c = name == null ? null : existing(s, m, name, "Channel does not exist: " + name);
        if (c == null) {
            return;
        }
        String space = pbx.parking.freeSpace(m.get("ParkingSpace"));
        if (space == null) {
            error(s, m, "Park failed");
            return;
        }
        Chan parker = pbx.channel(m.get("TimeoutChannel", ""));
        if (parker == null && c.bridge != null) {
            parker = c.bridge.other(c);
        }
        String parkerDial = parker == null ? "" : parker.name.replaceFirst("-[0-9a-f]+(;[12])?$", "");
        long timeout = QueueCall.parseInt(m.get("Timeout"), 45_000);
        success(s, m, "Park successful");
        leaveBridge(c, null);
        pbx.parking.park(c, space, m.get("Parkinglot", "default"), parkerDial, timeout);
    }

    private void redirectedTo(Chan c, String context, String exten) {
        c.location(context, exten, 1);
        pbx.emitChan("Newexten", "dialplan,all", c, "Extension", exten, "Application", c.app, "AppData", c.appData);
    }

    /**
     * A Redirect takes channels out of what they were doing (their bridge, their queue call) without a transfer
     * event. A party left alone in a two-party bridge is hung up. A queue call ends as completed by the side that
     * was moved (app_queue logs TRANSFER only for real transfers).
     */
    private void leaveBridge(Chan c, Chan extra) {
        for (Chan moving : extra == null ? List.of(c) : List.of(c, extra)) {
            Bridge br = moving.bridge;
            if (br == null) {
                continue;
            }
            QueueCall qc = moving.flow instanceof QueueCall q && q.phase == QueueCall.Phase.CONNECTED ? q : null;
            Chan other = br.other(moving);
            pbx.bridgeLeave(moving);
            boolean otherMoves = other != null && (other == c || other == extra);
            if (other != null) {
                pbx.bridgeLeave(other);
            }
            pbx.bridgeDestroy(br);
            if (qc != null) {
                boolean callerMoved = moving == qc.caller;
                qc.agentComplete(callerMoved ? "caller" : "agent");
                qc.memberFree(qc.connected.member);
                pbx.queueLog.write(pbx.now(), qc.caller.uniqueid, qc.queue.name,
                        qc.queue.agentName(qc.connected.member), callerMoved ? "COMPLETECALLER" : "COMPLETEAGENT",
                        (qc.connectedAt - qc.joinedAt) / 1000, (pbx.now() - qc.connectedAt) / 1000,
                        qc.originalPosition);
            }
            if (other != null && !otherMoves && !other.hungUp) {
                pbx.hangupAll(other, 16);
            }
        }
    }

    private QueueCall connectedCallOf(Chan agentChan) {
        if (agentChan.flow instanceof QueueCall qc && qc.phase == QueueCall.Phase.CONNECTED
                && qc.connected != null && (qc.connected.dialed == agentChan || qc.connected.inner() == agentChan)) {
            return qc;
        }
        return null;
    }

    void blindTransfer(AmiSession s, AmiMessage m) {
        Chan c = existing(s, m, m.get("Channel"), "No such channel");
        String exten = c == null ? null : required(s, m, "Exten", "No extension specified");
        if (exten == null) {
            return;
        }
        String context = m.get("Context", c.context);
        QueueCall qc = connectedCallOf(c);
        if (qc == null && c.bridge == null) {
            error(s, m, "Transfer failed");
            return;
        }
        success(s, m, "Transfer succeeded");
        if (qc != null) {
            qc.blindTransfer(qc.connected.dialed, exten, context);
            return;
        }
        Chan other = c.bridge.other(c);
        AmiMessage.Builder b = Pbx.event("BlindTransfer", "call,all").add("Result", "Success");
        c.snapshot(b, "Transferer");
        if (other != null) {
            other.snapshot(b, "Transferee");
        }
        c.bridge.snapshot(b, "");
        pbx.emit(b.add("IsExternal", "Yes").add("Context", context).add("Extension", exten));
        Bridge br = c.bridge;
        pbx.bridgeLeave(c);
        pbx.hangupAll(c, 16);
        if (other != null) {
            pbx.bridgeLeave(other);
            pbx.bridgeDestroy(br);
            Dialplan.run(pbx, other, context, exten);
        }
    }

    void atxfer(AmiSession s, AmiMessage m) {
        Chan c = existing(s, m, m.get("Channel"), "Channel specified does not exist");
        String exten = c == null ? null : required(s, m, "Exten", "No extension specified");
        if (exten == null) {
            return;
        }
        QueueCall qc = connectedCallOf(c);
        if (qc == null || qc.atxfer != null) {
            error(s, m, "Atxfer failed");
            return;
        }
        success(s, m, "Atxfer successfully queued");
        Atxfer.start(qc, qc.connected.dialed, exten, m.get("Context", "transfer-targets"));
    }

    void mixMonitor(AmiSession s, AmiMessage m, boolean start) {
        String name = required(s, m, "Channel", "No channel specified");
        Chan c = name == null ? null : existing(s, m, name, "No such channel");
        if (c == null) {
            return;
        }
        if (!start && !c.mixMonitor) {
            error(s, m, "Could not stop MixMonitor");
            return;
        }
        c.mixMonitor = start;
        reply(s, ok(m));
        if (start) {
            c.vars.put("MIXMONITOR_FILENAME", m.get("File", ""));
        }
        AmiMessage.Builder event = Pbx.event(start ? "MixMonitorStart" : "MixMonitorStop", "call,all");
        c.snapshot(event, "");
        pbx.emit(event);
    }

    void playDtmf(AmiSession s, AmiMessage m) {
        Chan c = existing(s, m, m.get("Channel"), "Channel not found");
        String digit = c == null ? null : required(s, m, "Digit", "No digit specified");
        if (digit == null) {
            return;
        }
        success(s, m, "DTMF successfully queued");
        for (String dir : List.of("DTMFBegin", "DTMFEnd")) {
            AmiMessage.Builder b = Pbx.event(dir, "dtmf,all");
            c.snapshot(b, "");
            b.add("Digit", digit.substring(0, 1));
            if (dir.equals("DTMFEnd")) {
                b.add("DurationMs", m.get("Duration", "100"));
            }
            pbx.emit(b.add("Direction", "Received"));
        }
    }

    void setvar(AmiSession s, AmiMessage m) {
        String var = required(s, m, "Variable", "No variable specified");
        if (var == null) {
            return;
        }
        String name = m.get("Channel");
        String value = m.get("Value", "");
        if (name == null || name.isEmpty()) {
            success(s, m, "Variable Set");
            return; // a global variable: nothing in the simulation reads it
        }
        Chan c = existing(s, m, name, "No such channel");
        if (c == null) {
            return;
        }
        pbx.setVar(c, var, value);
        success(s, m, "Variable Set");
    }

    void getvar(AmiSession s, AmiMessage m) {
        String var = required(s, m, "Variable", "No variable specified");
        if (var == null) {
            return;
        }
        String name = m.get("Channel");
        String value = "";
        if (name != null && !name.isEmpty()) {
            Chan c = existing(s, m, name, "No such channel");
            if (c == null) {
                return;
            }
            String v = Getvar.value(c, var);
            value = v == null ? "" : v;
        }
        reply(s, ok(m).add("Variable", var).add("Value", value));
    }

    // ---- status lists -------------------------------------------------------------------------------------------
}
