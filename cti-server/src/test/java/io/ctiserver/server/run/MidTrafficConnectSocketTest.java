package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallResult;
import io.ctiserver.events.EndedBy;
import io.ctiserver.events.StateReconciled;
import io.ctiserver.server.ami.AmiClient;
import io.ctiserver.server.ami.PbxConfig;
import io.ctiserver.server.sim.InboundCall;
import io.ctiserver.server.sim.PbxSimulator;
import io.ctiserver.server.sim.SimConfig;
import io.ctiserver.tracker.Resync;
import io.ctiserver.tracker.Tracker;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The AMI session opens while a call talks to an agent and another waits in the queue: real sockets against the
 * simulator, a Tracker, AmiClient and Resync wired as {@link CtiServer} wires them. Both calls must end with complete
 * records: the first from the resync's CoreShowChannels/QueueStatus answers and an AgentComplete with no AgentConnect
 * before it, the second answered after the login.
 */
class MidTrafficConnectSocketTest {

    private static final String AGENT = "PJSIP/agent7001";

    @Test
    void callsUnderWayAtLoginEndWithQueueAgentWaitAndTalk() throws Exception {
        SimConfig.MemberConfig member = new SimConfig.MemberConfig(AGENT, "Agent 7001", 0, false, "answer", 0.0, 1.0);
        SimConfig config = SimConfig.demo().withAmiPort(0).withAgi("127.0.0.1", 0, 300).withTraffic(0, 7, 1.0)
                .withQueues(List.of(new SimConfig.QueueConfig("support", "rrmemory", 15, 2, 0, 0, List.of(member))))
                .withIvrQueues(Map.of("1", "support"));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (PbxSimulator sim = PbxSimulator.start(config)) {
            sim.preload(List.of(
                    new InboundCall("PJSIP/trunk", "7100001", "Talking Caller", "5000", "1", 6, 0, true),
                    new InboundCall("PJSIP/trunk", "7100002", "Waiting Caller", "5000", "1", 3, 0, true)),
                    Duration.ofSeconds(10));
            assertEquals(1, sim.truth().agentCalls().size(), "one call talks to the agent");
            assertEquals(1, sim.truth().queueEntries().get("support").size(), "one waits");
            Thread.sleep(2000); // both are under way for a while before the login

            Tracker tracker = new Tracker("mid");
            List<CallRecord> records = new CopyOnWriteArrayList<>();
            List<StateReconciled> resyncs = new CopyOnWriteArrayList<>();
            tracker.addListener(e -> {
                if (e instanceof CallEnded ended) {
                    records.add(ended.record());
                } else if (e instanceof StateReconciled r) {
                    resyncs.add(r);
                }
            });
            AmiClient client = new AmiClient(PbxConfig.of("mid", "127.0.0.1", sim.amiPort(), "cti", "cti"), tracker,
                    group);
            tracker.onResyncNeeded(new Resync(tracker, client, client.pbxExecutor())::start);
            try {
                client.start();
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (records.size() < 2 && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            } finally {
                client.close();
            }
            assertEquals(1, resyncs.size(), "the login's resync");
            assertEquals(2, resyncs.get(0).callsAdded(), "both calls found by the resync");
            assertEquals(2, records.size(), "both calls ended: " + records);
            CallRecord first = records.stream().filter(r -> "7100001".equals(r.callerNumber())).findFirst()
                    .orElseThrow(() -> new AssertionError("no record of the talking caller: " + records));
            CallRecord second = records.stream().filter(r -> "7100002".equals(r.callerNumber())).findFirst()
                    .orElseThrow(() -> new AssertionError("no record of the waiting caller: " + records));
            for (CallRecord r : records) {
                assertEquals(CallResult.ANSWERED, r.result(), r.toString());
                assertEquals("support", r.queue(), r.toString());
                assertEquals(AGENT, r.agentInterface(), r.toString());
                assertEquals("Agent 7001", r.agentName(), r.toString());
                assertNotNull(r.answeredAt(), r.toString());
                assertEquals(EndedBy.AGENT, r.endedBy(), r.toString());
                assertEquals(1, r.segments().size(), r.toString());
            }
            assertTrue(first.talkSeconds() >= 5 && first.talkSeconds() <= 7, "talk 6 s, from before the login: " + first);
            assertTrue(first.waitSeconds() >= 0, first.toString());
            assertTrue(second.talkSeconds() >= 2 && second.talkSeconds() <= 4, "talk 3 s: " + second);
            assertTrue(second.waitSeconds() >= 5, "waited while the agent talked to the first caller: " + second);
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).await(5_000);
        }
    }
}
