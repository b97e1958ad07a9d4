package io.ctiserver.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.run.CtiServer;
import io.ctiserver.server.run.DemoServers;
import io.ctiserver.server.sim.PbxSimulator;
import io.ctiserver.server.sim.SimConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@code /metrics}, {@code /api/health} and {@code /api/ready} of a running server, over HTTP. */
class MetricsEndpointTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void metricsCoverAmiRoutingAgiQueuesDesktopsAndJvm() throws Exception {
        try (CtiServer server = DemoServers.start(DemoServers.config())) {
            int port = server.gateway().port();
            server.simulator().placeInboundCall("5551001", "5000", "2", 1.0, 0); // a VIP: routed by FastAGI
            awaitTrue(() -> value(scrape(port), "cti_agi_sessions_total\\{outcome=\"ok\",script=\"route\"\\}") >= 1,
                    "a routed AGI session");
            awaitTrue(() -> scrape(port).contains("cti_queue_waiting_calls{queue=\"support\"}"),
                    "the KPI snapshot's queues as gauges");
            String text = scrape(port);
            assertEquals(1.0, value(text, "cti_ami_link_up\\{pbx=\"demo\"\\}"), text);
            assertEquals(1.0, value(text, "cti_ami_link_state\\{pbx=\"demo\",state=\"fully_booted\"\\}"));
            assertTrue(value(text, "cti_ami_events_total\\{pbx=\"demo\"\\}") > 10, "events counted");
            assertTrue(value(text, "cti_ami_ingest_lag_seconds_count\\{pbx=\"demo\"\\}") > 10, "lag measured");
            assertTrue(text.contains("cti_ami_ingest_lag_seconds_bucket{pbx=\"demo\",le="), "lag is a histogram");
            assertEquals(0.0, value(text, "cti_ami_reconnects_total\\{pbx=\"demo\"\\}"));
            assertTrue(value(text, "cti_ami_action_latency_seconds_count\\{action=\"QueueStatus\",outcome=\"success\","
                    + "pbx=\"demo\"\\}") >= 1, "the resync's QueueStatus was timed: " + grep(text, "action_latency"));
            assertTrue(value(text, "cti_routing_decisions_total\\{outcome=\"vip\"\\}")
                    + value(text, "cti_routing_decisions_total\\{outcome=\"vip_agent_first\"\\}") >= 1,
                    grep(text, "routing_decisions"));
            assertTrue(value(text, "cti_routing_latency_seconds_count") >= 1);
            assertTrue(text.contains("cti_routing_latency_seconds_bucket{le="), "route latency is a histogram");
            assertEquals(0.0, value(text, "cti_routing_fallbacks_total"));
            assertTrue(text.contains("cti_queue_waiting_calls{queue=\"support\"}"), grep(text, "cti_queue"));
            assertTrue(text.contains("cti_queue_longest_wait_seconds{queue=\"support\"}"), grep(text, "cti_queue"));
            assertTrue(text.contains("cti_queue_service_level_percent{queue=\"support\"}"), grep(text, "cti_queue"));
            assertEquals(0.0, value(text, "cti_desktops_connected"));
            assertEquals(0.0, value(text, "cti_desktop_sessions_cut_total"));
            assertEquals(0.0, value(text, "cti_desktop_sessions_cut_budget_total"));
            assertEquals(0.0, value(text, "cti_desktop_outbound_pending_bytes"));
            assertEquals((double) io.ctiserver.server.gateway.session.OutboundBudget.defaultLimitBytes(),
                    value(text, "cti_desktop_outbound_budget_bytes"), "a quarter of the max direct memory by default");
            assertEquals(0.0, value(text, "cti_desktop_events_dropped_total"));
            assertTrue(text.contains("jvm_memory_used_bytes{"), "JVM metrics");
            assertTrue(text.contains("process_uptime_seconds"), "process metrics");

            // one desktop connected: counted, and its outbound queue shows under its user
            try (io.ctiserver.server.run.DesktopClient desk = io.ctiserver.server.run.DesktopClient
                    .login(port, "supervisor", "demo")) {
                awaitTrue(() -> value(scrape(port), "cti_desktops_connected") == 1.0, "one desktop connected");
                String withDesk = scrape(port);
                assertTrue(withDesk.contains("cti_desktop_outbound_frames{user=\"supervisor\"}"));
                assertEveryDocumentedMetricIsExported(withDesk);
            }
        }
    }

    @Test
    void metricsCanRequireABearerTokenOrBeOff() throws Exception {
        ObjectNode root = DemoServers.config();
        root.putObject("metrics").put("token", "scrape-me");
        try (CtiServer server = DemoServers.start(root)) {
            int port = server.gateway().port();
            assertEquals(401, get(port, "/metrics", null).statusCode());
            assertEquals(401, get(port, "/metrics", "Bearer wrong").statusCode());
            HttpResponse<String> ok = get(port, "/metrics", "Bearer scrape-me");
            assertEquals(200, ok.statusCode());
            assertTrue(ok.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        }
        ObjectNode off = DemoServers.config();
        off.putObject("metrics").put("enabled", false);
        try (CtiServer server = DemoServers.start(off)) {
            assertEquals(404, get(server.gateway().port(), "/metrics", null).statusCode());
            assertEquals(200, get(server.gateway().port(), "/api/ready", null).statusCode());
        }
    }

    @Test
    void readinessFollowsTheAmiLinkWhileHealthStaysUp() throws Exception {
        PbxSimulator pbx = PbxSimulator.start(SimConfig.demo().withAmiPort(0).withAgi("127.0.0.1", 0, 1000)
                .withTraffic(0, 1, 1));
        int amiPort = pbx.amiPort();
        ObjectNode root = (ObjectNode) JSON.readTree("""
                {"pbx": {"servers": [{"id": "pbx1", "host": "127.0.0.1", "port": %d, "username": "cti",
                  "secret": "cti", "reconnectMinMs": 50, "reconnectMaxMs": 200}]},
                 "agi": {"port": 0}, "gateway": {"port": 0, "defaultPbx": "pbx1"}}
                """.formatted(amiPort));
        // storage in a temporary folder, never the working directory's data/
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cti-metrics-storage-");
        root.putObject("storage").put("url", "jdbc:h2:file:" + dir.resolve("db").toAbsolutePath())
                .put("journalDir", dir.resolve("journal").toString());
        try (CtiServer server = CtiServer.start(ServerConfig.of(root))) {
            int port = server.gateway().port();
            awaitTrue(() -> get(port, "/api/ready", null).statusCode() == 200, "ready once the AMI link is up");
            JsonNode ready = JSON.readTree(get(port, "/api/ready", null).body());
            assertEquals("ready", ready.path("status").asText());
            assertTrue(ready.path("checks").path("ami:pbx1").path("ready").asBoolean(), ready.toString());
            assertTrue(ready.path("checks").path("fastagi").path("ready").asBoolean(), ready.toString());

            pbx.stop();
            awaitTrue(() -> get(port, "/api/ready", null).statusCode() == 503, "not ready with the PBX gone");
            JsonNode down = JSON.readTree(get(port, "/api/ready", null).body());
            assertEquals("not ready", down.path("status").asText());
            assertEquals(false, down.path("checks").path("ami:pbx1").path("ready").asBoolean(), down.toString());
            assertEquals(200, get(port, "/api/health", null).statusCode(), "alive all the same");
            assertTrue(value(scrape(port), "cti_ami_link_up\\{pbx=\"pbx1\"\\}") == 0.0);
            assertTrue(value(scrape(port), "cti_ami_disconnects_total\\{pbx=\"pbx1\"\\}") >= 1);

            pbx = PbxSimulator.start(SimConfig.demo().withAmiPort(amiPort).withAgi("127.0.0.1", 0, 1000)
                    .withTraffic(0, 1, 1));
            awaitTrue(() -> get(port, "/api/ready", null).statusCode() == 200, "ready again after the reconnect");
            assertEquals(1.0, value(scrape(port), "cti_ami_reconnects_total\\{pbx=\"pbx1\"\\}"));
        } finally {
            pbx.stop();
        }
    }

    /** The alert rules and the Grafana dashboard in docs/monitoring use only metric names the server exports. */
    private static void assertEveryDocumentedMetricIsExported(String scrape) throws Exception {
        java.util.Set<String> exported = new java.util.TreeSet<>();
        scrape.lines().filter(l -> l.startsWith("cti_")).forEach(l -> exported.add(l.split("[{ ]")[0]));
        for (String file : new String[] {"cti-alerts.yml", "grafana-dashboard.json"}) {
            String text = java.nio.file.Files.readString(java.nio.file.Path.of("..", "docs", "monitoring", file));
            Matcher m = Pattern.compile("\\bcti_[a-z_]+").matcher(text);
            int names = 0;
            while (m.find()) {
                names++;
                assertTrue(exported.contains(m.group()), file + " uses " + m.group() + ", which the server does not "
                        + "export; exported: " + exported);
            }
            assertTrue(names > 10, file + " names the metrics");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    static String scrape(int port) {
        HttpResponse<String> r = get(port, "/metrics", null);
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    static HttpResponse<String> get(int port, String path, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        HttpResponse<String> r;
        try {
            r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError("GET " + path + ": " + e, e);
        }
        java.util.List<String> p = io.ctiserver.server.contract.Contracts.get().restAnswerProblems("GET", path,
                r.statusCode(), r.headers().firstValue("content-type").orElse(null), r.body());
        if (!p.isEmpty()) {
            throw new AssertionError("REST answer breaks the OpenAPI contract: " + p);
        }
        return r;
    }

    /** The value of the first sample whose name and labels match {@code series} (a regex), or -1 when none. */
    static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private static String grep(String text, String part) {
        return text.lines().filter(l -> l.contains(part) && !l.startsWith("#")).reduce("", (a, b) -> a + "\n" + b);
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(50);
        }
    }
}
