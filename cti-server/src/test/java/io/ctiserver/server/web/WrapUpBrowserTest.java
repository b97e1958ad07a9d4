package io.ctiserver.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.server.config.ServerConfig;
import io.ctiserver.server.run.DemoServers;
import io.ctiserver.server.sim.SimConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The state bar's wrap-up. With the shipped queues ({@code wrapuptime = 0}) and the server's wrap-up on, the agent's
 * state turns to wrap-up when the call ends, the timer counts, and "End wrap-up" ends it: the state bar is back to
 * available long before the wrap-up's 60 s. With app_queue's own {@code wrapuptime} (30 s in sales) instead, the
 * state bar counts it too and "End wrap-up" reaches the PBX, which cannot end that rest.
 */
class WrapUpBrowserTest {

    private static String text(Browser b, String id) {
        return b.driver.findElement(By.id(id)).getText();
    }

    private static String state(Browser b) {
        return b.driver.findElement(By.id("agent-state")).getAttribute("data-state");
    }

    @Test
    void endWrapUpEndsTheServersWrapUpAndTheStateBarIsAvailableAgain() throws Exception {
        ObjectNode config = DemoServers.config(); // the simulator's queues as shipped: wrapuptime 0
        config.putObject("wrapUp").put("seconds", 60);
        try (WebServer web = new WebServer(config); Browser b = new Browser(web.base(), 1280, 800)) {
            web.server.simulator().setAgentBehaviour("Local/204@agents/n", "noanswer", 600);
            b.open("/");
            b.login("agent203", WebServer.PASSWORD);
            b.waitUntil("the state bar shows available", () -> "available".equals(state(b)));

            web.server.simulator().placeInboundCall("5551009", "6000", "1", 1, 0); // talks 1 s
            b.waitUntil("the state bar shows the wrap-up with its timer", () -> "wrap_up".equals(state(b))
                    && b.driver.findElement(By.id("wrapup")).isDisplayed()
                    && text(b, "wrapup-timer").matches("\\d+:\\d\\d"));
            AmiMessage pause = web.awaitAction("the server's wrap-up pause", m -> "QueuePause".equals(m.action())
                    && "true".equals(m.get("Paused")) && "wrap-up".equals(m.get("Reason")));
            assertEquals("Local/203@agents/n", pause.get("Interface"));
            String first = text(b, "wrapup-timer");
            b.waitUntil("the wrap-up timer counts", () -> !text(b, "wrapup-timer").equals(first));

            long clicked = System.nanoTime();
            b.driver.findElement(By.id("end-wrapup")).click();
            web.awaitAction("QueuePause (wrapup.end)", m -> "QueuePause".equals(m.action())
                    && "wrap-up ended".equals(m.get("Reason")));
            b.waitUntil("the state bar is back to available", () -> "available".equals(state(b))
                    && !b.driver.findElement(By.id("wrapup")).isDisplayed());
            assertTrue(System.nanoTime() - clicked < 30_000_000_000L, "ended by the button, not by the 60 s");
            assertTrue(b.messages().stream().noneMatch(m -> m.contains("failed")), b.messages().toString());
        }
    }

    @Test
    void appQueuesOwnWrapuptimeIsCountedToo() throws Exception {
        ObjectNode config = DemoServers.config();
        List<SimConfig.QueueConfig> queues = SimConfig.demo().queues().stream()
                .map(q -> !q.name().equals("sales") ? q : new SimConfig.QueueConfig(q.name(), q.strategy(),
                        q.timeout(), q.retry(), 30, q.maxWait(), q.members()))
                .toList();
        config.withObject("/sim").set("queues", ServerConfig.mapper().valueToTree(queues));
        try (WebServer web = new WebServer(config); Browser b = new Browser(web.base(), 1280, 800)) {
            web.server.simulator().setAgentBehaviour("Local/204@agents/n", "noanswer", 600);
            b.open("/");
            b.login("agent203", WebServer.PASSWORD);
            assertTrue(b.driver.findElement(By.id("wrapup")).getAttribute("hidden") != null, "no wrap-up before a call");

            web.server.simulator().placeInboundCall("5551009", "6000", "1", 1, 0); // talks 1 s
            b.waitUntil("the state bar shows the wrap-up with its timer", () -> "wrap_up".equals(
                    b.driver.findElement(By.id("agent-state")).getAttribute("data-state"))
                    && b.driver.findElement(By.id("wrapup")).isDisplayed()
                    && text(b, "wrapup-timer").matches("\\d+:\\d\\d"));
            String first = text(b, "wrapup-timer");
            b.waitUntil("the wrap-up timer counts", () -> !text(b, "wrapup-timer").equals(first));

            b.driver.findElement(By.id("end-wrapup")).click();
            AmiMessage end = web.awaitAction("QueuePause (wrapup.end)", m -> "QueuePause".equals(m.action())
                    && "wrap-up ended".equals(m.get("Reason")));
            assertEquals("Local/203@agents/n", end.get("Interface"));
            assertEquals("false", end.get("Paused"));
            assertTrue(b.messages().stream().noneMatch(m -> m.contains("failed")), b.messages().toString());
        }
    }
}
