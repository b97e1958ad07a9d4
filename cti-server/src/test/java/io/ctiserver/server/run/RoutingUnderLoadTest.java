package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.events.CallOffered;
import io.ctiserver.events.CallView;
import io.ctiserver.server.config.ServerConfig;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Routing rules on the simulator's random traffic, through the whole server: the simulated dialplan asks FastAGI,
 * applies the answer, and the tracker shows where each call really queued and why.
 */
class RoutingUnderLoadTest {

    /** Simulated seconds per wall second: a busy minute of traffic in a few seconds. */
    private static final double SPEED = 20;

    @Test
    void skillsChooseTheQueueAndABusyQueueOverflows() throws Exception {
        ObjectNode root = busyCentre();
        ObjectNode routing = root.withObject("/routing");
        ArrayNode skills = routing.putArray("skills");
        skills.addObject().put("queue", "sales").putObject("when").put("ivr.IVR_CHOICE", "2");
        routing.putArray("overflow").addObject().put("queue", "support").put("maxWaiting", 1).put("target", "sales");

        List<CallView> queued = run(root);

        Map<String, List<CallView>> byChoice = queued.stream()
                .collect(Collectors.groupingBy(c -> c.data().getOrDefault("IVR_CHOICE", "")));
        List<CallView> choseSales = byChoice.getOrDefault("2", List.of());
        List<CallView> choseOther = queued.stream().filter(c -> !"2".equals(c.data().get("IVR_CHOICE"))).toList();
        assertTrue(choseSales.size() >= 5 && choseOther.size() >= 5, "both IVR choices were made: " + byChoice.keySet());
        for (CallView c : choseSales) {
            assertEquals("sales", c.queue(), "IVR choice 2 goes to sales: " + c.data());
            assertTrue(reason(c).contains("skill rule"), reason(c));
        }
        List<CallView> overflowed = choseOther.stream().filter(c -> reason(c).contains("overflow")).toList();
        List<CallView> stayed = choseOther.stream().filter(c -> !reason(c).contains("overflow")).toList();
        assertTrue(!overflowed.isEmpty() && !stayed.isEmpty(),
                "under load some support calls overflow and some do not: " + overflowed.size() + "/" + stayed.size());
        overflowed.forEach(c -> assertEquals("sales", c.queue(), reason(c)));
        stayed.forEach(c -> assertEquals("support", c.queue(), reason(c)));
    }

    @Test
    void onAHolidayEveryCallGoesToTheAfterHoursQueue() throws Exception {
        ObjectNode root = busyCentre();
        ObjectNode hours = root.withObject("/routing").putObject("hours");
        hours.put("timeZone", "UTC").put("afterHoursQueue", "sales");
        hours.putObject("weekly").put("mon-sun", "00:00-23:59");
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        hours.putArray("holidays").add(today.minusDays(1).toString()).add(today.toString())
                .add(today.plusDays(1).toString());

        List<CallView> queued = run(root);

        assertTrue(queued.size() >= 10, "calls were queued: " + queued.size());
        for (CallView c : queued) {
            assertEquals("sales", c.queue(), reason(c));
            assertTrue(reason(c).contains("holiday"), reason(c));
        }
    }

    /** The demo centre with brisk random traffic, long calls and two IVR choices. */
    private static ObjectNode busyCentre() {
        ObjectNode root = DemoServers.config();
        root.withObject("/sim").put("speed", SPEED).put("seed", 7L).put("arrivalsPerSecond", 1.0)
                .put("meanHandleSeconds", 120.0).put("meanPatienceSeconds", 600.0)
                .put("outboundShare", 0.0).put("internalShare", 0.0).put("trafficSeconds", 60.0);
        root.withObject("/sim").putArray("ivrChoices").add("1").add("2");
        return root;
    }

    /** Runs the traffic and returns every inbound call as it joined its queue. */
    private static List<CallView> run(ObjectNode root) throws Exception {
        List<CallView> queued = new CopyOnWriteArrayList<>();
        try (CtiServer server = CtiServer.start(ServerConfig.of(root))) {
            server.tracker(CtiServer.DEMO_PBX).addListener(e -> {
                if (e instanceof CallOffered o && o.agentInterface() == null
                        && o.call().data().containsKey("CTI_ROUTE_REASON")) {
                    queued.add(o.call());
                }
            });
            // 60 simulated seconds of traffic at 20x, plus room for a slow machine.
            long simStart = server.simulator().now();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (server.simulator().now() - simStart < 65_000 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        }
        return queued;
    }

    private static String reason(CallView c) {
        return c.data().getOrDefault("CTI_ROUTE_REASON", "");
    }
}
