package io.ctiserver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.QueueMemberView;
import io.ctiserver.events.QueueView;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StateViewQueueLoadTest {

    static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

    record View(List<AgentView> agents, List<QueueView> queues) implements CtiStateView {
        @Override
        public List<CallView> calls() {
            return List.of();
        }

        @Override
        public Optional<CallView> call(String callId) {
            return Optional.empty();
        }
    }

    @Test
    void countsWaitingCallersLongestWaitAndAvailableMembersAcrossPbxs() {
        QueueView pbx1 = new QueueView("pbx1", "support", "rrmemory", List.of(
                new QueueEntryView("a", 1, "5551001", NOW.minusSeconds(90)),
                new QueueEntryView("b", 2, "5551002", NOW.minusSeconds(10))), List.of(
                new QueueMemberView("Local/201@agents/n", "Agent 201", 0, false, null, 1, false, 3),
                new QueueMemberView("Local/202@agents/n", "Agent 202", 0, false, null, 2, true, 1),
                new QueueMemberView("PJSIP/agent1", "SIP Agent 1", 0, true, "lunch", 1, false, 0)));
        QueueView pbx2 = new QueueView("pbx2", "support", "rrmemory", List.of(
                new QueueEntryView("c", 1, "5551003", NOW.minusSeconds(200))), List.of(
                new QueueMemberView("PJSIP/agent9", "Agent 9", 0, false, null, 0, false, 0)));
        QueueView sales = new QueueView("pbx1", "sales", "ringall", List.of(), List.of());
        StateViewQueueLoad load = new StateViewQueueLoad(new View(List.of(
                new AgentView("pbx1", "Local/201@agents/n", "Agent 201", AgentState.AVAILABLE, null,
                        List.of("support"), null, NOW),
                new AgentView("pbx1", "PJSIP/agent1", "SIP Agent 1", AgentState.PAUSED, "lunch",
                        List.of("support"), null, NOW)), List.of(pbx1, pbx2, sales)),
                Clock.fixed(NOW, ZoneOffset.UTC));

        QueueLoad.QueueStatus s = load.status("support").orElseThrow();
        assertEquals(3, s.waiting());
        assertEquals(200, s.longestWaitSeconds());
        assertEquals(2, s.availableAgents(), "201 (not in use) and agent9 (unknown state) could ring");
        assertEquals(4, s.members());
        assertEquals(new QueueLoad.QueueStatus(0, 0, 0, 0), load.status("sales").orElseThrow());
        assertTrue(load.status("nope").isEmpty());

        assertEquals(QueueLoad.Availability.AVAILABLE, load.agent("Local/201@agents/n"));
        assertEquals(QueueLoad.Availability.BUSY, load.agent("PJSIP/agent1"));
        assertEquals(QueueLoad.Availability.UNKNOWN, load.agent("PJSIP/nobody"));
    }
}
