package io.ctiserver.server.agi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ctiserver.routing.CallHistory;
import io.ctiserver.routing.Customer;
import io.ctiserver.routing.CustomerDirectory;
import io.ctiserver.routing.InMemoryCustomerDirectory;
import io.ctiserver.routing.QueueLoad;
import io.ctiserver.routing.RouteDecision;
import io.ctiserver.routing.RouteDecisionRegistry;
import io.ctiserver.routing.Router;
import io.ctiserver.routing.RoutingConfig;
import io.ctiserver.routing.RoutingService;
import io.ctiserver.routing.survey.InMemorySurveyStore;
import io.ctiserver.server.agi.bench.AgiLoadClient;
import io.ctiserver.testing.Captures;
import io.ctiserver.testing.FakeQueueLoad;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The FastAGI server over real TCP, with a fake Asterisk that replays the captured environment blocks. */
class FastAgiServerTest {

    /** Monday 10:00 UTC. */
    static final Clock OPEN = Clock.fixed(Instant.parse("2026-11-23T10:00:00Z"), ZoneOffset.UTC);

    static String env(String capture) {
        return new String(Captures.bytes("agi/" + capture), StandardCharsets.UTF_8);
    }

    static RoutingConfig config(long deadlineMillis, RoutingConfig.Hours hours) {
        return new RoutingConfig("support", 0, deadlineMillis, List.of("IVR_CHOICE", "ACCOUNT_NUMBER"), null, null,
                hours, new RoutingConfig.Vip(List.of("gold"), 10, 20),
                List.of(new RoutingConfig.SkillRule(Map.of("dialed", "6000"), "sales"),
                        new RoutingConfig.SkillRule(Map.of("customer.language", "de"), "support-de")),
                List.of(new RoutingConfig.OverflowRule("sales", 3, null, false, "sales-overflow")), null);
    }

    final FakeQueueLoad load = new FakeQueueLoad();
    final RouteDecisionRegistry decisions = new RouteDecisionRegistry(10_000);
    final InMemorySurveyStore surveys = new InMemorySurveyStore(100);
    FastAgiServer server;
    int port;

    InMemoryCustomerDirectory directory() {
        InMemoryCustomerDirectory dir = new InMemoryCustomerDirectory();
        dir.put(new Customer("C-1001", "John Doe", List.of("5551001"), "gold", "en", "internet", "PJSIP/agent1",
                Map.of("segment", "enterprise")));
        dir.put(new Customer("C-1009", "Sven", List.of("5551009"), "standard", "de", null, null, Map.of()));
        return dir;
    }

    void start(CustomerDirectory dir, RoutingConfig rc, AgiConfig agi) throws Exception {
        RoutingService routing = new RoutingService(new Router(rc, load, CallHistory.none()), dir, decisions);
        server = new FastAgiServer(agi.withPort(0).withBindAddress("127.0.0.1"), List.of(
                new RouteScript(routing, rc.ivrVariables(), OPEN),
                new SurveyScript(surveys, "cti-survey", 3000, OPEN)));
        port = server.start().getPort();
    }

