package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import java.util.LinkedHashMap;
import java.util.Map;

/** One simulated channel. Owned by the engine thread. */
final class Chan {
    final String name;
    final String tech;
    final String uniqueid;
    final String linkedid;
    final long createdAt;
    ChanState state;
    String cidNum = "<unknown>";
    String cidName = "<unknown>";
    String connNum = "<unknown>";
    String connName = "<unknown>";
    String language = "en";
    String accountCode = "";
    String context;
    String exten;
    int priority = 1;
    String app = "";
    String appData = "";
    final Map<String, String> vars = new LinkedHashMap<>();
    /** The other half of a Local pair, or null. */
    Chan localPeer;
    Bridge bridge;
    /** The call flow that owns this channel, told when the channel is hung up from outside. */
    CallFlow flow;
    boolean hungUp;
    boolean mixMonitor;

    Chan(String name, String tech, String uniqueid, String linkedid, long createdAt, ChanState state,
         String context, String exten) {
        this.name = name;
        this.tech = tech;
        this.uniqueid = uniqueid;
        this.linkedid = linkedid;
        this.createdAt = createdAt;
        this.state = state;
        this.context = context;
        this.exten = exten;
    }

    boolean isLocalOne() {
        return tech.equals("Local") && name.endsWith(";1");
    }

    void callerId(String num, String cname) {
        cidNum = num == null || num.isEmpty() ? "<unknown>" : num;
        cidName = cname == null || cname.isEmpty() ? "<unknown>" : cname;
    }

    void connected(String num, String cname) {
        connNum = num == null || num.isEmpty() ? "<unknown>" : num;
        connName = cname == null || cname.isEmpty() ? "<unknown>" : cname;
    }

    void location(String context, String exten, int priority) {
        this.context = context;
        this.exten = exten;
        this.priority = priority;
    }

    void app(String app, String data) {
        this.app = app;
        this.appData = data;
    }

    /** Asterisk's channel snapshot fields, each key prefixed (e.g. "Dest", "Spyer", "LocalOne"). */
    void snapshot(AmiMessage.Builder b, String prefix) {
        b.add(key(prefix, "Channel"), name)
                .add(key(prefix, "ChannelState"), Integer.toString(state.code))
                .add(key(prefix, "ChannelStateDesc"), state.desc)
                .add(key(prefix, "CallerIDNum"), cidNum)
                .add(key(prefix, "CallerIDName"), cidName)
                .add(key(prefix, "ConnectedLineNum"), connNum)
                .add(key(prefix, "ConnectedLineName"), connName)
                .add(key(prefix, "Language"), language)
                .add(key(prefix, "AccountCode"), accountCode)
                .add(key(prefix, "Context"), context)
                .add(key(prefix, "Exten"), exten)
                .add(key(prefix, "Priority"), Integer.toString(priority))
                .add(key(prefix, "Uniqueid"), uniqueid)
                .add(key(prefix, "Linkedid"), linkedid);
    }

    /** Most snapshots have no prefix: no new String per key for them (CoreShowChannels lists thousands). */
    private static String key(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + name;
    }

    @Override
    public String toString() {
        return name;
    }
}
