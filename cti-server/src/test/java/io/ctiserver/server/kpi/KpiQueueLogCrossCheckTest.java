package io.ctiserver.server.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.ami.AmiLinkState;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CtiEventListener;
import io.ctiserver.kpi.KpiEngine;
import io.ctiserver.kpi.KpiFigures;
import io.ctiserver.kpi.KpiSettings;
import io.ctiserver.kpi.KpiSnapshot;
import io.ctiserver.kpi.QueueLog;
import io.ctiserver.kpi.QueueLogKpis;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.run.CtiServer;
import io.ctiserver.server.run.DemoServers;
import io.ctiserver.server.sim.PbxSimulator;
import io.ctiserver.server.sim.SimConfig;
import io.ctiserver.tracker.Tracker;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The KPI engine against the independent truth: the wired server (simulator, FastAGI routing, AMI client, tracker)
 * runs a few hundred seeded calls at 100 times real speed; the engine, fed only by the tracker's domain events, must
 * count exactly what the simulator's queue_log says, and agree on ASA, AHT and service level.
 *
 * <p>Both sides get their seconds from the same simulated instants (app_queue's HoldTime/TalkTime in AMI and the
 * queue_log fields are written in the same engine task), so the averages are expected to be equal, not just close;
 * the tolerance only absorbs floating-point summation order.
 */
class KpiQueueLogCrossCheckTest {

    private static final double SPEED = 100;
    private static final double TRAFFIC_SECONDS = 1500;
    private static final double EPS = 1e-6;

    @Test
    void kpisFromTrackerEventsEqualTheQueueLogTruth() throws Exception {
        ObjectNode root = DemoServers.config();
        root.withObject("/sim").put("speed", SPEED).put("seed", 20261123L)
                .put("arrivalsPerSecond", 0.25).put("meanHandleSeconds", 12.0).put("meanPatienceSeconds", 30.0);
        // Queue timeouts shorter than some callers' patience, so that EXITWITHTIMEOUT (unanswered) happens too.
        ArrayNode queues = ServerConfig.mapper().valueToTree(SimConfig.demo().queues());
        queues.forEach(q -> ((ObjectNode) q).put("maxWait", 30));
        root.withObject("/sim").set("queues", queues);

        try (CtiServer server = CtiServer.start(ServerConfig.of(root))) {
            PbxSimulator sim = server.simulator();
            // Traffic starts with the simulator, before the AMI link is up, and the tracker learns of those calls
            // only partly (a resync). Stop it, let those calls end, and count only the calls placed afterwards.
            sim.stopTraffic();
            await(() -> server.amiClient(CtiServer.DEMO_PBX).state() == AmiLinkState.FULLY_BOOTED,
                    "AMI link to the simulator");
            assertTrue(sim.awaitIdle(Duration.ofSeconds(30)), "calls placed before the link ended");
            List<String> before = sim.queueLog();
            int skip = before.size();
            Set<String> earlier = new HashSet<>();
            QueueLog.parse(before).entries().forEach(e -> earlier.add(e.callId()));

            KpiEngine engine = new KpiEngine(KpiSettings.defaults());
            Tracker tracker = server.tracker(CtiServer.DEMO_PBX);
            CtiEventListener laterCallsOnly = e -> {
                if (!(e instanceof CallEnded ended && earlier.contains(ended.record().callId()))) {
                    engine.onEvent(e);
                }
            };
            // The tracker has one writer: register on its thread.
            CompletableFuture.runAsync(() -> tracker.addListener(laterCallsOnly),
                    server.amiClient(CtiServer.DEMO_PBX).pbxExecutor()).get(10, TimeUnit.SECONDS);

            sim.startTraffic();
            sim.stopTrafficAt(TRAFFIC_SECONDS);
            assertTrue(sim.awaitIdle(Duration.ofSeconds(60)), "the seeded run finished");
            List<String> lines = sim.queueLog();
            QueueLog log = QueueLog.parse(lines.subList(skip, lines.size()));
            assertEquals(List.of(), log.errors(), "the simulator writes well-formed queue_log lines");
            QueueLogKpis truth = QueueLogKpis.of(log.entries(), engine.settings());
            long truthCalls = truth.calls();
            await(() -> {
                KpiFigures w = engine.refresh().window();
                return w.offered() + w.shortAbandoned() >= truthCalls;
            }, "the tracker caught up with " + truthCalls + " calls");

            KpiSnapshot snap = engine.refresh();
            KpiFigures ours = snap.window();
            KpiFigures theirs = truth.total();
            assertTrue(truthCalls >= 200, "a few hundred queue calls: " + truthCalls);
            assertTrue(theirs.abandoned() > 10 && theirs.shortAbandoned() > 0 && theirs.answered() > 100
                            && theirs.unanswered() > 0,
                    "a mix of outcomes: " + theirs);
            System.out.printf("KPI cross-check: %d queue calls; truth %s%n ours %s%n", truthCalls, theirs, ours);
            assertSameCallFigures(theirs, ours, "all queues");
            for (Map.Entry<String, KpiFigures> q : truth.queues().entrySet()) {
                assertSameCallFigures(q.getValue(), snap.queue(q.getKey()).orElseThrow().window(), q.getKey());
            }
            Map<String, Long> handled = new TreeMap<>();
            for (KpiSnapshot.AgentKpis a : snap.agents()) {
                if (a.window().handled() > 0) {
                    handled.put(a.name(), a.window().handled());
                }
            }
            assertEquals(truth.handledByAgent(), handled, "calls handled per agent");
            assertTrue(ours.occupancyPercent() != null && ours.occupancyPercent() > 0
                    && ours.occupancyPercent() <= 100, "occupancy from agent states: " + ours.occupancyPercent());
        }
    }

    private static void assertSameCallFigures(KpiFigures truth, KpiFigures ours, String scope) {
        String ctx = scope + "\n truth: " + truth + "\n  ours: " + ours;
        assertEquals(truth.offered(), ours.offered(), "offered, " + ctx);
        assertEquals(truth.answered(), ours.answered(), "answered, " + ctx);
        assertEquals(truth.abandoned(), ours.abandoned(), "abandoned, " + ctx);
        assertEquals(truth.shortAbandoned(), ours.shortAbandoned(), "short abandons, " + ctx);
        assertEquals(truth.unanswered() + truth.other(), ours.unanswered() + ours.other(), "unanswered, " + ctx);
        assertEquals(truth.answeredWithinThreshold(), ours.answeredWithinThreshold(), "within T, " + ctx);
        assertClose(truth.asaSeconds(), ours.asaSeconds(), "ASA, " + ctx);
        assertClose(truth.ahtSeconds(), ours.ahtSeconds(), "AHT (no wrap-up in the demo queues), " + ctx);
        assertClose(truth.serviceLevelPercent(), ours.serviceLevelPercent(), "service level, " + ctx);
        assertClose(truth.abandonRatePercent(), ours.abandonRatePercent(), "abandon rate, " + ctx);
    }

    private static void assertClose(Double expected, Double actual, String what) {
        if (expected == null || actual == null) {
            assertEquals(expected, actual, what);
        } else {
            assertEquals(expected, actual, EPS, what);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