    void start() throws Exception {
        start(directory(), config(300, null), AgiConfig.defaults());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    FakeAsterisk asterisk() throws Exception {
        FakeAsterisk a = new FakeAsterisk(port);
        a.channelVariables.put("CHANNEL(linkedid)", "1795458467.0");
        return a;
    }

    @Test
    void vipCallerFromTheCapturedSessionReachesTheirAccountManagerFirst() throws Exception {
        FakeAsterisk.Dialog d = vipCall(AgiConfig.defaults());
        assertTrue(d.closedByServer(), "the server ends the AGI by closing");
        assertEquals(List.of("GET FULL VARIABLE \"${LEN(${CHANNEL(linkedid)})}:${CHANNEL(linkedid)}"
                + "${LEN(${IVR_CHOICE})}:${IVR_CHOICE}${LEN(${ACCOUNT_NUMBER})}:${ACCOUNT_NUMBER}\""),
                d.commands().subList(0, 1), "one read for the call id and the IVR data");
        assertEquals(2, d.commands().size(), "one write for every CTI_* variable: " + d.commands());
        assertTrue(d.commands().get(1).startsWith("EXEC MSet \"CTI_CALL_ID=1795458467.0,CTI_QUEUE=support,"),
                d.commands().get(1));
        assertVipDecision(d);
    }

    @Test
    void withoutBatchingEveryVariableHasItsOwnCommand() throws Exception {
        FakeAsterisk.Dialog d = vipCall(AgiConfig.defaults().withBatchVariables(false));
        assertTrue(d.closedByServer(), "the server ends the AGI by closing");
        assertEquals(List.of("GET VARIABLE \"CHANNEL(linkedid)\"", "GET VARIABLE \"IVR_CHOICE\"",
                "GET VARIABLE \"ACCOUNT_NUMBER\""), d.commands().subList(0, 3));
        assertEquals(3 + 9, d.commands().size());
        assertTrue(d.commands().subList(3, 12).stream().allMatch(c -> c.startsWith("SET VARIABLE \"CTI_")));
        assertVipDecision(d);
    }

    /** The captured session of the VIP caller C-1001, with IVR data, while their account manager is available. */
    private FakeAsterisk.Dialog vipCall(AgiConfig agi) throws Exception {
        load.agents.put("PJSIP/agent1", QueueLoad.Availability.AVAILABLE);
        start(directory(), config(300, null), agi);
        try (FakeAsterisk a = asterisk()) {
            a.channelVariables.put("IVR_CHOICE", "1");
            a.channelVariables.put("ACCOUNT_NUMBER", "AC-778");
            return a.run(env("agi_env_local_channel_queue_support.txt"));
        }
    }

    private void assertVipDecision(FakeAsterisk.Dialog d) {
        Map<String, String> v = d.variables();
        assertEquals(List.of("CTI_CALL_ID", "CTI_QUEUE", "CTI_PRIORITY", "CTI_AGENT", "CTI_AGENT_TIMEOUT", "CTI_VIP",
                "CTI_CUSTOMER_ID", "CTI_ROUTE_REASON", "CTI_ROUTE"), List.copyOf(v.keySet()));
        assertEquals("1795458467.0", v.get("CTI_CALL_ID"));
        assertEquals("PJSIP/agent1", v.get("CTI_AGENT"));
        assertEquals("20", v.get("CTI_AGENT_TIMEOUT"));
        assertEquals("1", v.get("CTI_VIP"));
        assertEquals("10", v.get("CTI_PRIORITY"));
        assertEquals("support", v.get("CTI_QUEUE"));
        assertEquals("support", v.get("CTI_ROUTE"));
        assertEquals("C-1001", v.get("CTI_CUSTOMER_ID"));
        assertTrue(v.get("CTI_ROUTE_REASON").contains("account manager PJSIP/agent1"));

        // what the desktop sees: the decision with customer record and IVR data, by Uniqueid and by call id
        RouteDecision byUniqueid = decisions.find("1795458467.1").orElseThrow();
        assertEquals(byUniqueid, decisions.find("1795458467.0").orElseThrow());
        assertEquals("enterprise", byUniqueid.customer().attributes().get("segment"));
        assertEquals(Map.of("IVR_CHOICE", "1", "ACCOUNT_NUMBER", "AC-778"), byUniqueid.ivrData());
        assertEquals("Local/5000@incoming-00000000;2", byUniqueid.channel());
    }

    /** Every character that MSet or res_agi treats specially, and some that neither does. */
    static final String AWKWARD = "C-7, (a=b) [x|y] \"q\" back\\slash {z} : ü";

    @Test
    void awkwardValuesSurviveTheBatchedReadAndWrite() throws Exception {
        FakeAsterisk.Dialog d = sippCallFrom(AWKWARD, Map.of("IVR_CHOICE", "3:)(5:x", "ACCOUNT_NUMBER", AWKWARD));
        assertEquals(2, d.commands().size(), d.commands().toString());
        assertTrue(d.commands().get(1).startsWith("EXEC MSet "), d.commands().toString());
        assertEquals(AWKWARD, d.variables().get("CTI_CUSTOMER_ID"), "as Asterisk's parsers leave it");
        assertEquals(9, d.variables().size(), d.variables().toString());
        assertEquals(Map.of("IVR_CHOICE", "3:)(5:x", "ACCOUNT_NUMBER", AWKWARD),
                decisions.find("1795458467.0").orElseThrow().ivrData());
    }

    /** The captured SIPp session (caller 5551009), the caller being the customer {@code customerId}. */
    private FakeAsterisk.Dialog sippCallFrom(String customerId, Map<String, String> channelVariables)
            throws Exception {
        InMemoryCustomerDirectory dir = directory();
        dir.put(new Customer(customerId, "Odd", List.of("5551009"), "standard", "en", null, null, Map.of()));
        start(dir, config(300, null), AgiConfig.defaults());
        try (FakeAsterisk a = asterisk()) {
            a.channelVariables.putAll(channelVariables);
            return a.run(env("agi_env_pjsip_channel_sipp_call.txt"));
        }
    }

    @Test
    void aReadThatDoesNotSplitFallsBackToOneReadEach() throws Exception {
        start();
        FakeAsterisk.Dialog d;
        try (FakeAsterisk a = asterisk()) {
            a.channelVariables.put("IVR_CHOICE", "2");
            a.override = c -> c.startsWith("GET FULL VARIABLE ") ? List.of("200 result=1 (12:truncated)") : null;
            d = a.run(env("agi_env_pjsip_channel_sipp_call.txt"));
        }
        assertEquals(List.of("GET VARIABLE \"CHANNEL(linkedid)\"", "GET VARIABLE \"IVR_CHOICE\"",
                "GET VARIABLE \"ACCOUNT_NUMBER\""), d.commands().subList(1, 4));
        assertEquals("support-de", d.variables().get("CTI_QUEUE"));
        assertEquals(Map.of("IVR_CHOICE", "2"), decisions.find("1795458467.0").orElseThrow().ivrData());
    }

    @Test
    void valuesTooLongForOneLineGoOneByOne() throws Exception {
        String longId = "C".repeat(VariableBatch.MAX_LINE_BYTES);
        FakeAsterisk.Dialog d = sippCallFrom(longId, Map.of());
        assertEquals(1 + 9, d.commands().size(), "one read, then nine SET VARIABLEs");
        assertEquals(longId, d.variables().get("CTI_CUSTOMER_ID"));
    }

    @Test
    void aDollarInAValueGoesOneByOneBecauseAgiExecFullWouldSubstituteIt() throws Exception {
        FakeAsterisk.Dialog d = sippCallFrom("C-${CALLERID(num)}", Map.of());
        assertEquals(1 + 9, d.commands().size(), "one read, then nine SET VARIABLEs: " + d.commands());
        assertEquals("C-${CALLERID(num)}", d.variables().get("CTI_CUSTOMER_ID"));
    }

    @Test
    void skillsFromTheCapturedSessions() throws Exception {
        start();
        try (FakeAsterisk a = asterisk()) {
            assertEquals("sales", a.run(env("agi_env_local_channel_6000_routed_to_sales.txt")).variables()
                    .get("CTI_QUEUE"));
        }
        try (FakeAsterisk a = asterisk()) {
            Map<String, String> v = a.run(env("agi_env_pjsip_channel_sipp_call.txt")).variables();
            assertEquals("support-de", v.get("CTI_QUEUE"));
            assertEquals("0", v.get("CTI_VIP"));
            assertEquals("", v.get("CTI_AGENT"));
        }
    }

    @Test
    void afterHoursWithAFixedClock() throws Exception {
        // the fixed clock says Monday 10:00 UTC; in Tokyo that is 19:00, after 09:00-18:00
        start(directory(), config(300, new RoutingConfig.Hours("Asia/Tokyo", Map.of("mon-fri", "09:00-18:00"),
                null, "afterhours")), AgiConfig.defaults());
        try (FakeAsterisk a = asterisk()) {
            Map<String, String> v = a.run(env("agi_env_local_channel_6000_routed_to_sales.txt")).variables();
            assertEquals("afterhours", v.get("CTI_QUEUE"));
            assertTrue(v.get("CTI_ROUTE_REASON").contains("outside business hours"), v.get("CTI_ROUTE_REASON"));
        }
    }

    @Test
    void unknownScriptGetsFailureSoAgistatusIsFailure() throws Exception {
        start();
        String env = env("agi_env_pjsip_channel_sipp_call.txt").replace("route", "no-such-script");
        try (FakeAsterisk a = asterisk()) {
            FakeAsterisk.Dialog d = a.run(env);
            assertEquals(List.of("FAILURE"), d.commands());
            assertTrue(d.closedByServer());
        }
    }

    @Test
    void malformedEnvironmentBlockGivesACleanClose() throws Exception {
        start();
        try (FakeAsterisk a = asterisk()) {
            FakeAsterisk.Dialog d = a.run("agi_network: yes\nnot an agi line\n\n");
            assertEquals(List.of(), d.commands());
            assertTrue(d.closedByServer());
        }
        // the server goes on
        try (FakeAsterisk a = asterisk()) {
            assertEquals("support-de", a.run(env("agi_env_pjsip_channel_sipp_call.txt")).variables().get("CTI_QUEUE"));
        }
    }

    @Test
    void hangupMidScriptGivesACleanClose() throws Exception {
        start();
        try (FakeAsterisk a = asterisk()) {
            // the caller hangs up while the server reads the IVR data
            a.override = c -> c.contains("IVR_CHOICE") ? List.of("HANGUP") : null;
            FakeAsterisk.Dialog d = a.run(env("agi_env_pjsip_channel_sipp_call.txt"));
            assertTrue(d.closedByServer());
            assertTrue(d.commands().get(d.commands().size() - 1).contains("IVR_CHOICE"), "nothing after HANGUP: "
                    + d.commands());
            assertTrue(d.variables().isEmpty());
        }
    }

    @Test
    void deadChannelReplyEndsTheScript() throws Exception {
        start();
        try (FakeAsterisk a = asterisk()) {
            a.override = c -> c.startsWith("EXEC MSet ")
                    ? List.of("511 Command Not Permitted on a dead channel or intercept routine") : null;
            FakeAsterisk.Dialog d = a.run(env("agi_env_pjsip_channel_sipp_call.txt"));
            assertTrue(d.closedByServer());
            assertTrue(d.commands().get(d.commands().size() - 1).startsWith("EXEC MSet "), d.commands().toString());
            assertEquals(2, d.commands().size(), "no per-variable retry after 511: " + d.commands());
        }
    }

    @Test
    void usageReplyIsReadWholeAndEndsTheScript() throws Exception {
        start();
        try (FakeAsterisk a = asterisk()) {
            a.override = c -> c.startsWith("GET FULL VARIABLE ") ? List.of(
                    "520-Invalid command syntax.  Proper usage follows:",
                    "Usage: GET FULL VARIABLE <variablename> [<channel name>]",
                    "520 End of proper usage.") : null;
            FakeAsterisk.Dialog d = a.run(env("agi_env_pjsip_channel_sipp_call.txt"));
            assertTrue(d.closedByServer());
            assertEquals(1, d.commands().size());
        }
    }

    @Test
    void aCommandWithoutReplyTimesOutAndCloses() throws Exception {
        start(directory(), config(300, null), new AgiConfig(null, null, null, null, null, null, 200L, null, null,
                null, null, null, null));
        try (FakeAsterisk a = asterisk()) {
            a.override = c -> List.of(); // Asterisk never answers
            FakeAsterisk.Dialog d = a.run(env("agi_env_pjsip_channel_sipp_call.txt"));
            assertTrue(d.closedByServer());
            assertEquals(1, d.commands().size());
            assertTrue(d.millis() < 5_000, "closed after the 200 ms command timeout, took " + d.millis());
        }
    }

    @Test
    void aSilentConnectionIsClosedAfterTheEnvironmentTimeout() throws Exception {
        start(directory(), config(300, null), new AgiConfig(null, null, null, null, null, 150L, null, null, null,
                null, null, null, null));
        try (FakeAsterisk a = asterisk()) {
            FakeAsterisk.Dialog d = a.run("agi_network: yes\n"); // never finishes the block
            assertTrue(d.closedByServer());
        }
    }

    @Test
    void aDeadCrmGivesTheDefaultQueueWithinTheDeadline() throws Exception {
        CustomerDirectory neverAnswers = n -> new CompletableFuture<>();
        start(neverAnswers, config(200, null), AgiConfig.defaults());
        try (FakeAsterisk a = asterisk()) {
            FakeAsterisk.Dialog d = a.run(env("agi_env_local_channel_6000_routed_to_sales.txt"));
            assertEquals("support", d.variables().get("CTI_QUEUE"), "the default, not the skill queue");
            assertTrue(d.variables().get("CTI_ROUTE_REASON").startsWith("no decision within 200 ms"));
            assertTrue(d.millis() < 3_000, "took " + d.millis() + " ms");
        }
    }

    @Test
    void manyConcurrentSessionsUnderLoadWithOverflow() throws Exception {
        // sales has 4 waiting (more than 3): every sales call overflows
        load.queues.put("sales", new QueueLoad.QueueStatus(4, 10, 1, 2));
        load.agents.put("PJSIP/agent1", QueueLoad.Availability.AVAILABLE);
        start();
        Map<String, AtomicInteger> queues = new ConcurrentHashMap<>();
        decisions.addListener(d -> queues.computeIfAbsent(d.queue(), q -> new AtomicInteger()).incrementAndGet());
        try (AgiLoadClient client = new AgiLoadClient(1, 20_000)) {
            AgiLoadClient.Result r = client.runSessions(new InetSocketAddress("127.0.0.1", port), 200, 600, 60_000,
                    n -> AgiLoadClient.envBlock("route", n, n % 2 == 0 ? "6000" : "5000",
                            n % 3 == 0 ? "5551001" : "5551009"),
                    (n, var) -> var.equals("CHANNEL(linkedid)") ? "L" + n : null);
            assertEquals(0, r.rejected(), "no session rejected");
            assertEquals(600, r.completed());
        }
        assertTrue(queues.get("sales-overflow").get() > 0, queues.toString());
        assertEquals(null, queues.get("sales"), "no sales call escaped the overflow: " + queues);
        assertTrue(queues.get("support").get() > 0, queues.toString());
        assertTrue(queues.get("support-de").get() > 0, queues.toString());
        assertEquals(600, queues.values().stream().mapToInt(AtomicInteger::get).sum());
    }
}
