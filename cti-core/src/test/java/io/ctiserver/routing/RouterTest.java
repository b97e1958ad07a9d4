package io.ctiserver.routing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.routing.QueueLoad.Availability;
import io.ctiserver.routing.QueueLoad.QueueStatus;
import io.ctiserver.testing.FakeQueueLoad;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouterTest {

    /** Monday 2026-11-23 10:00 in Paris: open. */
    static final Instant OPEN = Instant.parse("2026-11-23T09:00:00Z");
    /** Monday 2026-11-23 20:00 in Paris: closed. */
    static final Instant EVENING = Instant.parse("2026-11-23T19:00:00Z");
    /** Friday 2026-12-25 10:00 in Paris: a holiday. */
    static final Instant CHRISTMAS = Instant.parse("2026-12-25T09:00:00Z");

    static final Customer GOLD = new Customer("C1", "Ada Gold", List.of("+1 555 1001"), "gold", "en", "internet",
            "PJSIP/agent1", Map.of());
    static final Customer GERMAN = new Customer("C2", "Bert Deutsch", List.of("5551002"), "standard", "de",
            "mobile", null, Map.of());
    static final Customer PLAIN = new Customer("C3", "Cleo", List.of("5551003"), "standard", "en", "mobile", null,
            Map.of());

    static RoutingConfig config() {
        return new RoutingConfig("support", 0, 300L, List.of("IVR_CHOICE"), null, null,
                new RoutingConfig.Hours("Europe/Paris", Map.of("mon-fri", "08:00-18:00", "sat", "09:00-12:00"),
                        List.of("2026-12-25"), "afterhours"),
                new RoutingConfig.Vip(List.of("gold", "platinum"), 10, 20),
                List.of(new RoutingConfig.SkillRule(Map.of("dialed", "6000"), "sales"),
                        new RoutingConfig.SkillRule(Map.of("customer.language", "de"), "support-de"),
                        new RoutingConfig.SkillRule(Map.of("ivr.IVR_CHOICE", "2|billing"), "billing")),
                List.of(new RoutingConfig.OverflowRule("sales", 5, 120L, true, "sales-overflow")),
                new RoutingConfig.LastAgentRule(true, 7, 12));
    }

    final FakeQueueLoad load = new FakeQueueLoad();
    CallHistory history = CallHistory.none();

    RouteDecision route(Customer c, String dialed, Map<String, String> ivr, Instant at) {
        RouteRequest req = new RouteRequest("1795458592.34", "1795458592.33", "PJSIP/sipp-in-00000000",
                c == null ? "5559999" : c.numbers().get(0), null, dialed, ivr, at);
        return new Router(config(), load, history).decide(req, c, null, System.nanoTime());
    }

    @Test
    void vipCallerGetsTheirAccountManagerFirstThenPriority() {
        load.agents.put("PJSIP/agent1", Availability.AVAILABLE);
        RouteDecision d = route(GOLD, "5000", Map.of(), OPEN);
        assertEquals("PJSIP/agent1", d.agentInterface());
        assertEquals(20, d.agentTimeoutSeconds());
        assertEquals(10, d.priority());
        assertTrue(d.vip());
        assertEquals("support", d.queue());
        Map<String, String> v = d.variables();
        assertEquals("PJSIP/agent1", v.get("CTI_AGENT"));
        assertEquals("20", v.get("CTI_AGENT_TIMEOUT"));
        assertEquals("1", v.get("CTI_VIP"));
        assertEquals("10", v.get("CTI_PRIORITY"));
        assertEquals("C1", v.get("CTI_CUSTOMER_ID"));
        assertEquals("1795458592.33", v.get("CTI_CALL_ID"));
        assertEquals("support", v.get("CTI_ROUTE"));
        assertTrue(v.get("CTI_ROUTE_REASON").contains("account manager PJSIP/agent1"), v.get("CTI_ROUTE_REASON"));
    }

    @Test
    void vipWhoseManagerIsBusyGoesAheadInTheQueueWithoutAgent() {
        load.agents.put("PJSIP/agent1", Availability.BUSY);
        RouteDecision d = route(GOLD, "5000", Map.of(), OPEN);
        assertNull(d.agentInterface());
        assertEquals(0, d.agentTimeoutSeconds());
        assertEquals(10, d.priority());
        assertEquals("", d.variables().get("CTI_AGENT"));
        assertTrue(d.reason().contains("not available"), d.reason());
    }

    @Test
    void skillsChooseTheQueue() {
        assertEquals("sales", route(PLAIN, "6000", Map.of(), OPEN).queue());
        assertEquals("support-de", route(GERMAN, "5000", Map.of(), OPEN).queue());
        assertEquals("billing", route(PLAIN, "5000", Map.of("IVR_CHOICE", "2"), OPEN).queue());
        assertEquals("billing", route(PLAIN, "5000", Map.of("IVR_CHOICE", "BILLING"), OPEN).queue());
        RouteDecision unknown = route(null, "5000", Map.of("IVR_CHOICE", "1"), OPEN);
        assertEquals("support", unknown.queue());
        assertEquals(0, unknown.priority());
        assertFalse(unknown.vip());
        assertEquals("", unknown.variables().get("CTI_CUSTOMER_ID"));
        assertEquals(Map.of("IVR_CHOICE", "1"), unknown.ivrData());
    }

    @Test
    void outsideBusinessHoursAndOnHolidaysGoToTheAfterHoursQueue() {
        RouteDecision evening = route(PLAIN, "6000", Map.of(), EVENING);
        assertEquals("afterhours", evening.queue());
        assertTrue(evening.reason().contains("outside business hours"), evening.reason());
        RouteDecision holiday = route(PLAIN, "6000", Map.of(), CHRISTMAS);
        assertEquals("afterhours", holiday.queue());
        assertTrue(holiday.reason().contains("holiday"), holiday.reason());
        // Saturday 11:00 Paris is open, 13:00 is not
        assertEquals("sales", route(PLAIN, "6000", Map.of(), Instant.parse("2026-11-28T10:00:00Z")).queue());
        assertEquals("afterhours", route(PLAIN, "6000", Map.of(), Instant.parse("2026-11-28T12:00:00Z")).queue());
        // Sunday is not listed: closed
        assertEquals("afterhours", route(PLAIN, "6000", Map.of(), Instant.parse("2026-11-29T10:00:00Z")).queue());
    }

    @Test
    void overflowWhenTooManyWaitTooLongWaitOrNoAgent() {
        load.queues.put("sales", new QueueStatus(5, 60, 1, 3));
        assertEquals("sales", route(PLAIN, "6000", Map.of(), OPEN).queue());

        load.queues.put("sales", new QueueStatus(6, 60, 1, 3));
        RouteDecision many = route(PLAIN, "6000", Map.of(), OPEN);
        assertEquals("sales-overflow", many.queue());
        assertTrue(many.reason().contains("6 callers waiting"), many.reason());

        load.queues.put("sales", new QueueStatus(1, 121, 1, 3));
        RouteDecision longWait = route(PLAIN, "6000", Map.of(), OPEN);
        assertEquals("sales-overflow", longWait.queue());
        assertTrue(longWait.reason().contains("longest wait 121 s"), longWait.reason());

        load.queues.put("sales", new QueueStatus(0, 0, 0, 3));
        RouteDecision noAgent = route(PLAIN, "6000", Map.of(), OPEN);
        assertEquals("sales-overflow", noAgent.queue());
        assertTrue(noAgent.reason().contains("no agent available"), noAgent.reason());
        assertEquals("sales-overflow", noAgent.variables().get("CTI_QUEUE"));
    }

    @Test
    void lastAgentIsTriedWhenAvailableAndRecent() {
        history = (number, since) -> Instant.parse("2026-11-20T09:00:00Z").isBefore(since) ? Optional.empty()
                : Optional.of(new CallHistory.LastAgent("Local/202@agents/n", "Agent 202",
                        Instant.parse("2026-11-20T09:00:00Z")));
        load.agents.put("Local/202@agents/n", Availability.AVAILABLE);
        RouteDecision d = route(PLAIN, "5000", Map.of(), OPEN);
        assertEquals("Local/202@agents/n", d.agentInterface());
        assertEquals(12, d.agentTimeoutSeconds());
        assertEquals(0, d.priority());

        // eight days later the 7-day window has passed
        assertNull(route(PLAIN, "5000", Map.of(), Instant.parse("2026-11-28T10:00:00Z")).agentInterface());

        load.agents.put("Local/202@agents/n", Availability.BUSY);
        assertNull(route(PLAIN, "5000", Map.of(), OPEN).agentInterface());
        // unknown availability is not enough for last-agent routing
        load.agents.remove("Local/202@agents/n");
        assertNull(route(PLAIN, "5000", Map.of(), OPEN).agentInterface());
    }

    @Test
    void vipManagerWinsOverLastAgent() {
        history = (number, since) -> Optional.of(new CallHistory.LastAgent("Local/202@agents/n", "Agent 202", OPEN));
        load.agents.put("Local/202@agents/n", Availability.AVAILABLE);
        load.agents.put("PJSIP/agent1", Availability.AVAILABLE);
        assertEquals("PJSIP/agent1", route(GOLD, "5000", Map.of(), OPEN).agentInterface());
    }

    @Test
    void fallbackIsTheDefaultQueueAndSaysWhy() {
        RouteRequest req = new RouteRequest("u", null, null, "5551001", null, "5000", Map.of(), OPEN);
        RouteDecision d = new Router(config(), load, history).fallback(req, "no decision within 300 ms",
                System.nanoTime());
        assertTrue(d.fallback());
        assertEquals("support", d.queue());
        assertEquals("u", d.callId());
        assertEquals("no decision within 300 ms: default queue support", d.reason());
    }

    @Test
    void emptyConfigRoutesEverythingToSupport() {
        RouteRequest req = new RouteRequest("u", "l", null, "5551001", null, "5000", Map.of(), OPEN);
        RouteDecision d = new Router(RoutingConfig.defaults(), QueueLoad.unknown(), CallHistory.none())
                .decide(req, null, null, System.nanoTime());
        assertEquals("support", d.queue());
        assertEquals("l", d.callId());
    }
}
