package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;

/**
 * Answers AMI actions the way Asterisk 22 does: the same responses, event lists and error messages (captures 01,
 * 04, 05, 06, 08, 12), and changes the simulated PBX as the action would. Engine thread only.
 */
final class AmiActions {

    /** The fault hooks the {@code SimFault} action reaches (the simulator's own fault API). */
    interface Faults {
        void drop();

        void restart();

        void stall(boolean on);

        void garbage();

        void oversized(int bytes);
    }

    private final Pbx pbx;
    private final AmiServer server;
    private final Faults faults;

    AmiActions(Pbx pbx, AmiServer server, Faults faults) {
        this.pbx = pbx;
        this.server = server;
        this.faults = faults;
    }

    void handle(AmiSession s, AmiMessage m) {
        String action = m.action();
        if (action == null) {
            error(s, m, "Missing action in request");
            return;
        }
        String a = action.toLowerCase();
        if (!s.authenticated) {
            switch (a) {
                case "login" -> login(s, m);
                case "challenge" -> challenge(s, m);
                case "logoff" -> logoff(s, m);
                default -> error(s, m, "Authentication Required");
            }
            return;
        }
        switch (a) {
            case "ping" -> reply(s, ok(m).add("Ping", "Pong")
                    .add("Timestamp", String.format("%d.%06d", pbx.now() / 1000, (pbx.now() % 1000) * 1000)));
            case "events" -> events(s, m);
            case "logoff" -> logoff(s, m);
            case "login" -> reply(s, ok(m).add("Message", "Already authenticated"));
            case "coresettings" -> coreSettings(s, m);
            case "corestatus" -> coreStatus(s, m);
            case "originate" -> originate(s, m);
            case "hangup" -> hangup(s, m);
            case "redirect" -> redirect(s, m);
            case "blindtransfer" -> blindTransfer(s, m);
            case "atxfer" -> atxfer(s, m);
            case "queuepause" -> queuePause(s, m);
            case "queueadd" -> queueAdd(s, m);
            case "queueremove" -> queueRemove(s, m);
            case "queuepenalty" -> queuePenalty(s, m);
            case "queuememberringinuse" -> queueRingInUse(s, m);
            case "extensionstate" -> reply(s, ok(m).add("Message", "Extension Status")
                    .add("Exten", m.get("Exten", "")).add("Context", m.get("Context", "")).add("Hint", "")
                    .add("Status", "-1").add("StatusText", "Unknown"));
            case "command" -> command(s, m);
            case "simfault" -> simFault(s, m);
            case "mixmonitor" -> mixMonitor(s, m, true);
            case "stopmixmonitor" -> mixMonitor(s, m, false);
            case "playdtmf" -> playDtmf(s, m);
            case "setvar" -> setvar(s, m);
            case "getvar" -> getvar(s, m);
            case "status" -> status(s, m);
            case "coreshowchannels" -> coreShowChannels(s, m);
            case "queuestatus" -> queueStatus(s, m);
            case "queuesummary" -> queueSummary(s, m);
            case "bridgelist" -> bridgeList(s, m);
            default -> error(s, m, "Invalid/unknown command: " + action
                    + ". Use Action: ListCommands to show available commands.");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private static AmiMessage.Builder response(AmiMessage m, String response) {
        AmiMessage.Builder b = AmiMessage.builder().add("Response", response);
        if (m.actionId() != null) {
            b.add("ActionID", m.actionId());
        }
        return b;
    }

    private static AmiMessage.Builder ok(AmiMessage m) {
        return response(m, "Success");
    }

    private void reply(AmiSession s, AmiMessage.Builder b) {
        server.reply(s, b.build());
    }

    private void success(AmiSession s, AmiMessage m, String message) {
        reply(s, ok(m).add("Message", message));
    }

    private void error(AmiSession s, AmiMessage m, String message) {
        reply(s, response(m, "Error").add("Message", message));
    }

    private void listStart(AmiSession s, AmiMessage m, String message) {
        reply(s, ok(m).add("EventList", "start").add("Message", message));
    }

    private void listComplete(AmiSession s, AmiMessage m, String event, int items, boolean withItems) {
        AmiMessage.Builder b = AmiMessage.builder().add("Event", event);
        if (m.actionId() != null) {
            b.add("ActionID", m.actionId());
        }
        b.add("EventList", "Complete").add("ListItems", Integer.toString(items));
        if (withItems) {
            b.add("Items", Integer.toString(items));
        }
        reply(s, b);
    }

    private static boolean truthy(String v) {
        return v != null && (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes") || v.equals("1")
                || v.equalsIgnoreCase("on"));
    }

    // ---- session ------------------------------------------------------------------------------------------------

    private void login(AmiSession s, AmiMessage m) {
        String user = m.get("Username");
        SimConfig.User u = pbx.config.users().stream().filter(x -> x.name().equals(user)).findFirst().orElse(null);
        boolean good = false;
        if (u != null) {
            if ("md5".equalsIgnoreCase(m.get("AuthType")) && s.challenge != null) {
                good = md5(s.challenge + u.secret()).equalsIgnoreCase(m.get("Key", ""));
            } else {
                good = u.secret().equals(m.get("Secret"));
            }
        }
        if (!good) {
            // Capture 01b: the error, then Asterisk closes the socket.
            reply(s, response(m, "Error").add("Message", "Authentication failed"));
            s.channel.eventLoop().execute(() -> s.channel.close());
            return;
        }
        s.username = user;
        success(s, m, "Authentication accepted");
        long up = (pbx.now() - pbx.bootedAt) / 1000;
        s.send(Pbx.event("FullyBooted", "system,all").add("Uptime", Long.toString(up))
                .add("LastReload", Long.toString(up)).add("Status", "Fully Booted").build());
        String tv = isoTime(pbx.now());
        s.send(Pbx.event("SuccessfulAuth", "security,all").add("EventTV", tv).add("Severity", "Informational")
                .add("Service", "AMI").add("EventVersion", "1").add("AccountID", user)
                .add("SessionID", "0x" + Integer.toHexString(System.identityHashCode(s)))
                .add("LocalAddress", "IPV4/TCP/" + addr(s.channel.localAddress()))
                .add("RemoteAddress", "IPV4/TCP/" + addr(s.channel.remoteAddress()))
                .add("UsingPassword", "0").add("SessionTV", tv).build());
        s.authenticated = true;
    }

    private static String addr(java.net.SocketAddress a) {
        if (a instanceof java.net.InetSocketAddress i) {
            return i.getAddress().getHostAddress() + "/" + i.getPort();
        }
        return String.valueOf(a);
    }

    private void challenge(AmiSession s, AmiMessage m) {
        if (!"md5".equalsIgnoreCase(m.get("AuthType"))) {
            error(s, m, "Must specify AuthType");
            return;
        }
        s.challenge = Long.toString(Math.abs(pbx.random.nextLong()) % 1_000_000_000L);
        reply(s, ok(m).add("Challenge", s.challenge));
    }

    static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void logoff(AmiSession s, AmiMessage m) {
        reply(s, response(m, "Goodbye").add("Message", "Thanks for all the fish."));
        s.channel.eventLoop().execute(() -> s.channel.close());
    }

    private void events(AmiSession s, AmiMessage m) {
        String mask = m.get("EventMask", "on");
        s.eventsOn = !mask.equalsIgnoreCase("off");
        reply(s, ok(m).add("Events", s.eventsOn ? "On" : "Off"));
    }

    private void coreSettings(AmiSession s, AmiMessage m) {
        reply(s, ok(m).add("AMIversion", "11.0.0").add("AsteriskVersion", "22.10.1").add("SystemName", "")
                .add("CoreMaxCalls", "0").add("CoreMaxLoadAvg", "0.000000").add("CoreRunUser", "")
                .add("CoreRunGroup", "").add("CoreMaxFilehandles", "0").add("CoreRealTimeEnabled", "No")
                .add("CoreCDRenabled", "Yes").add("CoreHTTPenabled", "No").add("SoundsSearchCustomDir", "No"));
    }

    private void coreStatus(AmiSession s, AmiMessage m) {
        SimpleDateFormat d = new SimpleDateFormat("yyyy-MM-dd");
        SimpleDateFormat t = new SimpleDateFormat("HH:mm:ss");
        d.setTimeZone(TimeZone.getTimeZone("UTC"));
        t.setTimeZone(TimeZone.getTimeZone("UTC"));
        Date boot = new Date(pbx.bootedAt);
        reply(s, ok(m).add("CoreStartupDate", d.format(boot)).add("CoreStartupTime", t.format(boot))
                .add("CoreReloadDate", d.format(boot)).add("CoreReloadTime", t.format(boot))
                .add("CoreCurrentCalls", Integer.toString(countCalls()))
                .add("CoreProcessedCalls", Long.toString(pbx.processedCalls)));
    }

    private int countCalls() {
        java.util.Set<String> linked = new java.util.HashSet<>();
        for (Chan c : pbx.channels.values()) {
            linked.add(c.linkedid);
        }
        return linked.size();
    }

    static String isoTime(long ms) {
        SimpleDateFormat f = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSSZ");
        f.setTimeZone(TimeZone.getTimeZone("UTC"));
        return f.format(new Date(ms));
    }

    // ---- call control -------------------------------------------------------------------------------------------

    private void originate(AmiSession s, AmiMessage m) {
        String channel = m.get("Channel");
        if (channel == null || channel.isEmpty()) {
            error(s, m, "Channel not specified");
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
            for (String part : v.split(",")) {
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

    private void hangup(AmiSession s, AmiMessage m) {
        String name = m.get("Channel");
        if (name == null || name.isEmpty()) {
            error(s, m, "No channel specified");
            return;
        }
        Chan c = pbx.channel(name);
        if (c == null) {
            error(s, m, "No such channel");
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

    private void redirect(AmiSession s, AmiMessage m) {
        String name = m.get("Channel");
        if (name == null || name.isEmpty()) {
            error(s, m, "Channel not specified");
            return;
        }
        String exten = m.get("Exten");
        String context = m.get("Context");
        if (exten == null || exten.isEmpty()) {
            error(s, m, "Exten not specified");
            return;
        }
        Chan c = pbx.channel(name);
        if (c == null) {
            error(s, m, "Channel does not exist: " + name);
            return;
        }
        String extraName = m.get("ExtraChannel");
        Chan extra = extraName == null || extraName.isEmpty() ? null : pbx.channel(extraName);
        if (extraName != null && !extraName.isEmpty() && extra == null) {
            error(s, m, "ExtraChannel does not exist: " + extraName);
            return;
        }
        success(s, m, "Redirect successful");
        String extraContext = m.get("ExtraContext", context == null ? null : context);
        String extraExten = m.get("ExtraExten", exten);
        leaveBridge(c, extra);
        Dialplan.run(pbx, c, context == null ? c.context : context, exten);
        if (extra != null && !extra.hungUp) {
            Dialplan.run(pbx, extra, extraContext == null ? extra.context : extraContext, extraExten);
        }
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

    private void blindTransfer(AmiSession s, AmiMessage m) {
        String name = m.get("Channel");
        Chan c = pbx.channel(name);
        if (c == null) {
            error(s, m, "No such channel");
            return;
        }
        String exten = m.get("Exten");
        if (exten == null || exten.isEmpty()) {
            error(s, m, "No extension specified");
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

    private void atxfer(AmiSession s, AmiMessage m) {
        Chan c = pbx.channel(m.get("Channel"));
        if (c == null) {
            error(s, m, "Channel specified does not exist");
            return;
        }
        String exten = m.get("Exten");
        if (exten == null || exten.isEmpty()) {
            error(s, m, "No extension specified");
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

    private void mixMonitor(AmiSession s, AmiMessage m, boolean start) {
        String name = m.get("Channel");
        if (name == null || name.isEmpty()) {
            error(s, m, "No channel specified");
            return;
        }
        Chan c = pbx.channel(name);
        if (c == null) {
            error(s, m, "No such channel");
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
        pbx.emit(Pbx.event(start ? "MixMonitorStart" : "MixMonitorStop", "call,all").add("Channel", c.name)
                .add("ChannelState", Integer.toString(c.state.code)).add("ChannelStateDesc", c.state.desc)
                .add("CallerIDNum", c.cidNum).add("CallerIDName", c.cidName).add("ConnectedLineNum", c.connNum)
                .add("ConnectedLineName", c.connName).add("Language", c.language)
                .add("AccountCode", c.accountCode).add("Context", c.context).add("Exten", c.exten)
                .add("Priority", Integer.toString(c.priority)).add("Uniqueid", c.uniqueid)
                .add("Linkedid", c.linkedid));
    }

    private void playDtmf(AmiSession s, AmiMessage m) {
        Chan c = pbx.channel(m.get("Channel"));
        if (c == null) {
            error(s, m, "Channel not found");
            return;
        }
        String digit = m.get("Digit");
        if (digit == null || digit.isEmpty()) {
            error(s, m, "No digit specified");
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

    private void setvar(AmiSession s, AmiMessage m) {
        String var = m.get("Variable");
        if (var == null || var.isEmpty()) {
            error(s, m, "No variable specified");
            return;
        }
        String name = m.get("Channel");
        String value = m.get("Value", "");
        if (name == null || name.isEmpty()) {
            success(s, m, "Variable Set");
            return; // a global variable: nothing in the simulation reads it
        }
        Chan c = pbx.channel(name);
        if (c == null) {
            error(s, m, "No such channel");
            return;
        }
        pbx.setVar(c, var, value);
        success(s, m, "Variable Set");
    }

    private void getvar(AmiSession s, AmiMessage m) {
        String var = m.get("Variable");
        if (var == null || var.isEmpty()) {
            error(s, m, "No variable specified");
            return;
        }
        String name = m.get("Channel");
        String value = "";
        if (name != null && !name.isEmpty()) {
            Chan c = pbx.channel(name);
            if (c == null) {
                error(s, m, "No such channel");
                return;
            }
            String v = Getvar.value(c, var);
            value = v == null ? "" : v;
        }
        reply(s, ok(m).add("Variable", var).add("Value", value));
    }

    // ---- status lists -------------------------------------------------------------------------------------------

    private void status(AmiSession s, AmiMessage m) {
        String only = m.get("Channel");
        List<Chan> list;
        if (only != null && !only.isEmpty()) {
            Chan c = pbx.channel(only);
            if (c == null) {
                error(s, m, "No such channel");
                return;
            }
            list = List.of(c);
        } else {
            list = new ArrayList<>(pbx.channels.values());
        }
        listStart(s, m, "Channel status will follow");
        for (Chan c : list) {
            AmiMessage.Builder b = AmiMessage.builder().add("Event", "Status").add("Privilege", "Call");
            c.snapshot(b, "");
            b.add("Type", c.tech).add("DNID", "").add("EffectiveConnectedLineNum", c.connNum)
                    .add("EffectiveConnectedLineName", c.connName).add("TimeToHangup", "0")
                    .add("BridgeID", c.bridge == null ? "" : c.bridge.id).add("Application", c.app)
                    .add("Data", c.appData).add("Nativeformats", "(slin)").add("Readformat", "slin")
                    .add("Readtrans", "").add("Writeformat", "slin").add("Writetrans", "").add("Callgroup", "0")
                    .add("Pickupgroup", "0").add("Seconds", Long.toString((pbx.now() - c.createdAt) / 1000));
            if (m.actionId() != null) {
                b.add("ActionID", m.actionId());
            }
            reply(s, b);
        }
        listComplete(s, m, "StatusComplete", list.size(), true);
    }

    private void coreShowChannels(AmiSession s, AmiMessage m) {
        listStart(s, m, "Channels will follow");
        int n = 0;
        for (Chan c : pbx.channels.values()) {
            AmiMessage.Builder b = AmiMessage.builder().add("Event", "CoreShowChannel");
            if (m.actionId() != null) {
                b.add("ActionID", m.actionId());
            }
            c.snapshot(b, "");
            long secs = (pbx.now() - c.createdAt) / 1000;
            b.add("Application", c.app).add("ApplicationData", c.appData)
                    .add("Duration", String.format("%02d:%02d:%02d", secs / 3600, secs / 60 % 60, secs % 60))
                    .add("BridgeId", c.bridge == null ? "" : c.bridge.id);
            reply(s, b);
            n++;
        }
        listComplete(s, m, "CoreShowChannelsComplete", n, false);
    }

    private void queueStatus(AmiSession s, AmiMessage m) {
        String qName = m.get("Queue");
        String member = m.get("Member");
        listStart(s, m, "Queue status will follow");
        int n = 0;
        for (SimQueue q : pbx.queues.values()) {
            if (qName != null && !qName.isEmpty() && !q.name.equals(qName)) {
                continue;
            }
            AmiMessage.Builder p = AmiMessage.builder().add("Event", "QueueParams").add("Queue", q.name)
                    .add("Max", "0").add("Strategy", q.strategy).add("Calls", Integer.toString(q.entries.size()))
                    .add("Holdtime", Long.toString(Math.round(q.holdAvg)))
                    .add("TalkTime", Long.toString(Math.round(q.talkAvg)))
                    .add("Completed", Integer.toString(q.completed)).add("Abandoned", Integer.toString(q.abandoned))
                    .add("ServiceLevel", "0").add("ServicelevelPerf", "0.0").add("ServicelevelPerf2", "0.0")
                    .add("Weight", "0");
            addId(p, m);
            reply(s, p);
            n++;
            List<SimQueue.Member> members = new ArrayList<>(q.members.values());
            java.util.Collections.reverse(members); // app_queue's container order, as in capture 04
            for (SimQueue.Member mem : members) {
                if (member != null && !member.isEmpty() && !mem.iface.equals(member)) {
                    continue;
                }
                AmiMessage.Builder b = AmiMessage.builder().add("Event", "QueueMember").add("Queue", q.name);
                q.memberFields(b, mem, false);
                addId(b, m);
                reply(s, b);
                n++;
            }
            int pos = 1;
            for (QueueCall qc : q.entries) {
                Chan c = qc.caller;
                AmiMessage.Builder b = AmiMessage.builder().add("Event", "QueueEntry").add("Queue", q.name)
                        .add("Position", Integer.toString(pos++)).add("Channel", c.name)
                        .add("Uniqueid", c.uniqueid).add("CallerIDNum", c.cidNum).add("CallerIDName", c.cidName)
                        .add("ConnectedLineNum", c.connNum).add("ConnectedLineName", c.connName)
                        .add("Wait", Long.toString((pbx.now() - qc.joinedAt) / 1000)).add("Priority",
                                Integer.toString(qc.priority));
                addId(b, m);
                reply(s, b);
                n++;
            }
        }
        listComplete(s, m, "QueueStatusComplete", n, false);
    }

    private static void addId(AmiMessage.Builder b, AmiMessage m) {
        if (m.actionId() != null) {
            b.add("ActionID", m.actionId());
        }
    }

    private void queueSummary(AmiSession s, AmiMessage m) {
        String qName = m.get("Queue");
        listStart(s, m, "Queue summary will follow");
        int n = 0;
        for (SimQueue q : pbx.queues.values()) {
            if (qName != null && !qName.isEmpty() && !q.name.equals(qName)) {
                continue;
            }
            int available = 0;
            for (SimQueue.Member mem : q.members.values()) {
                if (q.available(mem)) {
                    available++;
                }
            }
            long longest = q.entries.stream().mapToLong(e -> (pbx.now() - e.joinedAt) / 1000).max().orElse(0);
            AmiMessage.Builder b = AmiMessage.builder().add("Event", "QueueSummary").add("Queue", q.name)
                    .add("LoggedIn", Integer.toString(q.members.size())).add("Available", Integer.toString(available))
                    .add("Callers", Integer.toString(q.entries.size()))
                    .add("HoldTime", Long.toString(Math.round(q.holdAvg)))
                    .add("TalkTime", Long.toString(Math.round(q.talkAvg)))
                    .add("LongestHoldTime", Long.toString(longest));
            addId(b, m);
            reply(s, b);
            n++;
        }
        listComplete(s, m, "QueueSummaryComplete", n, false);
    }

    private void bridgeList(AmiSession s, AmiMessage m) {
        listStart(s, m, "Bridge listing will follow");
        int n = 0;
        for (Bridge br : pbx.bridges.values()) {
            AmiMessage.Builder b = AmiMessage.builder().add("Event", "BridgeListItem");
            addId(b, m);
            br.snapshot(b, "");
            reply(s, b);
            n++;
        }
        listComplete(s, m, "BridgeListComplete", n, false);
    }

    // ---- queue members ------------------------------------------------------------------------------------------

    private void queuePause(AmiSession s, AmiMessage m) {
        String iface = m.get("Interface");
        if (iface == null || iface.isEmpty()) {
            error(s, m, "Need 'Interface' parameter");
            return;
        }
        String paused = m.get("Paused");
        if (paused == null || paused.isEmpty()) {
            error(s, m, "Need 'Paused' parameter");
            return;
        }
        boolean pause = truthy(paused);
        String qName = m.get("Queue");
        String reason = m.get("Reason", "");
        List<SimQueue> targets = new ArrayList<>();
        for (SimQueue q : pbx.queues.values()) {
            if ((qName == null || qName.isEmpty() || q.name.equals(qName)) && q.members.containsKey(iface)) {
                targets.add(q);
            }
        }
        if (targets.isEmpty()) {
            error(s, m, "Interface not found");
            return;
        }
        success(s, m, pause ? "Interface paused successfully" : "Interface unpaused successfully");
        for (SimQueue q : targets) {
            SimQueue.Member mem = q.members.get(iface);
            mem.paused = pause;
            mem.pausedReason = pause ? reason : "";
            if (pause) {
                mem.lastPause = pbx.now() / 1000;
            }
            q.memberEvent("QueueMemberPause", mem);
            pbx.queueLog.write(pbx.now(), "NONE", q.name, q.agentName(mem), pause ? "PAUSE" : "UNPAUSE", reason);
        }
        if (!pause) {
            pbx.engine.after(0, () -> pbx.queues.values().forEach(SimQueue::kick));
        }
    }

    private void queueAdd(AmiSession s, AmiMessage m) {
        String qName = m.get("Queue");
        String iface = m.get("Interface");
        if (qName == null || qName.isEmpty()) {
            error(s, m, "'Queue' not specified.");
            return;
        }
        if (iface == null || iface.isEmpty()) {
            error(s, m, "'Interface' not specified.");
            return;
        }
        SimQueue q = pbx.queues.get(qName);
        if (q == null) {
            error(s, m, "Unable to add interface to queue: No such queue");
            return;
        }
        if (q.members.containsKey(iface)) {
            error(s, m, "Unable to add interface: Already there");
            return;
        }
        String name = m.get("MemberName", iface);
        SimQueue.Member mem = new SimQueue.Member(iface, name, m.get("StateInterface", iface), true,
                pbx.device(iface, null), QueueCall.parseInt(m.get("Penalty"), 0));
        mem.paused = truthy(m.get("Paused"));
        mem.pausedReason = mem.paused ? m.get("Reason", "") : "";
        mem.loginTime = pbx.now() / 1000;
        q.members.put(iface, mem);
        success(s, m, "Added interface to queue");
        q.memberEvent("QueueMemberAdded", mem);
        pbx.queueLog.write(pbx.now(), "NONE", q.name, q.agentName(mem), "ADDMEMBER", "");
        pbx.engine.after(0, q::kick);
    }

    private void queueRemove(AmiSession s, AmiMessage m) {
        String qName = m.get("Queue");
        String iface = m.get("Interface");
        if (qName == null || qName.isEmpty() || iface == null || iface.isEmpty()) {
            error(s, m, "Need 'Queue' and 'Interface' parameters.");
            return;
        }
        SimQueue q = pbx.queues.get(qName);
        if (q == null) {
            error(s, m, "Unable to remove interface from queue: No such queue");
            return;
        }
        SimQueue.Member mem = q.members.get(iface);
        if (mem == null) {
            error(s, m, "Unable to remove interface: Not there");
            return;
        }
        if (!mem.dynamic) {
            error(s, m, "Unable to remove interface: It is not a dynamic member");
            return;
        }
        q.members.remove(iface);
        success(s, m, "Removed interface from queue");
        q.memberEvent("QueueMemberRemoved", mem);
        pbx.queueLog.write(pbx.now(), "NONE", q.name, q.agentName(mem), "REMOVEMEMBER", "");
    }

    private void queueRingInUse(AmiSession s, AmiMessage m) {
        String iface = m.get("Interface");
        String qName = m.get("Queue");
        String value = m.get("RingInUse");
        boolean found = false;
        if (iface != null && value != null) {
            for (SimQueue q : pbx.queues.values()) {
                if ((qName == null || qName.isEmpty() || q.name.equals(qName)) && q.members.containsKey(iface)) {
                    if (!found) {
                        success(s, m, "Interface ringinuse set successfully");
                    }
                    found = true;
                    SimQueue.Member mem = q.members.get(iface);
                    mem.ringinuse = truthy(value);
                    q.memberEvent("QueueMemberRinginuse", mem);
                }
            }
        }
        if (!found) {
            error(s, m, "Invalid interface, queuename, or ringinuse value");
        }
    }

    /**
     * {@code Action: SimFault} with {@code Fault: drop | restart | stall | resume | garbage | oversized}: the fault
     * API over AMI, for integrators driving the standalone simulator. Not an Asterisk action. The faults run after
     * the response is written; the engine thread is not blocked.
     */
    private void simFault(AmiSession s, AmiMessage m) {
        String fault = m.get("Fault", "").toLowerCase();
        if (!List.of("drop", "restart", "stall", "resume", "garbage", "oversized").contains(fault)) {
            error(s, m, "Fault must be one of drop, restart, stall, resume, garbage, oversized");
            return;
        }
        success(s, m, "Fault injected: " + fault);
        switch (fault) {
            case "drop" -> faults.drop();
            case "restart" -> faults.restart();
            case "stall" -> faults.stall(true);
            case "resume" -> faults.stall(false);
            case "garbage" -> faults.garbage();
            default -> faults.oversized(QueueCall.parseInt(m.get("Bytes"), 2 * 1024 * 1024));
        }
    }

    /** The CLI commands clients use to resynchronise; anything else answers like an unknown CLI command. */
    private void command(AmiSession s, AmiMessage m) {
        String cmd = m.get("Command", "").trim();
        AmiMessage.Builder b = ok(m).add("Message", "Command output follows");
        if (cmd.equals("core show channels concise")) {
            for (Chan c : pbx.channels.values()) {
                long secs = (pbx.now() - c.createdAt) / 1000;
                String peer = c.bridge == null ? "" : c.bridge.id;
                b.add("Output", String.join("!", c.name, c.context, c.exten, Integer.toString(c.priority),
                        c.state.desc, c.app, c.appData, "<unknown>".equals(c.cidNum) ? "" : c.cidNum, "", "",
                        "3", Long.toString(secs), peer, c.uniqueid));
            }
        } else if (cmd.equals("core show version")) {
            b.add("Output", "Asterisk 22.10.1 built by the CTI PBX simulator");
        } else {
            reply(s, response(m, "Error").add("Message", "Command output follows")
                    .add("Output", "No such command '" + cmd + "' (type 'core show help " + cmd
                            + "' for other possible commands)"));
            return;
        }
        reply(s, b);
    }

    private void queuePenalty(AmiSession s, AmiMessage m) {
        String iface = m.get("Interface");
        String pen = m.get("Penalty");
        String qName = m.get("Queue");
        int penalty = QueueCall.parseInt(pen, -1);
        boolean found = false;
        if (iface != null && penalty >= 0) {
            for (SimQueue q : pbx.queues.values()) {
                if ((qName == null || qName.isEmpty() || q.name.equals(qName)) && q.members.containsKey(iface)) {
                    if (!found) {
                        success(s, m, "Interface penalty set successfully");
                    }
                    found = true;
                    SimQueue.Member mem = q.members.get(iface);
                    mem.penalty = penalty;
                    q.memberEvent("QueueMemberPenalty", mem);
                }
            }
        }
        if (!found) {
            error(s, m, "Invalid interface, queuename or penalty");
        }
    }
}
