package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallView;
import io.ctiserver.events.CtiStateView;
import io.ctiserver.events.QueueMemberView;
import io.ctiserver.events.QueueView;
import io.ctiserver.events.StateReconciled;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.sim.PbxSimulator;
import io.ctiserver.server.sim.SimConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The AMI link is cut 100 times at random points (mostly mid-message, through {@link CutProxy}) while calls flow.
 * After each reconnect and resync the tracked calls and queues equal the simulator's own state at one instant: no
 * ghost call, no missing call, no call with a wrong agent, the same members paused, the same callers waiting. The
 * desktop gets a {@code state.reconciled} per resync, and every call ends with exactly one record. The seed is
 * printed; rerun one with {@code -Dcuts.seed=N}.
 */
class AmiLinkCutsTest {

    static final int CUTS = 100;

    @Test
    void aHundredCutsLeaveTheTrackerEqualToThePbx() throws Exception {
        long seed = Long.getLong("cuts.seed", System.nanoTime());
        System.out.println("AmiLinkCutsTest seed " + seed + " (rerun with -Dcuts.seed=" + seed + ")");
        Random random = new Random(seed);
        ObjectNode root = DemoServers.withPassword(DemoServers.config(), "pw");
        SimConfig simConfig = SimConfig.from(ServerConfig.of(root)).withAmiPort(0).withAgi("127.0.0.1", 0, 300)
                .withTraffic(4.0, seed, 1.0).withCallMix(2.0, 6.0, 0, 0).withIvrQueues(Map.of("2", "sales"));
        try (PbxSimulator sim = PbxSimulator.start(simConfig);
             CutProxy proxy = new CutProxy(sim.amiPort(), random)) {
            root.withObject("/sim").put("enabled", false);
            root.withObject("/pbx").putArray("servers").addObject().put("id", CtiServer.DEMO_PBX)
                    .put("host", "127.0.0.1").put("port", proxy.port()).put("username", "cti").put("secret", "cti")
                    .put("reconnectMinMs", 10).put("reconnectMaxMs", 100);
            try (CtiServer server = DemoServers.start(root);
                 DesktopClient desktop = DesktopClient.login(server.gateway().port(), "supervisor", "pw")) {
                AtomicInteger resyncs = new AtomicInteger();
                Map<String, AtomicInteger> records = new ConcurrentHashMap<>();
                Set<String> offered = ConcurrentHashMap.newKeySet();
                AtomicInteger lostInGap = new AtomicInteger();
                server.tracker(CtiServer.DEMO_PBX).addListener(e -> {
                    if (e instanceof StateReconciled) {
                        resyncs.incrementAndGet();
                    } else if (e instanceof CallOffered o) {
                        offered.add(o.call().callId());
                    } else if (e instanceof CallEnded end) {
                        records.computeIfAbsent(end.record().callId(), k -> new AtomicInteger()).incrementAndGet();
                        if ("lost during PBX disconnect".equals(end.record().data().get("cti.endReason"))) {
                            lostInGap.incrementAndGet();
                        }
                    }
                });
                awaitTrue(() -> sim.load().calls() > 3, Duration.ofSeconds(20), "traffic flowing");
                long t0 = System.nanoTime();
                for (int i = 0; i < CUTS; i++) {
                    Thread.sleep(10 + random.nextInt(120));
                    int before = resyncs.get();
                    proxy.cut(200);
                    awaitTrue(() -> resyncs.get() > before, Duration.ofSeconds(10), "resync after cut " + (i + 1));
                    assertMatches(sim, server.state(), "after cut " + (i + 1) + " (seed " + seed + ")");
                }
                long cutMillis = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(CUTS, proxy.cuts.get());
                assertTrue(proxy.midMessage.get() >= CUTS / 2, "mid-message cuts: " + proxy.midMessage.get());

                // The desktop was told of every resync.
                int seen = 0;
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (seen < resyncs.get() && System.nanoTime() < deadline) {
                    seen += (int) desktop.drain().stream()
                            .filter(f -> f.path("type").asText().equals("state.reconciled")).count();
                    Thread.sleep(20);
                }
                assertEquals(resyncs.get(), seen, "state.reconciled frames on the supervisor's desktop");

                // Every call ends, each with exactly one record.
                sim.stopTraffic();
                assertTrue(sim.awaitIdle(Duration.ofSeconds(60)), "the PBX went idle");
                awaitTrue(() -> server.state().calls().isEmpty(), Duration.ofSeconds(10), "no call left tracked");
                List<String> twice = records.entrySet().stream().filter(e -> e.getValue().get() != 1)
                        .map(e -> e.getKey() + " x" + e.getValue()).toList();
                assertTrue(twice.isEmpty(), "calls with more than one record: " + twice);
                Set<String> noRecord = new TreeSet<>(offered);
                noRecord.removeAll(records.keySet());
                assertTrue(noRecord.isEmpty(), "offered calls without a record: " + noRecord);
                System.out.printf("AmiLinkCutsTest: %d cuts (%d mid-message) in %d ms, %d resyncs, %d calls offered,"
                                + " %d records, %d ended in a gap%n", proxy.cuts.get(), proxy.midMessage.get(),
                        cutMillis, resyncs.get(), offered.size(), records.size(), lostInGap.get());
            }
        }
    }

    /** Retries until the tracker equals the PBX at an instant when the PBX held still, or reports the difference. */
    static void assertMatches(PbxSimulator sim, CtiStateView state, String when) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> diff = List.of("never compared");
        while (System.nanoTime() < deadline) {
            PbxSimulator.StateTruth before = sim.stateTruth();
            List<CallView> calls = state.calls();
            List<QueueView> queues = state.queues();
            PbxSimulator.StateTruth after = sim.stateTruth();
            if (before.equals(after)) {
                diff = differences(before, calls, queues);
                if (diff.isEmpty()) {
                    return;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError(when + ": the tracker differs from the PBX:\n" + String.join("\n", diff));
    }

    static List<String> differences(PbxSimulator.StateTruth truth, List<CallView> calls, List<QueueView> queues) {
        List<String> out = new ArrayList<>();
        Map<String, String> tracked = new TreeMap<>();
        for (CallView c : calls) {
            tracked.put(c.linkedId(), c.agentInterface() == null ? "" : c.agentInterface());
            if (!truth.callAgents().containsKey(c.linkedId())) {
                out.add("ghost call " + c.linkedId() + ": " + c);
            }
        }
        for (var t : truth.callAgents().entrySet()) {
            String agent = tracked.get(t.getKey());
            if (agent == null) {
                out.add("missing call " + t.getKey());
            } else if (!t.getValue().isEmpty() && !t.getValue().equalsIgnoreCase(agent)) {
                out.add("call " + t.getKey() + " with agent " + agent + ", the PBX says " + t.getValue());
            }
        }
        Map<String, Map<String, Boolean>> members = new TreeMap<>();
        Map<String, Integer> waiting = new TreeMap<>();
        for (QueueView q : queues) {
            Map<String, Boolean> m = new TreeMap<>();
            for (QueueMemberView mv : q.members()) {
                m.put(mv.iface(), mv.paused());
            }
            members.put(q.name(), m);
            waiting.put(q.name(), q.entries().size());
        }
        if (!members.equals(truth.members())) {
            out.add("queue members " + members + ", the PBX says " + truth.members());
        }
        if (!waiting.equals(truth.waiting())) {
            out.add("waiting callers " + waiting + ", the PBX says " + truth.waiting());
        }
        return out;
    }

    static void awaitTrue(java.util.function.BooleanSupplier c, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }
}
