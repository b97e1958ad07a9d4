package io.ctiserver.server.sim;

import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.ami.codec.AmiEncoder;
import io.netty.buffer.ByteBuf;

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

    /** Answers an event-list action with its start; the items and the end go through the {@link ListReply}. */
    ListReply listStart(AmiSession s, AmiMessage m, String message) {
        reply(s, ok(m).add("EventList", "start").add("Message", message));
        return new ListReply(s, m);
    }

    /**
     * The items of one event list, encoded as they come into chunks of about 64 KiB, each handed to the socket at
     * once: one write per chunk instead of one per item, so a list of thousands of channels goes out as fast as
     * Asterisk sends it (the client's resync time includes ours).
     */
    final class ListReply {
        private static final int CHUNK_BYTES = 64 * 1024;
        private final AmiSession session;
        private final AmiMessage action;
        private ByteBuf chunk;
        private int items;

        private ListReply(AmiSession session, AmiMessage action) {
            this.session = session;
            this.action = action;
        }

        void item(AmiMessage.Builder b) {
            write(b.build());
            items++;
        }

        /** The closing event with the item count ({@code Items} too where Asterisk sends it); writes what is left. */
        void complete(String event, boolean withItems) {
            AmiMessage.Builder b = AmiMessage.builder().add("Event", event);
            addId(b, action);
            b.add("EventList", "Complete").add("ListItems", Integer.toString(items));
            if (withItems) {
                b.add("Items", Integer.toString(items));
            }
            write(b.build());
            flush();
        }

        private void write(AmiMessage m) {
            if (chunk == null) {
                // Heap: the encoder writes strings into an array faster; the socket copies each chunk once.
                chunk = session.channel.alloc().heapBuffer(CHUNK_BYTES + 4096);
            }
            AmiEncoder.encode(m, chunk);
            if (chunk.readableBytes() >= CHUNK_BYTES) {
                flush();
            }
        }

        private void flush() {
            if (chunk != null) {
                server.replyEncoded(session, chunk);
                chunk = null;
            }
        }
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
