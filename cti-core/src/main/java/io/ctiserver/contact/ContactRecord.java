package io.ctiserver.contact;

import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.EndedBy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * The record of one finished contact of any medium, with a call record's timing fields and meanings, plus
 * {@code medium}: storage, KPIs and reports treat calls, chats and emails alike.
 *
 * <p>For chat and email, "answered" is the agent's first reply: {@code waitSeconds} runs from entering the queue to
 * it (or to the end when there was none); {@code handleSeconds} from the agent's accept to the close (0 when never
 * accepted). For voice, wait and handle are the call record's wait and talk.
 *
 * @param offeredAt when the contact entered the queue
 */
public record ContactRecord(
        String contactId,
        Medium medium,
        String queue,
        String agent,
        ContactCustomer customer,
        CallResult result,
        long waitSeconds,
        long handleSeconds,
        EndedBy endedBy,
        Instant offeredAt,
        Instant answeredAt,
        Instant endedAt,
        String disposition,
        Map<String, String> data) {

    public ContactRecord {
        data = data == null ? Map.of() : Map.copyOf(data);
    }

    /** A voice call's record in the same shape (the agent is the member name, else the interface). */
    public static ContactRecord ofCall(CallRecord r) {
        Map<String, String> data = new HashMap<>(r.data());
        data.put("pbx", r.pbx());
        return new ContactRecord(r.callId(), Medium.VOICE, r.queue(),
                r.agentName() != null ? r.agentName() : r.agentInterface(),
                new ContactCustomer(r.callerName(), null, r.callerNumber(), null, Map.of()), r.result(),
                r.waitSeconds(), r.talkSeconds(), r.endedBy(), r.startedAt(), r.answeredAt(), r.endedAt(), null, data);
    }

    static long seconds(Instant from, Instant to) {
        return from == null || to == null ? 0 : Math.max(0, Duration.between(from, to).getSeconds());
    }
}
