package io.ctiserver.server.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.events.Json;
import io.ctiserver.server.cli.UsageException;
import io.ctiserver.testing.Captures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs the replay verb on real captures and reads its JSON lines back. */
class ReplayCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final ReplayCommand command = new ReplayCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            nodes.add(Json.mapper().readTree(line));
        }
        return nodes;
    }

    @Test
    void blindTransferCaptureGivesEventsThenOneRecord() throws Exception {
        String file = Captures.file("06_blind_transfer_by_agent.txt").toString();
        assertEquals(0, command.run(List.of(file, "--pbx", "asterisk-a")));

        List<JsonNode> lines = lines();
        List<String> types = new ArrayList<>();
        lines.forEach(n -> types.add(n.get("type").asText()));
        assertEquals("call.offered", types.get(0));
        assertEquals("call.record", types.get(types.size() - 1));
        assertEquals(1, types.stream().filter(t -> t.equals("call.record")).count());
        assertEquals(types.indexOf("call.record"), types.size() - 1, "records come after every event");
        assertTrue(types.containsAll(List.of("call.answered", "call.transferred", "call.ended", "agent.state",
                "queue.updated")));
        assertTrue(lines.stream().allMatch(n -> n.get("pbx").asText().equals("asterisk-a")));

        JsonNode record = lines.get(lines.size() - 1);
        assertEquals("1795458505.14", record.get("callId").asText());
        assertEquals("inbound", record.get("direction").asText());
        assertEquals("5551004", record.get("callerNumber").asText());
        assertEquals("support", record.get("queue").asText());
        assertEquals("Agent 201", record.get("agentName").asText());
        assertEquals("Local/201@agents/n", record.get("agentInterface").asText());
        assertEquals("answered", record.get("result").asText());
        assertEquals("transfer", record.get("endedBy").asText());
        assertEquals(2, record.get("waitSeconds").asLong());
        assertEquals("blind", record.get("transfers").get(0).get("kind").asText());
        assertEquals("300", record.get("transfers").get(0).get("target").asText());
        assertEquals("2026-11-23T18:28:25.261Z", record.get("startedAt").asText(), "ISO-8601, not a number");
        assertEquals("support", record.get("data").get("CTI_ROUTE").asText());
        for (String field : List.of("callId", "pbx", "linkedId", "direction", "callerNumber", "callerName", "dialed",
                "queue", "agentName", "agentInterface", "result", "waitSeconds", "talkSeconds", "endedBy",
                "transfers", "startedAt", "answeredAt", "endedAt", "data")) {
            assertTrue(record.has(field), "record has " + field);
        }
    }

    @Test
    void sameCaptureTwiceGivesTheSameBytes() throws Exception {
        String file = Captures.file("12_mixmonitor_and_chanspy_during_call.txt").toString();
        command.run(List.of(file));
        String first = out.toString(StandardCharsets.UTF_8);
        out.reset();
        command.run(List.of(file));
        assertEquals(first, out.toString(StandardCharsets.UTF_8));
        assertTrue(first.contains("\"type\":\"monitoring.started\""));
    }

    @Test
    void badCommandLinesAreRefusedClearly() {
        assertThrows(UsageException.class, () -> command.run(List.of()));
        assertThrows(UsageException.class, () -> command.run(List.of("a.txt", "b.txt")));
        assertThrows(UsageException.class, () -> command.run(List.of("a.txt", "--bogus", "x")));
    }

    @Test
    void missingFileIsAnErrorNotACrash() throws Exception {
        assertEquals(1, command.run(List.of("/nonexistent/capture.txt")));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("no such file"));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }
}
