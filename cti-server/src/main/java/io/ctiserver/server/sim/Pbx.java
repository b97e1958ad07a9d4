package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The simulated PBX's state and the primitives that change it, each emitting the AMI events Asterisk 22 emits for
 * that change, with Asterisk's field sets (channel snapshots, bridge snapshots). Call flows compose these primitives
 * in the order the captures show. Engine thread only.
 */
final class Pbx {

    final SimEngine engine;
    final SimConfig config;
    final Random random;
    final QueueLog queueLog;
    final Parking parking = new Parking(this);
    final Map<String, Chan> channels = new LinkedHashMap<>();
    final Map<String, Bridge> bridges = new LinkedHashMap<>();
    final Map<String, SimQueue> queues = new LinkedHashMap<>();
    /** Agent devices by interface, shared by every queue the interface is a member of. */
    final Map<String, Device> devices = new HashMap<>();
    final java.util.List<Spy> spies = new java.util.ArrayList<>();
    private final Map<String, Integer> techSeq = new HashMap<>();
    private final Consumer<AmiMessage> sink;
    private long uniqueSeq;
    /** Uniqueids take at least this epoch second: set past the last second used when the PBX restarts. */
    private long uniqueFloorSecond;
    long bootedAt;
    /** The FastAGI client, or null when the AGI step is disabled. */
    AgiStep agi;
    private final Traffic traffic;
    long processedCalls;
    /** The SIP phones behind PJSIP endpoints, by endpoint name (sim/phone). */
    final Map<String, io.ctiserver.server.sim.phone.SimPhone> phones = new LinkedHashMap<>();
    final io.ctiserver.server.sim.phone.AstDb astDb = new io.ctiserver.server.sim.phone.AstDb();
    /** Last DeviceStateChange state sent per phone device, so that only changes are sent. */
    private final Map<String, String> deviceStates = new HashMap<>();
    /** Phone channels the phone itself put on hold (a NOTIFY hold it obeyed). */
    final java.util.Set<String> heldByPhone = new java.util.HashSet<>();

    Pbx(SimEngine engine, SimConfig config, QueueLog queueLog, Consumer<AmiMessage> sink) {
        this.engine = engine;
        this.config = config;
        this.random = new Random(config.seed());
        this.queueLog = queueLog;
        this.sink = sink;
        this.bootedAt = engine.now();
        this.traffic = new Traffic(this);
        for (SimConfig.QueueConfig qc : config.queues()) {
            SimQueue q = new SimQueue(this, qc);
            queues.put(q.name, q);
            // Every agent has a registered SIP phone: PJSIP/agent1 itself, and PJSIP/201 behind Local/201@agents/n.
            for (SimConfig.MemberConfig mc : qc.members()) {
                String endpoint = mc.iface().startsWith("PJSIP/") ? mc.iface().substring(6)
                        : mc.iface().startsWith("Local/") ? mc.iface().substring(6, mc.iface().indexOf('@')) : null;
                if (endpoint != null) {
                    phones.computeIfAbsent(endpoint, e -> new io.ctiserver.server.sim.phone.SimPhone(e,
                            "sip:" + e + "@127.0.0.1:" + (5070 + phones.size() + 1)));
                }
            }
        }
    }

    /** The phone behind a device ({@code PJSIP/agent1}) or a channel of it, or null. */
    io.ctiserver.server.sim.phone.SimPhone phone(String deviceOrChannel) {
        if (deviceOrChannel == null || !deviceOrChannel.startsWith("PJSIP/")) {
            return null;
        }
        String rest = deviceOrChannel.substring(6);
        io.ctiserver.server.sim.phone.SimPhone p = phones.get(rest);
        if (p == null && rest.lastIndexOf('-') > 0) {
            p = phones.get(rest.substring(0, rest.lastIndexOf('-')));
        }
        return p;
    }

