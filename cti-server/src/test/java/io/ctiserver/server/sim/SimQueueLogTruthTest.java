package io.ctiserver.server.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The queue_log truth of a seeded random run: well formed, every call accounted for once, reproducible. */
class SimQueueLogTruthTest {

    private static final Set<String> AFTER_CONNECT = Set.of("COMPLETECALLER", "COMPLETEAGENT", "TRANSFER");
    private static final Set<String> WITHOUT_CONNECT = Set.of("ABANDON", "EXITWITHTIMEOUT", "EXITEMPTY");

    private static List<String> run(long seed) throws InterruptedException {
        SimConfig cfg = SimConfig.demo().withAmiPort(0).withAgi("127.0.0.1", 0, 300).withTraffic(0.5, seed, 400)
                .withCallMix(30, 40, 0.1, 0.05).withTrafficSeconds(200);
        PbxSimulator sim = PbxSimulator.start(cfg);
        try {
            assertTrue(sim.awaitIdle(Duration.ofSeconds(30)), "every call ended");
            assertTrue(sim.generatedCalls() > 50, "enough traffic: " + sim.generatedCalls());
            return sim.queueLog();
        } finally {
            sim.stop();
        }
    }

    @Test
    void everyQueueCallEndsExactlyOnceAndTheRunIsReproducible() throws Exception {
        List<String> log = run(1234);
        Map<String, List<String[]>> byCall = new LinkedHashMap<>();
        for (String line : log) {
            String[] f = line.split("\\|", -1);
            assertTrue(f.length >= 5, "epoch|callid|queue|agent|event...: " + line);
            assertTrue(f[0].matches("\\d{10}"), "epoch seconds: " + line);
            if (!f[1].equals("NONE")) {
                byCall.computeIfAbsent(f[1], k -> new ArrayList<>()).add(f);
            }
        }
        int connected = 0;
        int abandoned = 0;
        for (Map.Entry<String, List<String[]>> e : byCall.entrySet()) {
            List<String[]> events = e.getValue();
            String trace = e.getKey() + ": " + events.stream().map(f -> f[4]).toList();
            assertEquals("ENTERQUEUE", events.get(0)[4], trace);
            String last = events.get(events.size() - 1)[4];
            long connects = events.stream().filter(f -> f[4].equals("CONNECT")).count();
            if (connects == 1) {
                assertTrue(AFTER_CONNECT.contains(last), trace);
                assertEquals("CONNECT", events.get(events.size() - 2)[4], trace);
                connected++;
            } else {
                assertEquals(0, connects, trace);
                assertTrue(WITHOUT_CONNECT.contains(last), trace);
                abandoned += last.equals("ABANDON") ? 1 : 0;
            }
            for (String[] f : events.subList(1, events.size() - 1)) {
                assertTrue(f[4].equals("RINGNOANSWER") || f[4].equals("CONNECT"), trace);
            }
            for (String[] f : events) {
                if (f[4].equals("CONNECT") || AFTER_CONNECT.contains(f[4]) || f[4].equals("RINGNOANSWER")) {
                    assertTrue(!f[3].equals("NONE"), "an agent is named: " + trace);
                }
            }
        }
        assertTrue(connected > 20, "calls were answered: " + connected);
        assertTrue(abandoned > 0, "some callers ran out of patience: " + abandoned);

        assertEquals(normalise(log), normalise(run(1234)), "same seed, same truth");
    }

    /** Drops what depends on the wall clock at start: the epoch and the epoch part of the call id. */
    private static List<String> normalise(List<String> log) {
        return log.stream().map(l -> l.substring(l.indexOf('|') + 1).replaceAll("\\d{10}\\.(\\d+)", "$1"))
                .toList();
    }

    @Test
    void theTruthIsAlsoWrittenToTheQueueLogFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("queue_log");
        PbxSimulator sim = PbxSimulator.start(SimTestConfigs.quiet(50).withQueueLogFile(file.toString()));
        try {
            sim.placeInboundCall(InboundCall.of("5551001", "5000").talk(1, true));
            assertTrue(sim.awaitIdle(Duration.ofSeconds(10)));
            List<String> memory = sim.queueLog();
            assertEquals(memory, java.nio.file.Files.readAllLines(file));
            assertEquals(List.of("ENTERQUEUE", "CONNECT", "COMPLETEAGENT"),
                    memory.stream().map(l -> l.split("\\|")[4]).toList());
        } finally {
            sim.stop();
        }
    }
}
