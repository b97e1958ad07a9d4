package io.ctiserver.server.webhooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The dispatcher against a real HTTP receiver: signature, order per call, retries, give-up, a full queue. */
class WebhookDispatcherTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec-test";

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(WebhookDispatcher.class);

    @BeforeEach
    void captureLog() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(log);
    }

    private static WebhooksConfig config(String url, int lanes, int capacity, int maxAttempts, List<String> events,
                                         List<String> queues) {
        return new WebhooksConfig(List.of(new WebhooksConfig.Subscription("crm", url, SECRET, events, queues)),
                capacity, lanes, maxAttempts, 10L, 40L, 2_000L);
    }

    private static byte[] event(String type, String call, int n) {
        return ("{\"type\":\"" + type + "\",\"time\":\"2026-12-03T09:00:00Z\",\"pbx\":\"pbx1\",\"payload\":"
                + "{\"call\":{\"callId\":\"" + call + "\"},\"n\":" + n + "}}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void signedDeliveriesArriveInOrderPerCallThroughRetries() throws Exception {
        // every delivery whose number is a multiple of 3 fails its first try with 503
        try (WebhookReceiver rx = new WebhookReceiver(r -> {
                int id = Integer.parseInt(r.delivery().substring(r.delivery().indexOf('-') + 1));
                return id % 3 == 0 && r.attempt() == 1 ? 503 : 200;
            });
             WebhookDispatcher d = new WebhookDispatcher(config(rx.url(), 4, 1000, 5, List.of(), List.of()))) {
            List<String> calls = List.of("1733216400.1", "1733216400.7", "1733216401.3");
            for (int n = 0; n < 20; n++) {
                for (String c : calls) {
                    d.onPublished("call.answered", c, "support", event("call.answered", c, n));
                }
            }
            awaitTrue(() -> d.stats("crm").delivered() == 60, "60 deliveries");

            Map<String, List<Integer>> order = new TreeMap<>();
            long now = System.currentTimeMillis() / 1000;
            for (WebhookReceiver.Request r : rx.accepted) {
                assertTrue(WebhookSignature.verify(SECRET.getBytes(StandardCharsets.UTF_8), r.signature(), r.body(),
                        now), "signature of " + r.text());
                assertEquals("call.answered", r.event());
                JsonNode body = JSON.readTree(r.body());
                order.computeIfAbsent(body.path("payload").path("call").path("callId").asText(),
                        k -> new ArrayList<>()).add(body.path("payload").path("n").asInt());
            }
            List<Integer> expected = java.util.stream.IntStream.range(0, 20).boxed().toList();
            for (String c : calls) {
                assertEquals(expected, order.get(c), "events of call " + c + " in the order published");
            }
            assertEquals(20, d.stats("crm").failedAttempts(), "one failed try per third delivery");
            assertEquals(20, rx.accepted.stream().filter(r -> r.attempt() == 2).count(), "each retried once");
            assertEquals(0, d.stats("crm").gaveUp());
            assertEquals(0, d.stats("crm").rejected());
        }
    }

    @Test
    void signatureBindsBodyAndTimeAndRejectsReplays() {
        byte[] key = SECRET.getBytes(StandardCharsets.UTF_8);
        byte[] body = event("call.offered", "1.1", 0);
        String header = WebhookSignature.sign(key, 1_000_000L, body);
        assertTrue(WebhookSignature.verify(key, header, body, 1_000_000L + 299));
        assertFalse(WebhookSignature.verify(key, header, body, 1_000_000L + 301), "too old: a replay");
        assertFalse(WebhookSignature.verify(key, header, event("call.offered", "1.1", 1), 1_000_000L), "body changed");
        assertFalse(WebhookSignature.verify("other".getBytes(StandardCharsets.UTF_8), header, body, 1_000_000L));
        String otherTime = header.replace("t=1000000", "t=1000001");
        assertFalse(WebhookSignature.verify(key, otherTime, body, 1_000_000L), "the time is signed too");
        assertFalse(WebhookSignature.verify(key, null, body, 1_000_000L));
        assertFalse(WebhookSignature.verify(key, "t=x,v1=zz", body, 1_000_000L));
    }

    @Test
    void aDeliveryThatKeepsFailingIsGivenUpCountedAndLoggedAndTheNextOneStillGoes() throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver(r -> r.text().contains("doomed") ? 500 : 204);
             WebhookDispatcher d = new WebhookDispatcher(config(rx.url(), 1, 100, 3, List.of(), List.of()))) {
            d.onPublished("call.offered", "doomed", "support", event("call.offered", "doomed", 0));
            d.onPublished("call.offered", "fine", "support", event("call.offered", "fine", 0));
            awaitTrue(() -> d.stats("crm").delivered() == 1, "the next delivery");
            assertEquals(1, d.stats("crm").gaveUp());
            assertEquals(3, d.stats("crm").failedAttempts());
            assertEquals(List.of(1, 2, 3), rx.requests.stream().filter(r -> r.text().contains("doomed"))
                    .map(WebhookReceiver.Request::attempt).toList(), "three tries");
            List<WebhookReceiver.Request> doomed = rx.requests.stream().filter(r -> r.text().contains("doomed"))
                    .toList();
            assertTrue(doomed.get(2).receivedAtMillis() - doomed.get(1).receivedAtMillis() >= 16,
                    "the second retry waited longer (backoff doubles: 10 then 20 ms, 20 % jitter)");
            assertTrue(log.list.stream().anyMatch(e -> e.getLevel() == Level.WARN
                    && e.getFormattedMessage().contains("gave up delivery")
                    && e.getFormattedMessage().contains("(call.offered of call doomed) after 3 attempt(s): HTTP 500")),
                    "logged: " + log.list);
        }
    }

    @Test
    void aReceiverThatRefusesIsNotRetried() throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver(r -> 400);
             WebhookDispatcher d = new WebhookDispatcher(config(rx.url(), 1, 100, 5, List.of(), List.of()))) {
            d.onPublished("call.ended", "c1", null, event("call.ended", "c1", 0));
            awaitTrue(() -> d.stats("crm").gaveUp() == 1, "given up");
            assertEquals(1, rx.requests.size(), "a 400 is final");
        }
    }

    @Test
    void aFullQueueRefusesCountsAndLogsInsteadOfBlocking() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (WebhookReceiver rx = new WebhookReceiver(r -> {
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 200;
            });
             WebhookDispatcher d = new WebhookDispatcher(config(rx.url(), 1, 2, 3, List.of(), List.of()))) {
            d.onPublished("call.offered", "c", null, event("call.offered", "c", 0));
            awaitTrue(() -> rx.requests.size() == 1, "the first delivery in flight");
            long start = System.nanoTime();
            for (int n = 1; n <= 10; n++) {
                d.onPublished("call.offered", "c", null, event("call.offered", "c", n));
            }
            assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500), "offering never blocks");
            assertEquals(8, d.stats("crm").rejected(), "2 queued, 8 refused");
            assertTrue(log.list.stream().anyMatch(e -> e.getLevel() == Level.WARN
                    && e.getFormattedMessage().contains("queue full")), "logged");
            release.countDown();
            awaitTrue(() -> d.stats("crm").delivered() == 3, "the in-flight and the two queued");
        }
    }

    @Test
    void subscriptionsChooseEventTypesAndQueues() throws Exception {
        try (WebhookReceiver rx = new WebhookReceiver(r -> 200);
             WebhookDispatcher d = new WebhookDispatcher(config(rx.url(), 2, 100, 3,
                     List.of("call.offered", "call.ended"), List.of("sales")))) {
            d.onPublished("call.offered", "a", "support", event("call.offered", "a", 0)); // other queue
            d.onPublished("call.answered", "b", "sales", event("call.answered", "b", 0)); // other type
            d.onPublished("agent.state", null, null, event("agent.state", "-", 0)); // no queue
            d.onPublished("call.offered", "c", "sales", event("call.offered", "c", 0));
            d.onPublished("call.ended", "c", "sales", event("call.ended", "c", 1));
            awaitTrue(() -> d.stats("crm").delivered() == 2, "two wanted events");
            Thread.sleep(100);
            assertEquals(List.of("call.offered", "call.ended"),
                    rx.requests.stream().map(WebhookReceiver.Request::event).toList());
        }
    }

    static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }
}
