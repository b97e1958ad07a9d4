package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.events.AgentState;
import io.ctiserver.events.AgentView;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallState;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.QueueEntryView;
import io.ctiserver.events.QueueView;
import io.ctiserver.events.StateReconciled;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.sim.InboundCall;
import io.ctiserver.server.sim.PbxSimulator;
import io.ctiserver.server.sim.SimConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A server that logs in to a busy PBX (3,000 channels: 1,500 queue calls on 1,000 agents, Local and PJSIP, in four
 * queues, and a fifth queue whose 100 agents wait for calls) knows, once its resync is done, exactly what the PBX holds: every call, which agent each connected call is
 * with, every queue's waiting callers in order, every agent's state. Again after the link drops and comes back.
 * Through real sockets against the simulator; correctness only (the timing is {@code bench resync}).
 */
class ResyncAtScaleTest {

    private static final String PBX = "busy";
    private static final String[] QUEUES = {"support", "sales", "billing", "tech"};
    private static final int AGENTS = 1000;
    private static final int CALLS = 1500;
    /** Members of a queue no caller chose: available agents. */
    private static final String IDLE_QUEUE = "callback";
    private static final int IDLE_AGENTS = 100;

    @Test
    void aResyncOfThousandsOfChannelsGivesExactlyThePbxsState() throws Exception {
        try (PbxSimulator sim = PbxSimulator.start(busyCentre())) {
            PbxSimulator.Load load = sim.preload(calls(), Duration.ofSeconds(30));
            assertEquals(3000, load.channels(), "500 Local agents' calls (3 channels), 500 PJSIP (2), 500 waiting (1)");
            PbxSimulator.Truth truth = sim.truth();
            assertEquals(CALLS, truth.calls().size());
            assertEquals(AGENTS, truth.agentCalls().size(), "every agent of the four queues talks to a caller");

            try (CtiServer server = CtiServer.start(ServerConfig.of(serverConfig(sim.amiPort())))) {
                List<Object> events = new CopyOnWriteArrayList<>();
                server.tracker(PBX).addListener(events::add);
                awaitTrue(() -> server.state().calls().size() == CALLS && waiting(server.state()) == CALLS - AGENTS,
                        "the first resync");
                assertSameAsPbx(truth, server.state());

                events.clear();
                sim.dropAmiConnections();
                awaitTrue(() -> events.stream().anyMatch(e -> e instanceof StateReconciled), "a resync after reconnect");
                StateReconciled again = (StateReconciled) events.stream().filter(e -> e instanceof StateReconciled)
                        .findFirst().orElseThrow();
                assertEquals(0, again.callsEnded(), "no call ended by the drop");
                assertEquals(0, again.callsAdded(), "no call is new after the drop");
                assertTrue(events.stream().noneMatch(e -> e instanceof CallEnded));
                assertSameAsPbx(truth, server.state());
            }
        }
    }

    private static void assertSameAsPbx(PbxSimulator.Truth truth, CtiStateView state) {
        Map<String, CallView> byLinkedId = new HashMap<>();
        Map<String, CallView> byId = new HashMap<>();
        for (CallView c : state.calls()) {
            byLinkedId.put(c.linkedId(), c);
            byId.put(c.callId(), c);
        }
        assertEquals(truth.calls(), byLinkedId.keySet(), "the calls");

        for (Map.Entry<String, String> e : truth.agentCalls().entrySet()) {
            CallView call = byLinkedId.get(e.getValue());
            assertEquals(CallState.CONNECTED, call.state(), call.toString());
            assertEquals(e.getKey(), call.agentInterface(), "the agent of " + call.callId());
        }

        Map<String, QueueView> queues = state.queues().stream()
                .collect(Collectors.toMap(QueueView::name, q -> q));
        Set<String> names = new java.util.HashSet<>(Set.of(QUEUES));
        names.add(IDLE_QUEUE);
        assertEquals(names, queues.keySet());
        assertEquals(List.of(), queues.get(IDLE_QUEUE).entries());
        for (Map.Entry<String, List<String>> e : truth.queueEntries().entrySet()) {
            List<String> tracked = new ArrayList<>();
            for (QueueEntryView entry : queues.get(e.getKey()).entries()) {
                CallView call = byId.get(entry.callId());
                assertEquals(CallState.QUEUED, call.state(), call.toString());
                assertEquals(e.getKey(), call.queue(), call.toString());
                tracked.add(call.linkedId());
            }
            assertEquals(e.getValue(), tracked, "the waiting callers of " + e.getKey() + ", in order");
            int members = e.getKey().equals(IDLE_QUEUE) ? IDLE_AGENTS : AGENTS / QUEUES.length;
            assertEquals(members, queues.get(e.getKey()).members().size(), "members of " + e.getKey());
        }

        assertEquals(AGENTS + IDLE_AGENTS, state.agents().size(), "the agents");
        for (AgentView agent : state.agents()) {
            String talkingTo = truth.agentCalls().get(agent.iface());
            if (talkingTo == null) {
                assertEquals(AgentState.AVAILABLE, agent.state(), agent.toString());
                assertEquals(null, agent.callId(), agent.toString());
            } else {
                assertEquals(AgentState.ON_CALL, agent.state(), agent.toString());
                assertEquals(talkingTo, byId.get(agent.callId()).linkedId(), "the call of " + agent.iface());
            }
        }
    }