    /**
     * Sends DeviceStateChange when a phone's state changes, as Asterisk's device-state core does: from the
     * channels of that device (ringing, in use, on hold), or UNAVAILABLE when the phone has no contact.
     */
    void deviceStateMayChange(String device) {
        if (device == null || !device.startsWith("PJSIP/") || device.equals("PJSIP/trunk")) {
            return;
        }
        String state = deviceState(device);
        if (!state.equals(deviceStates.put(device, state))) {
            emit(event("DeviceStateChange", "call,all").add("Device", device).add("State", state));
        }
    }

    String deviceState(String device) {
        io.ctiserver.server.sim.phone.SimPhone p = phone(device);
        if (p != null && !p.registered()) {
            return "UNAVAILABLE";
        }
        boolean ringing = false;
        boolean inUse = false;
        boolean held = false;
        for (Chan c : channels.values()) {
            if (!c.name.startsWith(device + "-")) {
                continue;
            }
            if (heldByPhone.contains(c.name)) {
                held = true;
            } else if (c.state == ChanState.RINGING) {
                ringing = true;
            } else {
                inUse = true;
            }
        }
        if (ringing) {
            return inUse ? "RINGINUSE" : "RINGING";
        }
        return held ? "ONHOLD" : inUse ? "INUSE" : "NOT_INUSE";
    }

    private static String deviceOf(Chan c) {
        int dash = c.name.lastIndexOf('-');
        return dash > 0 ? c.name.substring(0, dash) : c.name;
    }

    Traffic traffic() {
        return traffic;
    }

    long now() {
        return engine.now();
    }

    Device device(String iface, SimConfig.MemberConfig mc) {
        return devices.computeIfAbsent(iface, k -> new Device(k, mc));
    }

    // ---- events -------------------------------------------------------------------------------------------------

    static AmiMessage.Builder event(String name, String privilege) {
        return AmiMessage.builder().add("Event", name).add("Privilege", privilege);
    }

    void emit(AmiMessage.Builder b) {
        sink.accept(b.build());
    }

    void emitChan(String name, String privilege, Chan c, String... extra) {
        AmiMessage.Builder b = event(name, privilege);
        c.snapshot(b, "");
        for (int i = 0; i < extra.length; i += 2) {
            b.add(extra[i], extra[i + 1]);
        }
        emit(b);
    }

    // ---- channels -----------------------------------------------------------------------------------------------

    private String nextUniqueid() {
        return Math.max(now() / 1000, uniqueFloorSecond) + "." + (uniqueSeq++);
    }

    private String nextSeq(String key) {
        int n = techSeq.merge(key, 1, Integer::sum) - 1;
        return String.format("%08x", n);
    }

    /** A single channel such as {@code PJSIP/agent1-00000001}. */
    Chan newChannel(String device, String linkedid, ChanState state, String context, String exten) {
        String tech = device.substring(0, device.indexOf('/'));
        String name = device + "-" + nextSeq(tech);
        String uid = nextUniqueid();
        Chan c = new Chan(name, tech, uid, linkedid == null ? uid : linkedid, now(), state, context, exten);
        channels.put(name, c);
        emitChan("Newchannel", "call,all", c);
        deviceStateMayChange(device);
        return c;
    }

    /** A channel that arrives with its caller id already known (an inbound SIP call, capture 09). */
    Chan newChannelWithCallerId(String device, ChanState state, String context, String exten, String num,
                                String name) {
        return newChannelWithCallerId(device, null, state, context, exten, num, name);
    }

    /** The same, in an existing call: {@code linkedid} is the call's (an agent's channel rung by a queue). */
    Chan newChannelWithCallerId(String device, String linkedid, ChanState state, String context, String exten,
                                String num, String name) {
        String tech = device.substring(0, device.indexOf('/'));
        String uid = nextUniqueid();
        Chan c = new Chan(device + "-" + nextSeq(tech), tech, uid, linkedid == null ? uid : linkedid, now(), state,
                context, exten);
        c.callerId(num, name);
        c.connected(num, name);
        channels.put(c.name, c);
        emitChan("Newchannel", "call,all", c);
        deviceStateMayChange(device);
        return c;
    }

