package io.ctiserver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RoutingServiceTest {

    static final Instant OPEN = RouterTest.OPEN;

    final List<RouteDecision> published = new CopyOnWriteArrayList<>();

    RoutingService service(CustomerDirectory dir, long deadlineMillis) {
        RoutingConfig base = RouterTest.config();
        RoutingConfig rc = new RoutingConfig(base.defaultQueue(), base.defaultPriority(), deadlineMillis,
                base.ivrVariables(), null, null, base.hours(), base.vip(), base.skills(), base.overflow(),
                base.lastAgent());
        return new RoutingService(new Router(rc, QueueLoad.unknown(), CallHistory.none()), dir, published::add);
    }

    static RouteRequest request(String number) {
        return new RouteRequest("1.2", "1.1", "PJSIP/x", number, null, "5000", Map.of("IVR_CHOICE", "3"), OPEN);
    }

    @Test
    void embeddedDirectoryDecidesAtOnceAndPublishes() throws Exception {
        InMemoryCustomerDirectory dir = new InMemoryCustomerDirectory();
        dir.put(RouterTest.GERMAN);
        CompletableFuture<RouteDecision> f = service(dir, 300).route(request("555-1002"));
        assertTrue(f.isDone(), "an in-memory lookup decides synchronously");
        RouteDecision d = f.get();
        assertEquals("support-de", d.queue());
        assertEquals("C2", d.customer().id());
        assertFalse(d.fallback());
        assertEquals(List.of(d), published);
    }

    @Test
    void aLookupThatNeverAnswersGivesTheDefaultWithinTheDeadline() throws Exception {
        CustomerDirectory dead = n -> new CompletableFuture<>();
        long start = System.nanoTime();
        RouteDecision d = service(dead, 150).route(request("5551002")).get(5, TimeUnit.SECONDS);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(d.fallback());
        assertEquals("support", d.queue());
        assertTrue(d.reason().startsWith("no decision within 150 ms"), d.reason());
        assertTrue(tookMs >= 140, "waited for the deadline, took " + tookMs + " ms");
        assertEquals(1, published.size());
        assertSame(d, published.get(0));
    }

    @Test
    void aLookupThatFailsFastStillRunsTheRulesWithoutCustomer() throws Exception {
        CustomerDirectory broken = n -> CompletableFuture.failedFuture(new IllegalStateException("CRM down"));
        RouteDecision d = service(broken, 300).route(request("5551002")).get(1, TimeUnit.SECONDS);
        assertFalse(d.fallback());
        assertNull(d.customer());
        assertTrue(d.reason().contains("customer lookup failed"), d.reason());
        assertTrue(d.reason().contains("CRM down"), d.reason());
        // the IVR data still flows with the call
        assertEquals("3", d.ivrData().get("IVR_CHOICE"));
    }

    @Test
    void aDirectoryThatThrowsIsNotFatal() throws Exception {
        CustomerDirectory throwing = n -> {
            throw new IllegalArgumentException("bad number");
        };
        RouteDecision d = service(throwing, 300).route(request("x")).get(1, TimeUnit.SECONDS);
        assertEquals("support", d.queue());
        assertTrue(d.reason().contains("bad number"), d.reason());
    }

    @Test
    void aSlowLookupThatAnswersInTimeIsUsed() throws Exception {
        CustomerDirectory slow = n -> CompletableFuture.supplyAsync(() -> Optional.of(RouterTest.GERMAN),
                CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS));
        RouteDecision d = service(slow, 2_000).route(request("5551002")).get(5, TimeUnit.SECONDS);
        assertFalse(d.fallback());
        assertEquals("support-de", d.queue());
    }

    @Test
    void registryFindsADecisionByUniqueidLinkedidAndCallIdAndForgetsTheOldest() {
        RouteDecisionRegistry reg = new RouteDecisionRegistry(4);
        List<RouteDecision> seen = new CopyOnWriteArrayList<>();
        reg.addListener(seen::add);
        RoutingService s = new RoutingService(new Router(RoutingConfig.defaults(), QueueLoad.unknown(),
                CallHistory.none()), CustomerDirectory.empty(), reg);
        RouteDecision a = s.route(new RouteRequest("10.2", "10.1", null, "1", null, null, Map.of(), OPEN)).join();
        assertEquals(Optional.of(a), reg.find("10.2"));
        assertEquals(Optional.of(a), reg.find("10.1"));
        assertEquals(List.of(a), seen);
        s.route(new RouteRequest("11.2", "11.1", null, "1", null, null, Map.of(), OPEN)).join();
        s.route(new RouteRequest("12.2", "12.1", null, "1", null, null, Map.of(), OPEN)).join();
        assertEquals(Optional.empty(), reg.find("10.2"), "bounded: the oldest ids are forgotten");
        assertTrue(reg.find("12.1").isPresent());
    }
}
