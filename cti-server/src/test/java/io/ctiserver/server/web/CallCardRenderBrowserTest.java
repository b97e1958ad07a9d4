package io.ctiserver.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A call card renders within 100 ms of its WebSocket event with 50 calls on screen, measured in the browser: the
 * client stamps each message with performance.now() as it arrives; the desktop records the time again once the card
 * is in the DOM and at the next animation frame (the frame that paints it).
 */
class CallCardRenderBrowserTest {

    @Test
    @SuppressWarnings("unchecked")
    void aNewCallCardRendersWithin100msWithFiftyCallsOnScreen() throws Exception {
        try (WebServer web = new WebServer();
             Browser b = new Browser(web.base(), 1280, 800)) {
            b.open("/");
            b.login("admin", WebServer.PASSWORD);
            for (int i = 0; i < 50; i++) {
                web.server.simulator().placeInboundCall("555" + (4000 + i), "5000", "1", 600, 0);
            }
            b.waitUntil("50 call cards", () -> ((Number) b.js(
                    "return document.querySelectorAll('#cards article.call').length;")).intValue() == 50);
            b.js("window.__ctiDesk.renders.length = 0;");
            for (int i = 0; i < 10; i++) {
                String number = "555" + (4100 + i);
                web.server.simulator().placeInboundCall(number, "5000", "1", 600, 0);
                b.waitUntil("the card of " + number, () -> (Boolean) b.js("return [...document.querySelectorAll("
                        + "'#cards .caller-number')].some(e => e.textContent === arguments[0]);", number));
                Thread.sleep(200);
            }
            b.waitUntil("ten measured first renders", () -> ((Number) b.js("return window.__ctiDesk.renders"
                    + ".filter(r => r.type === 'call.offered' && r.frameMs !== undefined).length;")).intValue() >= 10);
            List<Map<String, Object>> renders = (List<Map<String, Object>>) b.js(
                    "return window.__ctiDesk.renders.filter(r => r.type === 'call.offered');");
            double worst = 0;
            for (Map<String, Object> r : renders) {
                assertTrue(((Number) r.get("cards")).intValue() >= 50, "cards on screen: " + r);
                worst = Math.max(worst, ((Number) r.get("frameMs")).doubleValue());
            }
            System.out.printf("call card render, event to next frame, with 50+ cards: worst %.1f ms of %d: %s%n",
                    worst, renders.size(), renders);
            assertTrue(worst < 100, "a card took " + worst + " ms to render: " + renders);
            assertEquals(60, ((Number) b.js("return document.querySelectorAll('#cards article.call').length;")).intValue());

            // A VIP customer (John Doe, tier gold in the demo's customer list): the badge on that card alone.
            web.server.simulator().placeInboundCall("5551001", "5000", "1", 600, 0);
            b.waitUntil("the VIP badge on the card of 5551001", () -> (Boolean) b.js("return [...document"
                    + ".querySelectorAll('#cards article.call')].some(c => c.querySelector('.caller-number').textContent"
                    + " === '5551001' && c.querySelector('.badge.vip') !== null);"));
            assertEquals(1, ((Number) b.js("return document.querySelectorAll('#cards .badge.vip').length;")).intValue());
        }
    }
}