    /** A Local pair for {@code exten@context}: ;1 (Down) and ;2 (Ring), both announced. Returns ;1. */
    Chan newLocalPair(String exten, String context, String linkedid) {
        String base = "Local/" + exten + "@" + context + "-" + nextSeq("Local");
        String uid1 = nextUniqueid();
        String link = linkedid == null ? uid1 : linkedid;
        Chan one = new Chan(base + ";1", "Local", uid1, link, now(), ChanState.DOWN, context, exten);
        Chan two = new Chan(base + ";2", "Local", nextUniqueid(), link, now(), ChanState.RING, context, exten);
        one.localPeer = two;
        two.localPeer = one;
        channels.put(one.name, one);
        channels.put(two.name, two);
        emitChan("Newchannel", "call,all", one);
        emitChan("Newchannel", "call,all", two);
        return one;
    }

    void localBridge(Chan one) {
        Chan two = one.localPeer;
        AmiMessage.Builder b = event("LocalBridge", "call,all");
        one.snapshot(b, "LocalOne");
        two.snapshot(b, "LocalTwo");
        b.add("Context", two.context).add("Exten", two.exten).add("LocalOptimization", "No");
        emit(b);
    }

    void newCallerid(Chan c) {
        emitChan("NewCallerid", "call,all", c, "CID-CallingPres", "0 (Presentation Allowed, Not Screened)");
    }

    void newConnectedLine(Chan c) {
        emitChan("NewConnectedLine", "call,all", c);
    }

    void setVar(Chan c, String var, String value) {
        c.vars.put(var, value);
        emitChan("VarSet", "dialplan,all", c, "Variable", var, "Value", value);
    }

    void newState(Chan c, ChanState s) {
        if (c.state == s) {
            return;
        }
        c.state = s;
        emitChan("Newstate", "call,all", c);
        deviceStateMayChange(deviceOf(c));
    }

    void dialBegin(Chan caller, Chan dest, String dialString) {
        emit(dialEvent("DialBegin", caller, dest).add("DialString", dialString));
    }

    void dialState(Chan caller, Chan dest, String status) {
        emit(dialEvent("DialState", caller, dest).add("DialStatus", status));
    }

    void dialEnd(Chan caller, Chan dest, String status) {
        emit(dialEvent("DialEnd", caller, dest).add("DialStatus", status));
    }

    /** A Dial* event: the caller's snapshot (none for an Originate's first leg), then the destination's. */
    private static AmiMessage.Builder dialEvent(String name, Chan caller, Chan dest) {
        AmiMessage.Builder b = event(name, "call,all");
        if (caller != null) {
            caller.snapshot(b, "");
        }
        dest.snapshot(b, "Dest");
        return b;
    }

    Bridge bridgeCreate() {
        Bridge br = new Bridge(new UUID(random.nextLong(), random.nextLong()).toString());
        bridges.put(br.id, br);
        AmiMessage.Builder b = event("BridgeCreate", "call,all");
        br.snapshot(b, "");
        emit(b);
        return br;
    }

    void bridgeEnter(Bridge br, Chan c) {
        br.members.add(c);
        c.bridge = br;
        AmiMessage.Builder b = event("BridgeEnter", "call,all");
        br.snapshot(b, "");
        c.snapshot(b, "");
        emit(b);
    }

    void bridgeLeave(Chan c) {
        Bridge br = c.bridge;
        if (br == null) {
            return;
        }
        br.members.remove(c);
        c.bridge = null;
        AmiMessage.Builder b = event("BridgeLeave", "call,all");
        br.snapshot(b, "");
        c.snapshot(b, "");
        emit(b);
    }

    void bridgeDestroy(Bridge br) {
        if (bridges.remove(br.id) == null) {
            return;
        }
        for (Chan c : br.members) {
            c.bridge = null;
        }
        br.members.clear();
        AmiMessage.Builder b = event("BridgeDestroy", "call,all");
        br.snapshot(b, "");
        emit(b);
    }

    /** Both parties join a new bridge, the callee first as in the captures; BRIDGEPEER is set on each. */
    Bridge bridge(Chan callee, Chan caller) {
        Bridge br = bridgeCreate();
        bridgeEnter(br, callee);
        bridgeEnter(br, caller);
        setVar(callee, "BRIDGEPEER", caller.name);
        setVar(caller, "BRIDGEPEER", callee.name);
        return br;
    }

