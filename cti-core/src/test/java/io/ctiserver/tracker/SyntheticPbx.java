package io.ctiserver.tracker;

import io.ctiserver.ami.AmiMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds AMI event streams by hand, in the shapes of the real captures (same event names and headers), with live
 * receive times so that durations come from the clock. Each event goes straight into the tracker.
 */
final class SyntheticPbx {

    static final long T0 = 1_800_000_000_000L;

    final ReplayHarness h;
    long now = T0;
    private int seq;

    SyntheticPbx(ReplayHarness h) {
        this.h = h;
    }

    record Chan(String name, String uid, String linkedid, String context, String exten, String cidNum, String cidName) {
    }

    void advance(long seconds) {
        now += seconds * 1000;
    }

    void send(String event, String... kv) {
        AmiMessage.Builder b = AmiMessage.builder().add("Event", event).add("Privilege", "call,all");
        for (int i = 0; i < kv.length; i += 2) {
            b.add(kv[i], kv[i + 1]);
        }
        now += 1;
        h.tracker.onMessage(b.build().withSource("pbx1", now));
    }

    private static List<String> snapshot(Chan c, String prefix) {
        return List.of(prefix + "Channel", c.name, prefix + "ChannelState", "6", prefix + "CallerIDNum", c.cidNum,
                prefix + "CallerIDName", c.cidName, prefix + "Context", c.context, prefix + "Exten", c.exten,
                prefix + "Uniqueid", c.uid, prefix + "Linkedid", c.linkedid);
    }

    /** An event about channel {@code c}; {@code extra} headers replace the snapshot's (a Newexten's new Exten). */
    void on(String event, Chan c, String... extra) {
        List<String> base = snapshot(c, "");
        List<String> kv = new ArrayList<>();
        for (int i = 0; i < base.size(); i += 2) {
            boolean replaced = false;
            for (int j = 0; j < extra.length; j += 2) {
                replaced |= extra[j].equals(base.get(i));
            }
            if (!replaced) {
                kv.add(base.get(i));
                kv.add(base.get(i + 1));
            }
        }
        kv.addAll(List.of(extra));
        send(event, kv.toArray(new String[0]));
    }

    void dial(String event, Chan c, Chan dest, String... extra) {
        List<String> kv = new ArrayList<>(snapshot(c, ""));
        kv.addAll(snapshot(dest, "Dest"));
        kv.addAll(List.of(extra));
        send(event, kv.toArray(new String[0]));
    }

    /** A new channel; {@code linked} null makes it the first channel of a new call. */
    Chan channel(String name, Chan linked, String context, String exten, String cidNum, String cidName) {
        String uid = "1800000000." + (seq++);
        Chan c = new Chan(name, uid, linked == null ? uid : linked.linkedid, context, exten, cidNum, cidName);
        on("Newchannel", c);
        return c;
    }

    void member(String queue, String iface, String name, String paused, String status) {
        send("QueueMemberStatus", "Queue", queue, "MemberName", name, "Interface", iface, "StateInterface", iface,
                "Membership", "static", "Penalty", "0", "CallsTaken", "0", "LastCall", "0", "InCall", "0",
                "Status", status, "Paused", paused, "PausedReason", "", "Wrapuptime", "0");
    }

    void join(Chan caller, String queue, int position) {
        on("QueueCallerJoin", caller, "Queue", queue, "Position", String.valueOf(position), "Count", String.valueOf(position));
    }

    void agentCalled(Chan caller, Chan dest, String queue, String iface, String name) {
        dial("AgentCalled", caller, dest, "Queue", queue, "Interface", iface, "MemberName", name);
        dial("DialBegin", caller, dest, "DialString", iface);
    }

    void connect(Chan caller, Chan dest, String queue, String iface, String name, long hold) {
        dial("DialEnd", caller, dest, "DialStatus", "ANSWER");
        on("QueueCallerLeave", caller, "Queue", queue, "Position", "1", "Count", "0");
        dial("AgentConnect", caller, dest, "Queue", queue, "Interface", iface, "MemberName", name,
                "HoldTime", String.valueOf(hold), "RingTime", String.valueOf(hold));
    }

    void bridge(String bridgeId, Chan... chans) {
        send("BridgeCreate", "BridgeUniqueid", bridgeId, "BridgeType", "basic", "BridgeNumChannels", "0");
        for (Chan c : chans) {
            on("BridgeEnter", c, "BridgeUniqueid", bridgeId);
        }
    }

    void complete(Chan caller, Chan dest, String queue, String iface, String name, long hold, long talk, String reason) {
        dial("AgentComplete", caller, dest, "Queue", queue, "Interface", iface, "MemberName", name,
                "HoldTime", String.valueOf(hold), "TalkTime", String.valueOf(talk), "Reason", reason);
    }

    void leave(String bridgeId, Chan c) {
        on("BridgeLeave", c, "BridgeUniqueid", bridgeId);
    }

    void hangup(Chan... chans) {
        for (Chan c : chans) {
            on("Hangup", c, "Cause", "16", "Cause-txt", "Normal Clearing");
        }
    }
}
