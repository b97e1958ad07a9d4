package io.ctiserver.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.ctiserver.ami.AmiMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A preloaded simulator holds what it says (10 agents talking, 190 callers waiting: 220 channels), tells it through
 * {@code truth()}, and lists it whole in CoreShowChannels and QueueStatus, whose items go out in 64 KiB chunks
 * (these lists span several), also when asked while its writes are stalled.
 */
class SimPreloadTest {

    private static final int AGENTS = 10;
    private static final int CALLS = 200;
    private PbxSimulator sim;

    @BeforeEach
    void preload() throws Exception {
        List<SimConfig.MemberConfig> members = new ArrayList<>();
        for (int i = 0; i < AGENTS; i++) {
            members.add(new SimConfig.MemberConfig("Local/" + (400 + i) + "@agents/n", "Agent " + (400 + i), 0,
                    false, "answer", 0.0, 1.0));
        }
        sim = PbxSimulator.start(SimTestConfigs.quiet(1).withQueues(
                List.of(new SimConfig.QueueConfig("support", "rrmemory", 15, 2, 0, 0, members))));
        List<InboundCall> calls = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            calls.add(InboundCall.of(Integer.toString(5_550_000 + i), "5000").talk(10_000, true));
        }
        PbxSimulator.Load load = sim.preload(calls, Duration.ofSeconds(20));
        assertEquals(AGENTS * 3 + (CALLS - AGENTS), load.channels(), "caller, Local ;1 and ;2 per call answered");
        assertEquals(CALLS, load.calls());
        assertEquals(CALLS - AGENTS, load.waiting());
    }

    @AfterEach
    void stop() {
        sim.stop();
    }

    @Test
    void truthSaysWhoTalksToWhomAndWhoWaits() {
        PbxSimulator.Truth truth = sim.truth();
        assertEquals(CALLS, truth.calls().size());
        assertEquals(AGENTS, truth.agentCalls().size());
        assertEquals(AGENTS, new HashSet<>(truth.agentCalls().values()).size(), "one call per agent");
        List<String> waiting = truth.queueEntries().get("support");
        assertEquals(CALLS - AGENTS, waiting.size());
        Set<String> all = new HashSet<>(waiting);
        all.addAll(truth.agentCalls().values());
        assertEquals(truth.calls(), all, "every call is either with an agent or waiting");
    }

    @Test
    void theListsAreWholeAndInOrder() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            checkChannels(c, c.send("CoreShowChannels"));
            checkQueue(c, c.send("QueueStatus"));
        }
    }

    @Test
    void listsAskedWhileWritesAreStalledArriveWholeOnResume() throws Exception {
        try (TestAmiClient c = TestAmiClient.loggedIn(sim.amiPort())) {
            c.action("Ping");
            c.received.clear();
            sim.stallWrites(true);
            String channels = c.send("CoreShowChannels");
            String queues = c.send("QueueStatus");
            assertNull(c.poll(300), "nothing is written while stalled");
            sim.stallWrites(false);
            checkChannels(c, channels);
            checkQueue(c, queues);
        }
    }

    private void checkChannels(TestAmiClient c, String id) throws InterruptedException {
        AmiMessage start = c.next(m -> m.isResponse() && id.equals(m.actionId()));
        assertEquals("start", start.get("EventList"));
        List<AmiMessage> list = c.until("CoreShowChannelsComplete");
        AmiMessage end = list.remove(list.size() - 1);
        assertEquals(Integer.toString(list.size()), end.get("ListItems"));
        List<String> names = new ArrayList<>();
        for (AmiMessage m : list) {
            assertEquals("CoreShowChannel", m.eventName());
            assertEquals(id, m.actionId());
            names.add(m.get("Channel"));
        }
        assertEquals(sim.channels(), names, "every channel once, in the PBX's order");
    }

    private void checkQueue(TestAmiClient c, String id) throws InterruptedException {
        c.next(m -> m.isResponse() && id.equals(m.actionId()));
        List<AmiMessage> list = c.until("QueueStatusComplete");
        AmiMessage end = list.remove(list.size() - 1);
        assertEquals(Integer.toString(list.size()), end.get("ListItems"));
        List<String> waiting = new ArrayList<>();
        int members = 0;
        for (AmiMessage m : list) {
            assertEquals(id, m.actionId());
            if ("QueueEntry".equals(m.eventName())) {
                assertEquals(Integer.toString(waiting.size() + 1), m.get("Position"));
                waiting.add(m.get("Uniqueid"));
            } else if ("QueueMember".equals(m.eventName())) {
                assertEquals("1", m.get("InCall"), m.toString());
                members++;
            }
        }
        assertEquals(AGENTS, members);
        assertEquals(sim.truth().queueEntries().get("support"), waiting, "the callers in queue order");
    }
}
