package io.ctiserver.server.storage.testing;

import io.ctiserver.contact.ContactCustomer;
import io.ctiserver.contact.ContactRecord;
import io.ctiserver.contact.Medium;
import io.ctiserver.contact.StoredContact;
import io.ctiserver.contact.TranscriptEntry;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.Json;
import io.ctiserver.routing.PhoneNumbers;
import io.ctiserver.server.storage.Row;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Test rows. Calls are built as their row directly (the JSON of a minimal record), so that these tests do not depend
 * on the {@code CallRecord} constructor, which grows.
 */
public final class Rows {

    private Rows() {
    }

    public static Row.Call call(String callId, String number, String queue, String agent, String result, long wait,
                                long talk, Instant ended) {
        long endMs = ended.toEpochMilli();
        long startMs = endMs - (wait + talk) * 1000;
        String json = Json.mapper().createObjectNode()
                .put("callId", callId).put("pbx", "pbx").put("linkedId", callId).put("direction", "inbound")
                .put("callerNumber", number).put("queue", queue).put("agentInterface", agent)
                .put("agentName", agent == null ? null : "Name " + agent).put("result", result)
                .put("waitSeconds", wait).put("talkSeconds", talk)
                .put("startedAt", Instant.ofEpochMilli(startMs).toString()).put("endedAt", ended.toString())
                .toString();
        String norm = PhoneNumbers.normalize(number);
        return new Row.Call("pbx", callId, callId, "voice", "inbound", number, norm.isEmpty() ? null : norm, agent,
                agent == null ? null : "Name " + agent, queue, result, wait, talk, 0, startMs,
                result.equals("answered") ? startMs + wait * 1000 : null, endMs, json);
    }

    /** An email thread: {@code lines} entries alternating customer and agent, each with a Message-ID. */
    public static StoredContact email(String id, Instant offered, String agent, int lines) {
        return email(id, offered, agent, "support", lines);
    }

    /** The same, in {@code queue}. */
    public static StoredContact email(String id, Instant offered, String agent, String queue, int lines) {
        List<TranscriptEntry> t = new ArrayList<>();
        for (int i = 1; i <= lines; i++) {
            boolean customer = i % 2 == 1;
            t.add(new TranscriptEntry(i, offered.plusSeconds(600L * i), customer ? TranscriptEntry.From.CUSTOMER
                    : TranscriptEntry.From.AGENT, customer ? "Eve" : agent, "line " + i + " of " + id,
                    Map.of("messageId", "<" + id + "." + i + "@example.com>", "subject", "Order " + id)));
        }
        Instant answered = offered.plusSeconds(1200);
        Instant ended = offered.plusSeconds(600L * (lines + 1));
        ContactRecord r = new ContactRecord(id, Medium.EMAIL, queue, agent,
                new ContactCustomer("Eve", "eve@example.com", null, null, Map.of()), CallResult.ANSWERED, 1200,
                600L * lines, EndedBy.AGENT, offered, answered, ended, "solved", Map.of("subject", "Order " + id));
        return new StoredContact(r, t);
    }

    /**
     * A finished chat or email as its storage rows would carry it (a contact row, no transcript): {@code wait} from
     * entering the queue to the first reply (or the end), {@code handle} from the accept to the close.
     */
    public static Row.Contact contact(String id, Medium medium, String queue, String agent, String result,
                                      long wait, long handle, Instant ended) {
        long endMs = ended.toEpochMilli();
        long offeredMs = endMs - (wait + handle) * 1000;
        ContactRecord r = new ContactRecord(id, medium, queue, agent,
                new ContactCustomer("Eve", "eve@example.com", null, null, Map.of()), CallResult.valueOf(result.toUpperCase(java.util.Locale.ROOT)), wait,
                handle, agent == null ? EndedBy.CALLER : EndedBy.AGENT, Instant.ofEpochMilli(offeredMs),
                result.equals("answered") ? Instant.ofEpochMilli(offeredMs + wait * 1000) : null, ended, null,
                Map.of());
        List<Row> rows = io.ctiserver.server.storage.contacts.DatabaseContactStore.rows(new StoredContact(r,
                List.of()));
        return (Row.Contact) rows.get(rows.size() - 1);
    }
}
