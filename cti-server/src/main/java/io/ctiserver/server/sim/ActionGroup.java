package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;

/** What every group of AMI actions shares: the PBX, the server to answer through, and Asterisk's reply shapes. */
abstract class ActionGroup {

    final Pbx pbx;
    final AmiServer server;

    ActionGroup(Pbx pbx, AmiServer server) {
        this.pbx = pbx;
        this.server = server;
    }

    static AmiMessage.Builder response(AmiMessage m, String response) {
        AmiMessage.Builder b = AmiMessage.builder().add("Response", response);
        if (m.actionId() != null) {
            b.add("ActionID", m.actionId());
        }
        return b;
    }

    static AmiMessage.Builder ok(AmiMessage m) {
        return response(m, "Success");
    }

    void reply(AmiSession s, AmiMessage.Builder b) {
        server.reply(s, b.build());
    }

    void success(AmiSession s, AmiMessage m, String message) {
        reply(s, ok(m).add("Message", message));
    }

    void error(AmiSession s, AmiMessage m, String message) {
        reply(s, response(m, "Error").add("Message", message));
    }

    /** The non-empty value of {@code key}, or null after answering with Asterisk's {@code missing} error. */
    String required(AmiSession s, AmiMessage m, String key, String missing) {
        String v = m.get(key);
        if (v == null || v.isEmpty()) {
            error(s, m, missing);
            return null;
        }
        return v;
    }

    /** The live channel called {@code name}, or null after answering with Asterisk's {@code notFound} error. */
    Chan existing(AmiSession s, AmiMessage m, String name, String notFound) {
        Chan c = pbx.channel(name);
        if (c == null) {
            error(s, m, notFound);
        }
        return c;
    }

    void listStart(AmiSession s, AmiMessage m, String message) {
        reply(s, ok(m).add("EventList", "start").add("Message", message));
    }

    void listComplete(AmiSession s, AmiMessage m, String event, int items, boolean withItems) {
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

    static boolean truthy(String v) {
        return v != null && (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes") || v.equals("1")
                || v.equalsIgnoreCase("on"));
    }

    // ---- session ------------------------------------------------------------------------------------------------

    static void addId(AmiMessage.Builder b, AmiMessage m) {
        if (m.actionId() != null) {
            b.add("ActionID", m.actionId());
        }
    }
}
