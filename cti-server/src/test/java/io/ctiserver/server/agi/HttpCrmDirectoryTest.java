package io.ctiserver.server.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.ctiserver.routing.CallHistory;
import io.ctiserver.routing.QueueLoad;
import io.ctiserver.routing.Router;
import io.ctiserver.routing.RouteDecision;
import io.ctiserver.routing.RoutingConfig;
import io.ctiserver.routing.RoutingService;
import io.ctiserver.server.agi.connector.HttpCrmDirectory;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP CRM connector against a local HTTP server: answers, 404, errors, cache, and a CRM that sleeps. */
class HttpCrmDirectoryTest {

    HttpServer crm;
    final AtomicInteger requests = new AtomicInteger();
    volatile long sleepMillis;

    @BeforeEach
    void start() throws Exception {
        crm = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        crm.setExecutor(Executors.newCachedThreadPool());
        crm.createContext("/customers/", ex -> {
            requests.incrementAndGet();
            String number = ex.getRequestURI().getPath().substring("/customers/".length());
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body;
            int status;
            switch (number) {
                case "5551001" -> {
                    status = 200;
                    body = ("{\"id\":\"C-1001\",\"name\":\"John Doe\",\"numbers\":[\"5551001\"],\"tier\":\"gold\","
                            + "\"accountManager\":\"PJSIP/agent1\",\"crmUrl\":\"https://crm/1001\"}")
                            .getBytes(StandardCharsets.UTF_8);
                }
                case "5550500" -> {
                    status = 500;
                    body = "oops".getBytes(StandardCharsets.UTF_8);
                }
                default -> {
                    status = 404;
                    body = new byte[0];
                }
            }
            ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            if (body.length > 0) {
                ex.getResponseBody().write(body);
            }
            ex.close();
        });
        crm.start();
    }

    @AfterEach
    void stop() {
        crm.stop(0);
    }

    RoutingConfig.Crm config(long timeoutMillis) {
        return new RoutingConfig.Crm("http://127.0.0.1:" + crm.getAddress().getPort() + "/customers/{number}",
                timeoutMillis, 60L, 100);
    }

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-11-23T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void findsCachesAndExpires() throws Exception {
        MovableClock clock = new MovableClock();
        HttpCrmDirectory dir = new HttpCrmDirectory(config(2_000), HttpClient.newHttpClient(), clock);
        assertEquals("https://crm/1001", dir.findByNumber("5551001").get(5, TimeUnit.SECONDS).orElseThrow()
                .attributes().get("crmUrl"));
        assertTrue(dir.findByNumber("5559999").get(5, TimeUnit.SECONDS).isEmpty(), "404 is 'not a customer'");
        assertEquals(2, requests.get());

        assertTrue(dir.findByNumber("5551001").isDone(), "a cached answer comes at once");
        assertTrue(dir.findByNumber("5559999").get().isEmpty());
        assertEquals(2, requests.get(), "both answers were cached");

        clock.now = clock.now.plusSeconds(61);
        dir.findByNumber("5551001").get(5, TimeUnit.SECONDS);
        assertEquals(3, requests.get(), "expired after 60 s");
    }

    @Test
    void concurrentLookupsOfOneNumberShareOneRequest() throws Exception {
        sleepMillis = 300;
        HttpCrmDirectory dir = new HttpCrmDirectory(config(5_000), HttpClient.newHttpClient(), Clock.systemUTC());
        var a = dir.findByNumber("5551001");
        var b = dir.findByNumber("5551001");
        assertEquals(1, dir.inFlight());
        assertEquals("C-1001", a.get(5, TimeUnit.SECONDS).orElseThrow().id());
        assertEquals("C-1001", b.get(5, TimeUnit.SECONDS).orElseThrow().id());
        assertEquals(1, requests.get());
        assertEquals(0, dir.inFlight());
    }

