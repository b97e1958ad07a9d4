package io.ctiserver.server.run;

import static io.ctiserver.server.run.AmiLinkCutsTest.assertMatches;
import static io.ctiserver.server.run.AmiLinkCutsTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.Json;
import io.ctiserver.server.storage.testing.PostgresCluster;
import io.ctiserver.server.storage.testing.TcpProxy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage faults with the simulator's calls flowing through the whole server (AMI link, tracker, storage), over real
 * TCP: the PostgreSQL database unreachable for 30 s, and the server process killed with SIGKILL mid-traffic.
 */
class DatabaseFaultsUnderTrafficTest {

    static final long OUTAGE_MS = 30_000;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    /**
     * A TCP relay between the server and PostgreSQL is cut (every connection dropped, new ones refused) for 30 s while
     * 4 calls a second flow: the tracker keeps up with the PBX, {@code /api/health} says storage is {@code degraded}
     * with a growing journal depth and {@code /api/ready} answers 503; when the relay is back the journal drains to 0,
     * and every call the tracker ended is stored exactly once, with the record the tracker produced.
     */
    @Test
    void postgresUnreachableFor30SecondsUnderTrafficLosesNothing() throws Exception {
        PostgresCluster pg = PostgresCluster.get();
        String url = pg.newDatabase("faults");
        URI u = URI.create(url.substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(u.getHost(), u.getPort())) {
            String viaProxy = url.replace(u.getHost() + ":" + u.getPort(), "127.0.0.1:" + proxy.port());
            try (PbxFaultsUnderTrafficTest.Rig r = PbxFaultsUnderTrafficTest.rig(4.0, 5000, root -> {
                ObjectNode storage = root.withObject("/storage");
                storage.put("url", viaProxy).put("user", pg.user()).put("journalDir", dir.resolve("journal")
                        .toString());
                if (pg.password() == null) {
                    storage.remove("password");
                } else {
                    storage.put("password", pg.password());
                }
            })) {
                Map<String, String> ended = new ConcurrentHashMap<>(); // callId -> the record's JSON
                Set<String> offered = ConcurrentHashMap.newKeySet();
                Map<String, Integer> endings = new ConcurrentHashMap<>();
                r.server().tracker(CtiServer.DEMO_PBX).addListener(e -> {
                    if (e instanceof CallOffered o) {
                        offered.add(o.call().callId());
                    } else if (e instanceof CallEnded end) {
                        endings.merge(end.record().callId(), 1, Integer::sum);
                        ended.put(end.record().callId(), Json.mapper().valueToTree(end.record()).toString());
                    }
                });
                int port = r.server().gateway().port();
                awaitTrue(() -> ended.size() >= 3 && r.server().storage().health().ok()
                        && r.server().storage().health().written() > 0, Duration.ofSeconds(30),
                        "calls stored before the outage");
                assertEquals("ok", get(port, "/api/health").body().path("storage").path("status").asText());

                Set<String> storedBeforeCut = callIds(url, pg);
                proxy.cut();
                int endedAtCut = ended.size();
                long t0 = System.nanoTime();
                long maxDepth = 0;
                boolean sawDegraded = false;
                boolean sawNotReady = false;
                while (System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(OUTAGE_MS)) {
                    JsonNode storage = get(port, "/api/health").body().path("storage");
                    if ("degraded".equals(storage.path("status").asText())) {
                        sawDegraded = true;
                        assertEquals("down", storage.path("database").asText(), storage.toString());
                        maxDepth = Math.max(maxDepth, storage.path("journalDepth").asLong());
                    }
                    Answer ready = get(port, "/api/ready");
                    if (ready.status() == 503 && ready.body().toString().contains("journal depth")) {
                        sawNotReady = true;
                    }
                    Thread.sleep(1_000);
                }
                JsonNode last = get(port, "/api/health").body().path("storage");
                assertEquals("degraded", last.path("status").asText(), "after 30 s down: " + last);
                long depthAtEnd = last.path("journalDepth").asLong();
                assertTrue(sawDegraded && depthAtEnd > 0 && depthAtEnd >= maxDepth,
                        "the journal holds the backlog and grows: " + last + ", max seen " + maxDepth);
                assertTrue(sawNotReady, "/api/ready answered 503 with the journal depth during the outage");
                int endedDuring = ended.size() - endedAtCut;
                assertTrue(endedDuring >= 20, "calls went on ending during the outage: " + endedDuring);
                assertMatches(r.sim(), r.server().state(), "with the database down"); // the tracker never waited

                proxy.restore();
                long back = System.nanoTime();
                r.sim().stopTraffic();
                assertTrue(r.sim().awaitIdle(Duration.ofSeconds(60)), "the PBX went idle");
                awaitTrue(() -> r.server().state().calls().isEmpty(), Duration.ofSeconds(10), "no call left tracked");
                awaitTrue(() -> {
                    JsonNode s = get(port, "/api/health").body().path("storage");
                    return "ok".equals(s.path("status").asText()) && s.path("journalDepth").asLong() == 0
                            && s.path("queued").asLong() == 0;
                }, Duration.ofSeconds(60), "the backlog drains");
                long drainMs = (System.nanoTime() - back) / 1_000_000;
                assertEquals(200, get(port, "/api/ready").status(), "ready again");
                assertEquals(0, r.server().storage().health().refused(), "no record refused");

                Map<String, Integer> stored = new HashMap<>();
                Map<String, String> storedJson = new HashMap<>();
                try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password());
                     Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT call_id, record_json FROM call_records")) {
                    while (rs.next()) {
                        stored.merge(rs.getString(1), 1, Integer::sum);
                        storedJson.put(rs.getString(1), rs.getString(2));
                    }
                }
                assertTrue(endings.values().stream().allMatch(n -> n == 1), "the tracker ended a call twice");
                Set<String> notStoredEnded = new TreeSet<>(ended.keySet());
                notStoredEnded.removeAll(stored.keySet());
                assertTrue(notStoredEnded.isEmpty(), "calls the tracker ended and not stored: " + notStoredEnded);
                // calls that ended before this test's listener was added were stored before the cut
                Set<String> unknown = new TreeSet<>(stored.keySet());
                unknown.removeAll(ended.keySet());
                unknown.removeAll(storedBeforeCut);
                assertTrue(unknown.isEmpty(), "stored calls the tracker never ended: " + unknown);
                assertTrue(stored.values().stream().allMatch(n -> n == 1), "a call stored twice: " + stored);
                for (Map.Entry<String, String> e : ended.entrySet()) {
                    assertEquals(Json.mapper().readTree(e.getValue()),
                            Json.mapper().readTree(storedJson.get(e.getKey())), "the stored record of " + e.getKey());
                }
                Set<String> notStored = new TreeSet<>(offered);
                notStored.removeAll(stored.keySet());
                assertTrue(notStored.isEmpty(), "calls offered and not stored: " + notStored);
                System.out.printf("DatabaseFaultsUnderTrafficTest: PostgreSQL cut %d s, %d calls ended during it, "
                        + "journal depth %d at the end, drained in %d ms, %d calls stored once each%n",
                        OUTAGE_MS / 1000, endedDuring, depthAtEnd, drainMs, stored.size());
            }
        }
    }

    /**
     * A whole server in a child JVM ({@link ServerCrashChild}: simulator, AMI link, tracker, storage on H2) prints
     * each call record once it is durable, and is killed with {@code destroyForcibly} (SIGKILL) while calls flow. A
     * server restarted on the same data folder has every record the child reported, once, and no call twice.
     */
    @Test
    void aServerKilledMidTrafficKeepsEveryRecordItAccepted() throws Exception {
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), ServerCrashChild.class.getName(), dir.toString());
        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (java.io.IOException e) {
                // the pipe closed with the kill
            }
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
        Set<String> durable = new TreeSet<>();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (durable.size() < 40) {
                String line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line != null && line.startsWith(ServerCrashChild.DURABLE)) {
                    durable.add(line.substring(ServerCrashChild.DURABLE.length()));
                } else if (line == null) {
                    assertTrue(p.isAlive(), "the child died before reporting 40 records: " + tail(log));
                    assertTrue(System.nanoTime() < deadline, "the child reported " + durable.size()
                            + " records in 90 s: " + tail(log));
                }
            }
        } finally {
            p.destroyForcibly(); // the child goes on taking calls until this instant
        }
        // lines read before the kill were printed before it: those records were durable too
        for (String line : lines) {
            if (line.startsWith(ServerCrashChild.DURABLE)) {
                durable.add(line.substring(ServerCrashChild.DURABLE.length()));
            }
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(137, p.exitValue(), "killed by SIGKILL");

        ObjectNode root = DemoServers.config(); // no traffic of its own
        ServerCrashChild.storeIn(root, dir);
        try (CtiServer again = DemoServers.start(root)) {
            awaitTrue(() -> again.storage().health().ok() && again.storage().health().journalDepth() == 0,
                    Duration.ofSeconds(30), "the journal replayed");
            Map<String, Integer> stored = new HashMap<>();
            try (Connection c = again.storage().database().connection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT call_id FROM call_records")) {
                while (rs.next()) {
                    stored.merge(rs.getString(1), 1, Integer::sum);
                }
            }
            List<String> missing = new ArrayList<>(durable);
            missing.removeAll(stored.keySet());
            assertTrue(missing.isEmpty(), "records reported durable and not stored: " + missing);
            assertTrue(stored.values().stream().allMatch(n -> n == 1), "a call stored twice: " + stored);
            System.out.printf("DatabaseFaultsUnderTrafficTest: child killed after %d durable records; %d stored "
                    + "after the restart%n", durable.size(), stored.size());
        }
    }

    /** The end of the child's log, for a failure message (the temporary folder is deleted after the test). */
    private static String tail(Path log) {
        try {
            String text = java.nio.file.Files.readString(log);
            return text.substring(Math.max(0, text.length() - 3_000));
        } catch (java.io.IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private static Set<String> callIds(String url, PostgresCluster pg) throws Exception {
        Set<String> ids = new TreeSet<>();
        try (Connection c = DriverManager.getConnection(url, pg.user(), pg.password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT call_id FROM call_records")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    record Answer(int status, JsonNode body) {
    }

    static Answer get(int port, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), Json.mapper().readTree(r.body()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
