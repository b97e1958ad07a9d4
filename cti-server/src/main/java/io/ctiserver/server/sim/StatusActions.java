package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import java.util.ArrayList;
import java.util.List;

/** The status actions and their event lists: Status, CoreShowChannels, QueueStatus, QueueSummary, BridgeList,
 * and the Command action for the CLI commands clients use. Engine thread only. */
final class StatusActions extends ActionGroup {

    StatusActions(Pbx pbx, AmiServer server) {
        super(pbx, server);
    }

    void status(AmiSession s, AmiMessage m) {
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
        ListReply reply = listStart(s, m, "Channel status will follow");
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
            reply.item(b);
        }
        reply.complete("StatusComplete", true);
    }

    void coreShowChannels(AmiSession s, AmiMessage m) {
        ListReply reply = listStart(s, m, "Channels will follow");
        for (Chan c : pbx.channels.values()) {
            AmiMessage.Builder b = AmiMessage.builder().add("Event", "CoreShowChannel");
            if (m.actionId() != null) {
                b.add("ActionID", m.actionId());
            }
            c.snapshot(b, "");
            long secs = (pbx.now() - c.createdAt) / 1000;
            b.add("Application", c.app).add("ApplicationData", c.appData)
                    .add("Duration", hhmmss(secs))
                    .add("BridgeId", c.bridge == null ? "" : c.bridge.id);
            reply.item(b);
        }
        reply.complete("CoreShowChannelsComplete", false);
    }

    /** {@code 01:02:03}; String.format costs more than the rest of a CoreShowChannel item. */
    static String hhmmss(long secs) {
        long h = secs / 3600;
        long m = secs / 60 % 60;
        long sec = secs % 60;
        return (h < 10 ? "0" : "") + h + (m < 10 ? ":0" : ":") + m + (sec < 10 ? ":0" : ":") + sec;
    }

    void queueStatus(AmiSession s, AmiMessage m) {
        String qName = m.get("Queue");
        String member = m.get("Member");
        ListReply reply = listStart(s, m, "Queue status will follow");
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
            reply.item(p);
            List<SimQueue.Member> members = new ArrayList<>(q.members.values());
            java.util.Collections.reverse(members); // app_queue's container order, as in capture 04
            for (SimQueue.Member mem : members) {
                if (member != null && !member.isEmpty() && !mem.iface.equals(member)) {
                    continue;
                }
                AmiMessage.Builder b = AmiMessage.builder().add("Event", "QueueMember").add("Queue", q.name);
                q.memberFields(b, mem, false);
                addId(b, m);
                reply.item(b);
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
                reply.item(b);
            }
        }
        reply.complete("QueueStatusComplete", false);
    }

    void queueSummary(AmiSession s, AmiMessage m) {
        String qName = m.get("Queue");
        ListReply reply = listStart(s, m, "Queue summary will follow");
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
            reply.item(b);
        }
        reply.complete("QueueSummaryComplete", false);
    }

    void bridgeList(AmiSession s, AmiMessage m) {
        ListReply reply = listStart(s, m, "Bridge listing will follow");
        for (Bridge br : pbx.bridges.values()) {
            AmiMessage.Builder b = AmiMessage.builder().add("Event", "BridgeListItem");
            addId(b, m);
            br.snapshot(b, "");
            reply.item(b);
        }
        reply.complete("BridgeListComplete", false);
    }

    // ---- queue members ------------------------------------------------------------------------------------------

    /** The CLI commands clients use to resynchronise; anything else answers like an unknown CLI command. */
    void command(AmiSession s, AmiMessage m) {
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
}
