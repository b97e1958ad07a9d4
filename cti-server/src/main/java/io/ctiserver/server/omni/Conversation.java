package io.ctiserver.server.omni;

import io.ctiserver.contact.ContactCustomer;
import io.ctiserver.contact.Medium;
import io.ctiserver.contact.TranscriptEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/** One live chat or email thread: its transcript and its customer side. Owned by the omni thread alone. */
final class Conversation {

    enum Phase { BOT, ROUTED }

    final String id;
    final Medium medium;
    final ContactCustomer customer;
    final String topic;
    final String resumeToken;
    final List<TranscriptEntry> entries = new ArrayList<>();
    final Map<String, String> collected = new HashMap<>();
    /** Email: every Message-ID of the thread, oldest first; the last customer one is what a reply answers. */
    final LinkedHashSet<String> messageIds = new LinkedHashSet<>();
    String lastCustomerMessageId;
    String subject;
    Phase phase;
    CustomerLink link;
    boolean customerLeft;
    int misses;
    boolean botBusy;
    ScheduledFuture<?> grace;

    Conversation(String id, Medium medium, ContactCustomer customer, String topic, String resumeToken, Phase phase) {
        this.id = id;
        this.medium = medium;
        this.customer = customer;
        this.topic = topic;
        this.resumeToken = resumeToken;
        this.phase = phase;
    }

    long lastSeq() {
        return entries.isEmpty() ? 0 : entries.get(entries.size() - 1).seq();
    }

    List<TranscriptEntry> after(long seq) {
        List<TranscriptEntry> out = new ArrayList<>();
        for (TranscriptEntry e : entries) {
            if (e.seq() > seq) {
                out.add(e);
            }
        }
        return out;
    }
}
