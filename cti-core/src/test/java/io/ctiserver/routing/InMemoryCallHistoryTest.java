package io.ctiserver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.events.CallDirection;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.EndedBy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InMemoryCallHistoryTest {

    static CallEnded ended(String caller, String agentIface, CallResult result, String endedAt) {
        Instant end = Instant.parse(endedAt);
        CallRecord r = new CallRecord("1.1", "pbx1", "1.1", CallDirection.values()[0], caller, "Caller", "5000",
                "support", agentIface == null ? null : "Agent", agentIface, result, 5, 60, EndedBy.values()[0],
                List.of(), end.minusSeconds(65), end.minusSeconds(60), end, Map.of());
        return new CallEnded("pbx1", end, r);
    }

    @Test
    void remembersTheLastAnsweringAgentWithinTheWindow() {
        InMemoryCallHistory h = new InMemoryCallHistory(100);
        h.onEvent(ended("+1 555 1001", "Local/201@agents/n", CallResult.ANSWERED, "2026-11-20T10:00:00Z"));
        h.onEvent(ended("1-555-1001", "Local/202@agents/n", CallResult.ANSWERED, "2026-11-21T10:00:00Z"));
        // an abandoned call or an older record does not replace the last agent
        h.onEvent(ended("1-555-1001", null, CallResult.ABANDONED, "2026-11-22T10:00:00Z"));
        h.onEvent(ended("1-555-1001", "PJSIP/agent1", CallResult.ANSWERED, "2026-11-19T10:00:00Z"));

        CallHistory.LastAgent a = h.lastAgent("15551001", Instant.parse("2026-11-14T00:00:00Z")).orElseThrow();
        assertEquals("Local/202@agents/n", a.agentInterface());
        assertTrue(h.lastAgent("15551001", Instant.parse("2026-11-22T00:00:00Z")).isEmpty());
        assertTrue(h.lastAgent("5550000", Instant.EPOCH).isEmpty());
    }

    @Test
    void isBoundedToTheMostRecentCallers() {
        InMemoryCallHistory h = new InMemoryCallHistory(3);
        for (int i = 0; i < 10; i++) {
            h.onEvent(ended("55500" + i, "PJSIP/agent1", CallResult.ANSWERED, "2026-11-20T10:00:00Z"));
        }
        assertEquals(3, h.size());
        assertTrue(h.lastAgent("555000", Instant.EPOCH).isEmpty());
        assertTrue(h.lastAgent("555009", Instant.EPOCH).isPresent());
    }
}
