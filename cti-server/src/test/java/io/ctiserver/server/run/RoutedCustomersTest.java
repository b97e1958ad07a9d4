package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.routing.Customer;
import io.ctiserver.routing.RouteDecision;
import io.ctiserver.routing.RouteDecisionRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The screen pop's memory of routed customers: found by every id of the call, bounded however many calls pass. */
class RoutedCustomersTest {

    private static final Customer ACME = new Customer("c1", "Acme", List.of("5551001"), "gold", "en", null, null,
            Map.of());

    @Test
    void findsTheCustomerByUniqueidLinkedidAndCallId() {
        RoutedCustomers routed = new RoutedCustomers(100);
        routed.onRouteDecision(decision(1, ACME));
        assertSame(ACME, routed.find("1.2").orElseThrow());
        assertSame(ACME, routed.find("1.1").orElseThrow());
        assertSame(ACME, routed.find("cti-1").orElseThrow());
        assertEquals(Optional.empty(), routed.find("2.2"));
    }

    @Test
    void aDecisionWithoutCustomerIsNotKept() {
        RoutedCustomers routed = new RoutedCustomers(100);
        routed.onRouteDecision(decision(1, null));
        assertEquals(0, routed.size());
        assertEquals(Optional.empty(), routed.find("1.2"));
    }

    @Test
    void staysWithinItsBoundAfterManyCallsAndKeepsTheLatest() {
        RoutedCustomers routed = new RoutedCustomers(300);
        for (int i = 0; i < 100_000; i++) {
            routed.onRouteDecision(decision(i, ACME));
        }
        assertEquals(300, routed.size());
        assertTrue(routed.find("99999.2").isPresent());
        assertEquals(Optional.empty(), routed.find("0.2"), "the oldest ids are forgotten");
    }

    @Test
    void aRegistryOfZeroIdsOnlyFansOut() {
        RouteDecisionRegistry registry = new RouteDecisionRegistry(0);
        RoutedCustomers routed = new RoutedCustomers(10);
        List<RouteDecision> seen = new ArrayList<>();
        registry.addListener(seen::add);
        registry.addListener(routed);
        RouteDecision d = decision(7, ACME);
        registry.onRouteDecision(d);
        assertEquals(List.of(d), seen);
        assertEquals(Optional.empty(), registry.find("7.2"), "remembers nothing");
        assertSame(ACME, routed.find("7.2").orElseThrow());
    }

    private static RouteDecision decision(int i, Customer customer) {
        return new RouteDecision("cti-" + i, i + ".2", i + ".1", "PJSIP/trunk-" + i, "5551001", "6000", "support", 5,
                null, 0, false, customer, Map.of("lang", "en"), List.of("default queue"), false,
                Instant.parse("2026-12-03T10:00:00Z"), 120);
    }
}
