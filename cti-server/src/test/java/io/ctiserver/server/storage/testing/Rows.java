package io.ctiserver.server.storage.testing;

import io.ctiserver.events.Json;
import io.ctiserver.routing.PhoneNumbers;
import io.ctiserver.server.storage.Row;
import java.time.Instant;

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
}
