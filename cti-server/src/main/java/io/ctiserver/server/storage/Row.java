package io.ctiserver.server.storage;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.math.BigDecimal;

/**
 * One thing to store, as it travels through the journal to the database. Each kind has a natural key (named per
 * record), so writing the same row twice (a journal replayed after a crash) changes nothing. Times are epoch
 * milliseconds, the way the tables hold them (the same on H2 and PostgreSQL, no time-zone conversion).
 *
 * <p>A call keeps its whole record as JSON ({@link Call#json}) beside the columns that queries filter on, so a field
 * added to {@code CallRecord} is stored without a schema migration.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Row.Call.class, name = "call"),
    @JsonSubTypes.Type(value = Row.AgentInterval.class, name = "agent"),
    @JsonSubTypes.Type(value = Row.Disposition.class, name = "disp"),
    @JsonSubTypes.Type(value = Row.Survey.class, name = "survey"),
    @JsonSubTypes.Type(value = Row.Audit.class, name = "audit"),
    @JsonSubTypes.Type(value = Row.RouteDecision.class, name = "route"),
    @JsonSubTypes.Type(value = Row.Contact.class, name = "contact"),
    @JsonSubTypes.Type(value = Row.TranscriptLine.class, name = "line"),
    @JsonSubTypes.Type(value = Row.AgentMedia.class, name = "media")
})
public sealed interface Row {

    /** The instant the row belongs to, for the interval reports (a call counts when it ends). */
    long timeMs();

    /** Key: (pbx, callId). */
    record Call(String pbx, String callId, String linkedId, String medium, String direction, String callerNumber,
                String callerNorm, String agent, String agentName, String queue, String result, long waitSeconds,
                long talkSeconds, int transfers, long startedMs, Long answeredMs, long endedMs, String json)
            implements Row {
        @Override
        public long timeMs() {
            return endedMs;
        }
    }

    /**
     * One stretch of an agent in one state. Key: (pbx, agent, startMs).
     *
     * @param reason the pause reason when paused
     * @param queue  the queue of the agent's last queue call: wrap-up counts for it (as in the KPI engine)
     */
    record AgentInterval(String pbx, String agent, String agentName, String state, String reason, String queue,
                         long startMs, long endMs) implements Row {
        @Override
        public long timeMs() {
            return endMs;
        }
    }

    /**
     * A wrap-up code. Key: (pbx, callId): a later disposition of the same call replaces the earlier one. Its queue and
     * agent are the call's (reports join on the call record).
     *
     * @param outcome sales outcome: {@code sale}, {@code cross_sell}, {@code up_sell}, {@code none}, or null
     */
    record Disposition(String pbx, String callId, String username, String code, boolean resolved, String notes,
                       String outcome, BigDecimal amount, long timeMs)
            implements Row {
    }

    /** A post-call survey answer (1..5). Key: callId. */
    record Survey(String callId, String agent, String agentName, String callerNumber, int score, long timeMs)
            implements Row {
    }

    /** An audit entry. Key: id, drawn when the entry is accepted so that a replay finds it again. */
    record Audit(String id, long timeMs, String username, String role, String command, String target, String result,
                 String detail) implements Row {
    }

    /** A routing decision. Key: id, drawn when accepted. */
    record RouteDecision(String id, long timeMs, String callId, String uniqueid, String linkedId, String callerNumber,
                         String queue, String agent, boolean vip, String reason, boolean fallback, long elapsedMicros)
            implements Row {
    }

    /**
     * A finished chat or email (the record of {@code io.ctiserver.contact.ContactRecord}). Key: contactId. Its whole
     * record is kept as JSON beside the columns queries filter on, as for calls; its transcript travels as
     * {@link TranscriptLine} rows offered just before it.
     *
     * @param entries how many transcript lines the contact has
     */
    record Contact(String contactId, String medium, String queue, String agent, String customerName,
                   String customerEmail, String customerPhone, String customerNorm, String customerId, String result,
                   long waitSeconds, long handleSeconds, String endedBy, long offeredMs, Long answeredMs,
                   long endedMs, String disposition, int entries, String json) implements Row {
        @Override
        public long timeMs() {
            return endedMs;
        }
    }

    /**
     * One entry of a contact's transcript. Key: (contactId, seq). One row per entry keeps each journal line small
     * (an email may be a megabyte; a thread many).
     *
     * @param endedMs the contact's end, so that retention removes the transcript with its contact
     */
    record TranscriptLine(String contactId, long seq, long atMs, String author, String name, String text,
                          String metaJson, long endedMs) implements Row {
        @Override
        public long timeMs() {
            return endedMs;
        }
    }

    /**
     * One stretch of an agent as the omnichannel router sees it: ready for contacts, holding at least one chat,
     * holding at least one email (an offered contact holds its slot, as in the agent's load). A stretch ends when one
     * of the three changes. Key: (agent, startMs). The reports map the agent (a username) to the interface of their
     * calls and unite it with the voice states, so an agent busy on several media at once counts once.
     */
    record AgentMedia(String agent, boolean ready, boolean chat, boolean email, long startMs, long endMs)
            implements Row {
        @Override
        public long timeMs() {
            return endMs;
        }
    }
}
