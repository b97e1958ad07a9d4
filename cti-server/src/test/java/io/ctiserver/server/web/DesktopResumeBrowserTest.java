package io.ctiserver.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.events.CallView;
import io.ctiserver.server.run.DemoServers;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The network under the desktop fails in the middle of traffic: the page shows the lost link at once, reconnects,
 * resumes its session, and afterwards shows exactly the server's calls: none twice, none missing, none stale.
 */
class DesktopResumeBrowserTest {

    @SuppressWarnings("unchecked")
    private static List<String> cardIds(Browser b) {
        return (List<String>) b.js("return [...document.querySelectorAll('#cards article.call')].map(c => c.dataset.callId);");
    }

    private static Set<String> serverIds(WebServer web) {
        return web.server.state().calls().stream().map(CallView::callId).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void afterTheLinkIsCutMidTrafficThePageShowsTheServersCallsOnceEach() throws Exception {
        try (WebServer web = new WebServer();
             LinkCutter cutter = new LinkCutter(web.port());
             Browser b = new Browser("http://127.0.0.1:" + cutter.port(), 1280, 800)) {
            b.open("/");
            b.login("supervisor", WebServer.PASSWORD);
            String session = (String) b.js("return window.__ctiDesk.client.sessionId;");

            // Traffic: a call every 250 ms, talking 1 to 4 s, so calls start and end all through the outage.
            AtomicBoolean flowing = new AtomicBoolean(true);
            AtomicInteger placed = new AtomicInteger();
            Thread traffic = new Thread(() -> {
                while (flowing.get()) {
                    int n = placed.incrementAndGet();
                    web.server.simulator().placeInboundCall("555" + (3000 + n), n % 2 == 0 ? "5000" : "6000", "1",
                            1 + (n % 4), 0);
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "test-traffic");
            traffic.start();
            try {
                b.waitUntil("calls on the page", () -> cardIds(b).size() >= 3);
                Set<String> beforeCut = new HashSet<>(cardIds(b));

                cutter.cut();
                b.waitUntil("the lost link is shown", () -> "reconnecting".equals(b.linkState()));
                String shown = b.driver.findElement(By.id("link")).getText();
                assertTrue(shown.startsWith("Link lost"), shown);
                Thread.sleep(3000); // traffic goes on while the desktop is away
                Set<String> duringCut = serverIds(web);
                cutter.restore();
                b.waitUntil("the link is back", () -> "connected".equals(b.linkState())
                        || "resynced".equals(b.linkState()));
                assertEquals(session, b.js("return window.__ctiDesk.client.sessionId;"), "the session was resumed");
                assertEquals("connected", b.linkState(), "resumed from the buffer, no resync needed");

                // Something happened while away: calls on the page before the cut ended, new ones began.
                Set<String> endedWhileAway = new HashSet<>(beforeCut);
                endedWhileAway.removeAll(serverIds(web));
                assertFalse(endedWhileAway.isEmpty(), "no call ended during the outage; the test proves nothing");
                Set<String> newWhileAway = new HashSet<>(duringCut);
                newWhileAway.removeAll(beforeCut);
                assertFalse(newWhileAway.isEmpty(), "no call began during the outage; the test proves nothing");
            } finally {
                flowing.set(false);
                traffic.join();
            }
            // Traffic stopped: the page and the server agree, twice in a row, with no card shown twice.
            b.waitUntil("the page shows the server's calls", () -> {
                List<String> ids = cardIds(b);
                return ids.size() == new HashSet<>(ids).size() && new TreeSet<>(ids).equals(serverIds(web));
            });
            Thread.sleep(1000);
            List<String> ids = cardIds(b);
            assertEquals(ids.size(), new HashSet<>(ids).size(), "a card shown twice: " + ids);
            assertEquals(serverIds(web), new TreeSet<>(ids));
            assertTrue(placed.get() > 10, "traffic flowed: " + placed.get() + " calls");
        }
    }

    /**
     * An outage longer than the server can replay (here a resume buffer of 4 events): the client retries with its
     * backoff (0.25, 0.5, 1, 2 s ... with ±25 % jitter), then gets a snapshot with {@code resync: true}; the page says
     * "Connected (resynced)" and shows the server's calls.
     */
    @Test
    @SuppressWarnings("unchecked")
    void whenTheServerCannotReplayThePageRetriesWithBackoffAndResyncs() throws Exception {
        ObjectNode config = DemoServers.config();
        config.withObject("/gateway").put("resumeBufferEvents", 4);
        try (WebServer web = new WebServer(config);
             LinkCutter cutter = new LinkCutter(web.port());
             Browser b = new Browser("http://127.0.0.1:" + cutter.port(), 1280, 800)) {
            b.open("/");
            b.login("supervisor", WebServer.PASSWORD);
            b.js("window.__links = []; window.__ctiDesk.client.on('link', e => window.__links.push("
                    + "{state: e.state, attempt: e.attempt, delayMs: e.delayMs}));");

            cutter.cut();
            b.waitUntil("the lost link is shown", () -> "reconnecting".equals(b.linkState()));
            for (int i = 0; i < 6; i++) { // far more events than the 4 the session may replay
                web.server.simulator().placeInboundCall("555" + (5000 + i), "5000", "1", 600, 0);
            }
            String retries = "return window.__links.filter(l => l.state === 'reconnecting' && l.delayMs !== undefined);";
            b.waitUntil("three retries", () -> ((List<?>) b.js(retries)).size() >= 3);
            b.waitUntil("the server has the six calls", () -> serverIds(web).size() == 6);
            cutter.restore();
            b.waitUntil("the page resynced", () -> "resynced".equals(b.linkState()));
            assertEquals("Connected (resynced)", b.driver.findElement(By.id("link")).getText());

            List<Map<String, Object>> tries = (List<Map<String, Object>>) b.js(retries);
            long[] base = {250, 500, 1000, 2000, 4000};
            for (int i = 0; i < Math.min(tries.size(), base.length); i++) {
                long delay = ((Number) tries.get(i).get("delayMs")).longValue();
                assertEquals(i + 1, ((Number) tries.get(i).get("attempt")).intValue(), tries.toString());
                assertTrue(delay >= base[i] * 3 / 4 && delay <= base[i] * 5 / 4,
                        "retry " + (i + 1) + " after " + delay + " ms, not " + base[i] + " ms ±25 %: " + tries);
            }
            b.waitUntil("the page shows the server's six calls", () -> {
                List<String> ids = cardIds(b);
                return ids.size() == new HashSet<>(ids).size() && new TreeSet<>(ids).equals(serverIds(web));
            });
        }
    }
}