    void softHangupRequest(Chan c, int cause) {
        emitChan("SoftHangupRequest", "call,all", c, "Cause", Integer.toString(cause));
    }

    void hangupRequest(Chan c, int cause) {
        emitChan("HangupRequest", "call,all", c, "Cause", Integer.toString(cause));
    }

    /** The final Hangup event; the channel is gone. Leaves its bridge first if still in one. */
    void hangup(Chan c, int cause) {
        if (c.hungUp) {
            return;
        }
        if (c.bridge != null) {
            Bridge br = c.bridge;
            bridgeLeave(c);
            if (br.members.isEmpty()) {
                bridgeDestroy(br);
            }
        }
        c.hungUp = true;
        channels.remove(c.name);
        emitChan("Hangup", "call,all", c, "Cause", Integer.toString(cause), "Cause-txt", causeText(cause));
        heldByPhone.remove(c.name);
        deviceStateMayChange(deviceOf(c));
        Spy.onHangup(this, c);
    }

    /** Hangs up a whole Local pair the way Asterisk does when its ;2 side ends: ;2, then ;1. */
    void hangupLocalFromInside(Chan two, int cause) {
        Chan one = two.localPeer;
        softHangupRequest(two, cause);
        if (one != null && !one.hungUp) {
            hangupRequest(one, cause);
        }
        // An unbridged pair goes ;1 first (captures 02, 06); a bridged ;1 is ended by its flow.
        if (one != null) {
            hangup(one, cause);
        }
        hangup(two, cause);
    }

    /** Hangs up one channel, and the other half if it is a Local channel; used for simple ends. */
    void hangupAll(Chan c, int cause) {
        if (c == null || c.hungUp) {
            return;
        }
        if (c.localPeer != null) {
            Chan two = c.isLocalOne() ? c.localPeer : c;
            hangupLocalFromInside(two, cause);
        } else {
            softHangupRequest(c, cause);
            hangup(c, cause);
        }
    }

    static String causeText(int cause) {
        return switch (cause) {
            case 16 -> "Normal Clearing";
            case 17 -> "User busy";
            case 19 -> "No user responding";
            case 21 -> "Call Rejected";
            case 34 -> "Circuit/channel congestion";
            default -> "Unknown";
        };
    }

    /** Finds a live channel by exact name. */
    Chan channel(String name) {
        return name == null ? null : channels.get(name);
    }

    /** Finds a live channel as Asterisk's ast_channel_get_by_name_prefix does: the exact name, else a name prefix. */
    Chan channelByPrefix(String prefix) {
        Chan exact = channel(prefix);
        if (exact != null) {
            return exact;
        }
        for (Chan c : channels.values()) {
            if (c.name.startsWith(prefix)) {
                return c;
            }
        }
        return null;
    }

    /** Finds the most recent live channel whose name starts with {@code device + "-"} (ChanSpy, agent lookup). */
    Chan channelOfDevice(String device) {
        Chan found = null;
        for (Chan c : channels.values()) {
            if (c.name.startsWith(device + "-") || c.name.equals(device)) {
                found = c;
                if (c.bridge != null) {
                    return c;
                }
            }
        }
        return found;
    }

    /** Clears everything for a simulated restart: no events (Asterisk would not send any either). */
    void reset() {
        for (Chan c : channels.values()) {
            c.hungUp = true;
        }
        channels.clear();
        bridges.clear();
        heldByPhone.clear();
        deviceStates.clear();
        spies.clear();
        for (SimQueue q : queues.values()) {
            q.reset();
        }
        for (Device d : devices.values()) {
            d.busy = false;
            d.wrapUntil = 0;
        }
        uniqueSeq = 0;
        // A real restart takes seconds, so its uniqueids (epoch second, then a counter from 0) never repeat the last
        // run's; an instant restart must not either, or a new call would take an old call's id.
        uniqueFloorSecond = now() / 1000 + 1;
        techSeq.clear();
        bootedAt = now();
    }
}