    private static int waiting(CtiStateView state) {
        return state.queues().stream().mapToInt(q -> q.entries().size()).sum();
    }

    /** Four queues; agents alternate between Local and PJSIP; they answer at once; callers never give up. */
    private static SimConfig busyCentre() {
        List<List<SimConfig.MemberConfig>> members = new ArrayList<>();
        for (String ignored : QUEUES) {
            members.add(new ArrayList<>());
        }
        for (int i = 0; i < AGENTS; i++) {
            String iface = i % 2 == 0 ? "Local/" + (3000 + i) + "@agents/n" : "PJSIP/agent" + (3000 + i);
            members.get(i % QUEUES.length).add(new SimConfig.MemberConfig(iface, "Agent " + (3000 + i), 0, false,
                    "answer", 0.0, 1.0));
        }
        List<SimConfig.QueueConfig> queues = new ArrayList<>();
        Map<String, String> ivr = new HashMap<>();
        String[] strategies = {"rrmemory", "leastrecent", "fewestcalls", "rrmemory"};
        for (int q = 0; q < QUEUES.length; q++) {
            queues.add(new SimConfig.QueueConfig(QUEUES[q], strategies[q], 15, 2, 0, 0, members.get(q)));
            ivr.put(Integer.toString(q + 1), QUEUES[q]);
        }
        List<SimConfig.MemberConfig> idle = new ArrayList<>();
        for (int i = 0; i < IDLE_AGENTS; i++) {
            String iface = i % 2 == 0 ? "Local/" + (5000 + i) + "@agents/n" : "PJSIP/agent" + (5000 + i);
            idle.add(new SimConfig.MemberConfig(iface, "Agent " + (5000 + i), 0, false, "answer", 0.0, 1.0));
        }
        queues.add(new SimConfig.QueueConfig(IDLE_QUEUE, "ringall", 15, 2, 0, 0, idle));
        return SimConfig.demo().withAmiPort(0).withAgi("127.0.0.1", 0, 300).withTraffic(0, 7, 1.0)
                .withQueues(queues).withIvrQueues(ivr);
    }

    private static List<InboundCall> calls() {
        List<InboundCall> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            String number = Integer.toString(7_000_000 + i);
            calls.add(new InboundCall("PJSIP/trunk", number, "Caller " + i, "5000",
                    Integer.toString(i % QUEUES.length + 1), 100_000, 0, true));
        }
        return calls;
    }

    /** The demo server's gateway and FastAGI on free ports, no simulator of its own, one PBX: the busy one. */
    private static ObjectNode serverConfig(int amiPort) {
        ObjectNode root = DemoServers.config();
        root.withObject("/sim").put("enabled", false);
        ObjectNode pbx = root.withObject("/pbx").withArray("servers").addObject();
        pbx.put("id", PBX).put("host", "127.0.0.1").put("port", amiPort).put("username", "cti").put("secret", "cti");
        return root;
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
