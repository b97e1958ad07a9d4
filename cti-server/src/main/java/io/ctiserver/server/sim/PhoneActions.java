package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.sim.phone.SimPhone;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The phone and AstDB actions, answered as Asterisk 22's res_pjsip_notify, db.c, res_pjsip (endpoints, contacts),
 * res_manager_devicestate and extension_state.c answer them (messages from those sources): PJSIPNotify, DBPut,
 * DBGet, DBDel, PJSIPShowEndpoints (capture 05's fields), PJSIPShowContacts, DeviceStateList, ExtensionStateList.
 * Engine thread only.
 */
final class PhoneActions extends ActionGroup {

    PhoneActions(Pbx pbx, AmiServer server) {
        super(pbx, server);
    }

    /** {@code PJSIP_HEADER(add,Call-Info)} -> {@code Call-Info}; null for an ordinary variable. */
    static String addedHeader(String variable) {
        String v = variable.trim();
        if (v.regionMatches(true, 0, "PJSIP_HEADER(add,", 0, 17) && v.endsWith(")")) {
            return v.substring(17, v.length() - 1).trim();
        }
        return null;
    }

    void pjsipNotify(AmiSession s, AmiMessage m) {
        String endpoint = m.get("Endpoint", "");
        String uri = m.get("URI", "");
        String channel = m.get("Channel", "");
        boolean option = !m.get("Option", "").isEmpty();
        boolean variables = !m.getAll("Variable").isEmpty();
        int targets = (endpoint.isEmpty() ? 0 : 1) + (uri.isEmpty() ? 0 : 1) + (channel.isEmpty() ? 0 : 1);
        if (option == variables) {
            error(s, m, "PJSIPNotify requires either an Option or Variable(s).You must use only one of them.");
            return;
        }
        if (targets > 1) {
            error(s, m, "PJSIPNotify requires either an endpoint name, a SIP URI, or a channel.  "
                    + "You must use only one of them.");
            return;
        }
        if (targets == 0) {
            error(s, m, "PJSIPNotify requires either an endpoint name, a SIP URI, or a channel.");
            return;
        }
        SimPhone phone;
        if (!endpoint.isEmpty()) {
            phone = pbx.phones.get(endpoint);
            if (phone == null) {
                error(s, m, "Unable to retrieve endpoint " + endpoint);
                return;
            }
        } else if (!channel.isEmpty()) {
            if (pbx.channel(channel) == null) {
                error(s, m, "Channel not found");
                return;
            }
            phone = pbx.phone(channel);
        } else {
            phone = null; // an arbitrary URI: sent, nobody the simulator models answers it
        }
        success(s, m, "NOTIFY sent");
        String event = null;
        for (String v : m.getAll("Variable")) {
            int eq = v.indexOf('=');
            if (eq > 0 && v.substring(0, eq).trim().equalsIgnoreCase("Event")) {
                event = v.substring(eq + 1).trim();
            }
        }
        if (phone != null && event != null && phone.registered()) {
            String e = event;
            pbx.engine.after(50, () -> phoneNotified(phone, e));
        }
    }

    /** The phone acts on the NOTIFY: talk answers a ringing call or resumes a held one; hold holds the active one. */
    private void phoneNotified(SimPhone phone, String event) {
        phone.notified(event);
        if (!phone.answersOnNotify()) {
            return;
        }
        List<Chan> own = new ArrayList<>();
        for (Chan c : pbx.channels.values()) {
            if (c.name.startsWith(phone.device() + "-")) {
                own.add(c);
            }
        }
        if (event.equalsIgnoreCase("talk")) {
            for (Chan c : own) {
                if (pbx.heldByPhone.remove(c.name)) {
                    pbx.emitChan("Unhold", "call,all", c);
                    peerMoh(c, false);
                    pbx.deviceStateMayChange(phone.device());
                    return;
                }
            }
            for (Chan c : own) {
                if (c.state == ChanState.RINGING && c.flow != null && c.flow.answerNow(c)) {
                    return;
                }
            }
        } else if (event.equalsIgnoreCase("hold")) {
            for (Chan c : own) {
                if (c.state == ChanState.UP && c.bridge != null && pbx.heldByPhone.add(c.name)) {
                    // The phone sends a re-INVITE with sendonly: Asterisk raises Hold and plays MOH to the peer.
                    pbx.emitChan("Hold", "call,all", c, "MusicClass", "");
                    peerMoh(c, true);
                    pbx.deviceStateMayChange(phone.device());
                    return;
                }
            }
        }
    }

    private void peerMoh(Chan held, boolean start) {
        for (Chan peer : held.bridge == null ? List.<Chan>of() : held.bridge.members) {
            if (peer != held) {
                if (start) {
                    pbx.emitChan("MusicOnHoldStart", "call,all", peer, "Class", "default");
                } else {
                    pbx.emitChan("MusicOnHoldStop", "call,all", peer);
                }
            }
        }
    }

    void dbPut(AmiSession s, AmiMessage m) {
        String family = m.get("Family", "");
        String key = m.get("Key", "");
        if (family.isEmpty()) {
            error(s, m, "No family specified");
            return;
        }
        if (key.isEmpty()) {
            error(s, m, "No key specified");
            return;
        }
        pbx.astDb.put(family, key, m.get("Val", ""));
        success(s, m, "Updated database successfully");
    }

    void dbGet(AmiSession s, AmiMessage m) {
        String family = m.get("Family", "");
        String key = m.get("Key", "");
        if (family.isEmpty()) {
            error(s, m, "No family specified.");
            return;
        }
        if (key.isEmpty()) {
            error(s, m, "No key specified.");
            return;
        }
        String val = pbx.astDb.get(family, key).orElse(null);
        if (val == null) {
            error(s, m, "Database entry not found");
            return;
        }
        ListReply list = listStart(s, m, "Result will follow");
        AmiMessage.Builder b = AmiMessage.builder().add("Event", "DBGetResponse").add("Family", family)
                .add("Key", key).add("Val", val);
        addId(b, m);
        list.item(b);
        list.complete("DBGetComplete", false);
    }

    void dbDel(AmiSession s, AmiMessage m) {
        String family = m.get("Family", "");
        String key = m.get("Key", "");
        if (family.isEmpty() || key.isEmpty()) {
            error(s, m, family.isEmpty() ? "No family specified." : "No key specified.");
            return;
        }
        if (pbx.astDb.delete(family, key)) {
            success(s, m, "Key deleted successfully");
        } else {
            error(s, m, "Database entry not found");
        }
    }

    /** EndpointList items with capture 05's fields, in its order. */
    void pjsipShowEndpoints(AmiSession s, AmiMessage m) {
        ListReply list = listStart(s, m, "A listing of Endpoints follows, presented as EndpointList events");
        for (SimPhone p : pbx.phones.values()) {
            AmiMessage.Builder b = AmiMessage.builder().add("Event", "EndpointList");
            addId(b, m);
            b.add("ObjectType", "endpoint").add("ObjectName", p.endpoint()).add("Transport", "transport-udp")
                    .add("Aor", p.endpoint()).add("Auths", "").add("OutboundAuths", "")
                    .add("Contacts", p.registered() ? p.endpoint() + "/" + p.contactUri() + "," : "")
                    .add("DeviceState", text(pbx.deviceState(p.device())))
                    .add("ActiveChannels", Integer.toString(activeChannels(p)));
            list.item(b);
        }
        list.complete("EndpointListComplete", false);
    }

    /** ContactList items (docs fields: ObjectType, ObjectName, ..., Endpoint, Uri, Status, RoundtripUsec). */
    void pjsipShowContacts(AmiSession s, AmiMessage m) {
        ListReply list = listStart(s, m, "A listing of Contacts follows, presented as ContactList events");
        for (SimPhone p : pbx.phones.values()) {
            if (!p.registered()) {
                continue;
            }
            AmiMessage.Builder b = AmiMessage.builder().add("Event", "ContactList");
            addId(b, m);
            b.add("ObjectType", "contact").add("ObjectName", p.endpoint() + ";@" + Integer.toHexString(
                            p.contactUri().hashCode())).add("ViaAddr", "127.0.0.1").add("ViaPort", "5060")
                    .add("QualifyTimeout", "3.000000").add("CallId", "sim-" + p.endpoint()).add("RegServer", "")
                    .add("PruneOnBoot", "yes").add("Path", "").add("Endpoint", p.endpoint())
                    .add("AuthenticateQualify", "no").add("Uri", p.contactUri()).add("QualifyFrequency", "60")
                    .add("UserAgent", "SimPhone").add("ExpirationTime", "0").add("OutboundProxy", "")
                    .add("Status", "Reachable").add("RoundtripUsec", "1500").add("Qualify2xxOnly", "false");
            list.item(b);
        }
        list.complete("ContactListComplete", false);
    }

    void deviceStateList(AmiSession s, AmiMessage m) {
        ListReply list = listStart(s, m, "Device State Changes will follow");
        for (SimPhone p : pbx.phones.values()) {
            AmiMessage.Builder b = AmiMessage.builder().add("Event", "DeviceStateChange");
            addId(b, m);
            list.item(b.add("Device", p.device()).add("State", pbx.deviceState(p.device())));
        }
        list.complete("DeviceStateListComplete", false);
    }

    /** The testbed's dialplan has no hints (capture 05: ExtensionState answers Status -1). */
    void extensionStateList(AmiSession s, AmiMessage m) {
        error(s, m, "No dialplan hints are available");
    }

    /** Registers or unregisters a phone the way res_pjsip reports it: ContactStatus, then the device state. */
    void contact(SimPhone p, boolean register, String uri) {
        String oldUri = p.contactUri();
        if (register) {
            p.register(uri == null ? oldUri : uri);
        } else {
            p.unregister();
        }
        pbx.emit(Pbx.event("ContactStatus", "system,all").add("URI", register ? p.contactUri() : oldUri)
                .add("ContactStatus", register ? "Created" : "Removed").add("AOR", p.endpoint())
                .add("EndpointName", p.endpoint()).add("RoundtripUsec", register ? "0" : "0"));
        if (register) {
            pbx.emit(Pbx.event("ContactStatus", "system,all").add("URI", p.contactUri())
                    .add("ContactStatus", "Reachable").add("AOR", p.endpoint()).add("EndpointName", p.endpoint())
                    .add("RoundtripUsec", "1500"));
        }
        pbx.deviceStateMayChange(p.device());
    }

    private int activeChannels(SimPhone p) {
        int n = 0;
        for (Chan c : pbx.channels.values()) {
            if (c.name.startsWith(p.device() + "-")) {
                n++;
            }
        }
        return n;
    }

    /** ast_devstate_str: the text of PJSIPShowEndpoints' DeviceState. */
    static String text(String state) {
        return Map.of("NOT_INUSE", "Not in use", "INUSE", "In use", "BUSY", "Busy", "RINGING", "Ringing",
                "RINGINUSE", "Ring+Inuse", "ONHOLD", "On Hold", "UNAVAILABLE", "Unavailable", "INVALID", "Invalid")
                .getOrDefault(state, "Unknown");
    }
}
