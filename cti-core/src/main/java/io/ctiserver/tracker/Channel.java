package io.ctiserver.tracker;

/** One Asterisk channel as the tracker knows it. Mutable; owned by the tracker thread. */
final class Channel {

    final String uniqueid;
    final String linkedid;
    /** The channel's name; a Rename event changes it (the Uniqueid stays). */
    String name;
    /** The device the channel belongs to: {@code PJSIP/agent1}, {@code Local/201@agents}; matches a member's. */
    final String device;
    final boolean local;
    int state;
    String callerNum;
    String callerName;
    String connectedNum;
    String connectedName;
    String context;
    String exten;
    Bridge bridge;
    Call call;
    /** The other half of a Local pair ({@code ;1} for {@code ;2} and back). */
    Channel localPeer;
    boolean hangupRequested;
    /** What was dialled to create this channel (DialBegin's DialString), e.g. {@code PJSIP/300} or {@code 300@ctx}. */
    String dialString;
    /** ChanSpy options when this channel runs ChanSpy (from Newexten or OriginateResponse). */
    String spyOptions;
    /** Set when the caller left a live bridge without a transfer: a Newexten elsewhere means Redirect. */
    String leftFromContext;
    String leftFromExten;
    /**
     * Set when a Newexten at priority 1 elsewhere arrived while the channel was still in a bridge: Asterisk 22 reports
     * a Redirect's new position before the BridgeLeave.
     */
    boolean redirectPending;
    /** When it entered its current bridge. */
    java.time.Instant bridgedAt;
    /** MixMonitor's file on this channel (VarSet MIXMONITOR_FILENAME), if Asterisk said. */
    String mixMonitorFile;
    /** Another call this channel is a party of (the customer's, for a consultation leg with its own Linkedid). */
    Call guestOf;

    Channel(String uniqueid, String linkedid, String name) {
        this.uniqueid = uniqueid;
        this.linkedid = linkedid == null ? uniqueid : linkedid;
        this.name = name == null ? "" : name;
        this.local = this.name.startsWith("Local/");
        this.device = deviceOf(this.name);
    }

    /** {@code PJSIP/agent1-00000001} gives {@code PJSIP/agent1}; {@code Local/201@agents-00000001;1} gives {@code Local/201@agents}. */
    static String deviceOf(String channelName) {
        String n = channelName;
        int semi = n.lastIndexOf(';');
        if (semi > 0 && n.startsWith("Local/")) {
            n = n.substring(0, semi);
        }
        int dash = n.lastIndexOf('-');
        int slash = n.indexOf('/');
        return dash > slash && slash > 0 ? n.substring(0, dash) : n;
    }

    /** A queue member interface as a device: {@code Local/201@agents/n} gives {@code Local/201@agents}. */
    static String deviceOfInterface(String iface) {
        if (iface.startsWith("Local/")) {
            int at = iface.indexOf('@');
            int opt = at < 0 ? -1 : iface.indexOf('/', at);
            return opt < 0 ? iface : iface.substring(0, opt);
        }
        return iface;
    }

    /** The extension part of a Local channel ({@code 201} for {@code Local/201@agents-...}), else null. */
    String localExten() {
        if (!local) {
            return null;
        }
        int at = name.indexOf('@');
        return at > 6 ? name.substring(6, at) : null;
    }

    /** The number or extension this channel was dialled at: {@code 300} for {@code PJSIP/300} or {@code 300@ctx/n}. */
    String dialledNumber() {
        String d = dialString;
        if (d == null || d.isEmpty()) {
            return null;
        }
        int slash = d.indexOf('/');
        if (slash >= 0 && slash < d.length() - 1 && d.indexOf('@') < 0) {
            d = d.substring(slash + 1);
        }
        int cut = d.length();
        for (char c : new char[] {'@', '/', ','}) {
            int i = d.indexOf(c);
            if (i >= 0) {
                cut = Math.min(cut, i);
            }
        }
        return cut == 0 ? null : d.substring(0, cut);
    }

    boolean sameSideAs(Channel other) {
        return other != null && (other == this || other == localPeer);
    }
}