    @Test
    void anErrorIsReportedAndNotCached() throws Exception {
        HttpCrmDirectory dir = new HttpCrmDirectory(config(2_000), HttpClient.newHttpClient(), Clock.systemUTC());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> dir.findByNumber("5550500").get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("HTTP 500"), e.getCause().getMessage());
        assertThrows(ExecutionException.class, () -> dir.findByNumber("5550500").get(5, TimeUnit.SECONDS));
        assertEquals(2, requests.get());
        assertEquals(0, dir.cached());
    }

    @Test
    void aCrmThatSleepsGivesTheDefaultQueueWithinTheDeadline() throws Exception {
        sleepMillis = 3_000;
        RoutingConfig rc = new RoutingConfig("support", 0, 250L, List.of(), null, config(2_000), null,
                new RoutingConfig.Vip(List.of("gold"), 10, 20), null, null, null);
        HttpCrmDirectory dir = new HttpCrmDirectory(rc.crm(), HttpClient.newHttpClient(), Clock.systemUTC());
        RoutingService routing = new RoutingService(new Router(rc, QueueLoad.unknown(), CallHistory.none()), dir,
                null);
        long start = System.nanoTime();
        RouteDecision d = routing.route(new io.ctiserver.routing.RouteRequest("1.1", null, null, "5551001", null,
                "5000", Map.of(), Instant.now())).get(5, TimeUnit.SECONDS);
        long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
        assertTrue(d.fallback());
        assertEquals("support", d.queue());
        assertEquals("0", d.variables().get("CTI_VIP"), "the VIP is not known in time");
        assertTrue(took >= 240 && took < 2_000, "answered at the 250 ms deadline, took " + took + " ms");
    }

    @Test
    void overFastAgiACallFromASleepingCrmGetsTheDefaultQueueInTime() throws Exception {
        sleepMillis = 3_000;
        RoutingConfig rc = new RoutingConfig("support", 0, 300L, List.of(), null, config(2_000), null,
                new RoutingConfig.Vip(List.of("gold"), 10, 20),
                List.of(new RoutingConfig.SkillRule(Map.of("dialed", "6000"), "sales")), null, null);
        RoutingService routing = new RoutingService(new Router(rc, QueueLoad.unknown(), CallHistory.none()),
                new HttpCrmDirectory(rc.crm(), HttpClient.newHttpClient(), Clock.systemUTC()), null);
        try (FastAgiServer server = new FastAgiServer(AgiConfig.defaults().withPort(0).withBindAddress("127.0.0.1"),
                List.of(new RouteScript(routing, rc.ivrVariables(), Clock.systemUTC())))) {
            server.start();
            try (FakeAsterisk a = new FakeAsterisk(server.port())) {
                FakeAsterisk.Dialog d = a.run(new String(io.ctiserver.testing.Captures.bytes(
                        "agi/agi_env_local_channel_queue_support.txt"), StandardCharsets.UTF_8));
                assertEquals("support", d.variables().get("CTI_QUEUE"));
                assertEquals("", d.variables().get("CTI_AGENT"), "the VIP's manager is not known in time");
                assertTrue(d.variables().get("CTI_ROUTE_REASON").startsWith("no decision within 300 ms"));
                assertTrue(d.closedByServer());
                assertTrue(d.millis() < 2_500, "the call was not held by the CRM: " + d.millis() + " ms");
            }
        }
    }

    @Test
    void anHttpTimeoutShorterThanTheDeadlineStillRoutesByTheRules() throws Exception {
        sleepMillis = 3_000;
        RoutingConfig rc = new RoutingConfig("support", 0, 2_000L, List.of(), null, config(150), null, null,
                List.of(new RoutingConfig.SkillRule(Map.of("dialed", "6000"), "sales")), null, null);
        HttpCrmDirectory dir = new HttpCrmDirectory(rc.crm(), HttpClient.newHttpClient(), Clock.systemUTC());
        RoutingService routing = new RoutingService(new Router(rc, QueueLoad.unknown(), CallHistory.none()), dir,
                null);
        RouteDecision d = routing.route(new io.ctiserver.routing.RouteRequest("1.1", null, null, "5551001", null,
                "6000", Map.of(), Instant.now())).get(5, TimeUnit.SECONDS);
        assertEquals("sales", d.queue(), "the rules ran without the customer");
        assertTrue(d.reason().contains("customer lookup failed"), d.reason());
    }
}
