package io.ctiserver.server.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.PbxLinkChanged;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.QueueMemberView;
import io.ctiserver.events.QueueUpdated;
import io.ctiserver.events.QueueView;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who receives which event: named queues, supervisors' everything and KPIs, pbx.status for all. */
class GatewaySubscriptionTest {

    private static final Instant T = Instant.parse("2026-11-23T10:01:00Z");

    private static QueueView support() {
        return new QueueView("pbx1", "support", "rrmemory",
                List.of(new QueueEntryView("c1", 1, "5551001", T.minusSeconds(30))),
                List.of(new QueueMemberView(Fixture.AGENT_201, "Agent 201", 0, false, null, 1, false, 3),
                        new QueueMemberView(Fixture.AGENT_202, "Agent 202", 0, true, "Lunch", 1, false, 1)));
    }

    @Test
    void queueSubscribersSupervisorsAndEveryoneGetTheirShare() throws Exception {
        GatewayConfig config = new GatewayConfig("127.0.0.1", 0, null, null, Fixture.users(), 0, null, 0, 0, 0, 0,
                0, 0, 0, 0, 100, "pbx1", null);
        try (Fixture f = new Fixture(config);
             WsClient agent = f.desktop("agent202");
             WsClient sup = f.desktop("sup")) {
            f.state.agents.put(Fixture.AGENT_201, new AgentView("pbx1", Fixture.AGENT_201, "Agent 201",
                    AgentState.AVAILABLE, null, List.of("support"), null, T));
            f.state.agents.put(Fixture.AGENT_202, new AgentView("pbx1", Fixture.AGENT_202, "Agent 202",
                    AgentState.PAUSED, "Lunch", List.of("support"), null, T));
            CallView queued = Fixture.call("c1", CallState.QUEUED, null, null);
            f.state.put(queued);

            // The timer computes kpi from the state view: wait for a tick after the state above was published.
            JsonNode kpi = sup.next(m -> m.path("type").asText().equals("kpi")
                    && m.get("payload").get("agentsLoggedIn").asInt() == 2
                    && m.get("payload").get("waitingCalls").asInt() == 1, "kpi");
            assertEquals(1, kpi.get("payload").get("waitingCalls").asInt());
            assertEquals(1, kpi.get("payload").get("agentsAvailable").asInt());
            assertEquals(1, kpi.get("payload").get("agentsPaused").asInt());
            assertEquals(2, kpi.get("payload").get("agentsLoggedIn").asInt());

            agent.send("{\"type\":\"subscribe\",\"id\":\"s2\",\"queues\":[\"support\"]}");
            JsonNode ack = agent.next("result");
            assertEquals("support", ack.get("data").get("queues").get(0).asText());

            f.gateway.onEvent(new QueueUpdated("pbx1", T, support()));
            f.gateway.onEvent(new CallOffered("pbx1", T, queued, null, null));
            f.gateway.onEvent(new PbxLinkChanged("pbx1", T, AmiLinkState.DISCONNECTED, "connection reset"));

            JsonNode stats = agent.next("queue.stats");
            assertEquals(1, stats.get("payload").get("stats").get("waiting").asInt());
            assertEquals(30, stats.get("payload").get("stats").get("longestWaitSeconds").asInt());
            assertEquals(1, stats.get("payload").get("stats").get("available").asInt());
            assertEquals(1, stats.get("payload").get("stats").get("paused").asInt());
            JsonNode offered = agent.next("call.offered");
            assertEquals("c1", offered.get("payload").get("call").get("callId").asText());
            assertEquals("DISCONNECTED", agent.next("pbx.status").get("payload").get("state").asText());
            assertTrue(agent.received.stream().noneMatch(m -> m.path("type").asText().equals("kpi")),
                    "agents get no kpi");

            assertEquals("queue.stats", sup.next(m -> m.has("seq") && !m.get("type").asText().equals("kpi"),
                    "event").get("type").asText());
            assertEquals("call.offered", sup.next("call.offered").get("type").asText());
            assertEquals("pbx.status", sup.next("pbx.status").get("type").asText());
        }
    }
}
