package io.ctiserver.server.web;

import static io.ctiserver.server.web.AgentDesktopBrowserTest.assertNoCriticalViolations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallView;
import io.ctiserver.events.Party;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** The supervisor wallboard in headless Chromium: tiles that move with the simulator's traffic, and barge. */
class WallboardBrowserTest {

    private static WebServer web;

    @BeforeAll
    static void start() throws Exception {
        web = new WebServer();
    }

    @AfterAll
    static void stop() {
        if (web != null) {
            web.close();
        }
    }

    /** Read in one script: the tiles are redrawn every second, so element references go stale. */
    private static String text(Browser b, String css) {
        Object t = b.js("const e = document.querySelector(arguments[0]); return e ? e.textContent : null;", css);
        if (t == null) {
            throw new AssertionError("nothing at " + css);
        }
        return t.toString();
    }

    private static String figure(Browser b, String queue, String cls) {
        return text(b, ".tile[data-queue='" + queue + "'] ." + cls + " dd");
    }

    private static String agentsLine(Browser b, String queue) {
        return text(b, ".tile[data-queue='" + queue + "'] .agents-line");
    }

    /** The "handled today" cell of an agent's row in the grid. */
    private static int handled(Browser b, String ext) {
        return Integer.parseInt(text(b, "#agents tr[data-iface='Local/" + ext + "@agents/n'] td:nth-of-type(4)").trim());
    }

    /** The sales queue's Erlang C figures in GET /api/kpis (null before the window has an answered call). */
    private static JsonNode salesStaffing(String token) {
        try {
            for (JsonNode q : web.get(token, "/api/kpis").get("queues")) {
                if (q.get("queue").asText().equals("sales")) {
                    return q.get("staffing");
                }
            }
            return null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void tilesFollowTheTrafficAndTheSupervisorBargesIntoACall() throws Exception {
        try (Browser b = new Browser(web.base(), 1280, 800)) {
            b.open("/wallboard");
            b.login("supervisor", WebServer.PASSWORD);
            b.waitUntil("a tile for support with nobody waiting", () -> figure(b, "support", "waiting").equals("0"));
            assertTrue(agentsLine(b, "support").contains("on call 0"), agentsLine(b, "support"));

            // One short sales call, answered at once and ended: the sales tile gets its service level (coloured
            // against the 80 % target), ASA, and Erlang C's agents needed against the agents staffed, as the KPI
            // engine has them; the grid counts the call for the agent who took it.
            web.server.simulator().placeInboundCall("5552009", "6000", "1", 1, 0);
            String supervisor = web.token("supervisor");
            b.waitUntil("the sales call was answered and ended", () -> figure(b, "sales", "answered").equals("1"));
            b.waitUntil("the tile shows Erlang C as the KPI engine has it", () -> {
                JsonNode staffing = salesStaffing(supervisor);
                return staffing != null && !staffing.isNull() && ("Agents needed (Erlang C): "
                        + staffing.get("agentsNeeded").asInt() + " — staffed: " + staffing.get("agentsStaffed").asInt())
                        .equals(text(b, ".tile[data-queue='sales'] .staffing"));
            });
            assertEquals("100 %", figure(b, "sales", "sl"));
            assertEquals("good", b.js("return document.querySelector(\".tile[data-queue='sales'] .sl\").dataset.level;"));
            assertEquals("rgb(29, 107, 51)", b.js("return getComputedStyle(document.querySelector("
                    + "\".tile[data-queue='sales'] .sl dd\")).color;"), "green: at or above the target");
            assertTrue(figure(b, "sales", "asa").matches("\\d+:\\d\\d"), figure(b, "sales", "asa"));
            assertEquals("0 %", figure(b, "sales", "abandon"));
            b.waitUntil("the grid counts the call for the agent who took it", () -> handled(b, "203") + handled(b, "204") == 1);
            b.waitUntil("the chart draws the service level, its latest value at 100 %", () -> !b.driver.findElements(
                    By.cssSelector("#chart svg polyline.sl-line")).isEmpty() && "10.0".equals(b.js(
                    "return document.querySelector('#chart svg circle.sl-now').getAttribute('cy');")));

            // Two support agents take two calls; the next two wait.
            for (String caller : new String[] {"5552001", "5552002", "5552003", "5552004"}) {
                web.server.simulator().placeInboundCall(caller, "5000", "1", 600, 0);
            }
            b.waitUntil("two calls waiting in support", () -> figure(b, "support", "waiting").equals("2"));
            b.waitUntil("two agents on call in support", () -> agentsLine(b, "support").contains("on call 2"));
            b.waitUntil("the longest wait counts up", () -> !figure(b, "support", "longest").equals("0:00"));
            b.waitUntil("the chart draws calls waiting", () -> !b.driver.findElements(
                    By.cssSelector("#chart svg polyline.wait-line")).isEmpty());

            assertNoCriticalViolations(b, "wallboard");
            b.screenshot("wallboard.png");
            b.resize(390, 844);
            assertNoCriticalViolations(b, "wallboard, phone width");
            b.screenshot("wallboard-phone.png");
            b.resize(1280, 800);

            // Barge from the agent grid into Agent 201's call.
            WebElement barge = b.waitFor(() -> {
                WebElement e = b.driver.findElement(By.cssSelector("button[aria-label='Barge Agent 201']"));
                return e.isEnabled() ? e : null;
            });
            String callId = web.server.state().agents().stream()
                    .filter(a -> a.iface().equals("Local/201@agents/n")).findFirst().orElseThrow().callId();
            CallView call = web.server.state().call(callId).orElseThrow();
            String agentChannel = call.parties().stream().filter(p -> p.role() == Party.Role.AGENT)
                    .map(Party::channel).findFirst().orElseThrow();
            barge.click();
            AmiMessage spy = web.awaitAction("Originate of ChanSpy", m -> "Originate".equals(m.action())
                    && "ChanSpy".equals(m.get("Application")));
            assertEquals("PJSIP/supervisor", spy.get("Channel"));
            assertEquals(agentChannel + ",qBE", spy.get("Data"));
            b.waitUntil("the barge is confirmed", () -> b.messages().stream().anyMatch(m -> m.contains("Barge: Agent 201")));

            // An agent on the wallboard sees their own row, and a barge is refused in words.
            try (Browser agent = new Browser(web.base(), 1280, 800)) {
                agent.open("/wallboard");
                agent.login("agent201", WebServer.PASSWORD);
                WebElement own = agent.waitFor(() -> {
                    WebElement e = agent.driver.findElement(By.cssSelector("button[aria-label='Barge Agent 201']"));
                    return e.isEnabled() ? e : null;
                });
                own.click();
                agent.waitUntil("the refusal is shown", () -> agent.messages().stream().anyMatch(
                        m -> m.startsWith("Barge Agent 201 failed: forbidden: only supervisors")));
            }

            // Pause an agent from the grid: QueuePause for that agent's interface with the chosen reason.
            b.driver.findElement(By.cssSelector("#sup-reason option[value='Coaching']")).click();
            b.driver.findElement(By.cssSelector("button[aria-label='Pause Agent 204']")).click();
            AmiMessage pause = web.awaitAction("QueuePause", m -> "QueuePause".equals(m.action())
                    && "Local/204@agents/n".equals(m.get("Interface")));
            assertEquals("true", pause.get("Paused"));
            assertEquals("Coaching", pause.get("Reason"));
            b.waitUntil("Agent 204 shows paused", () -> "paused".equals(b.driver.findElement(
                    By.cssSelector("#agents tr[data-iface='Local/204@agents/n']")).getAttribute("data-state")));

            // Log out from the grid: QueueRemove of the agent from each of its queues. The demo's members are static
            // (queues.conf), which app_queue refuses to remove: the refusal is shown in Asterisk's words.
            b.driver.findElement(By.cssSelector("button[aria-label='Log out Agent 204']")).click();
            AmiMessage remove = web.awaitAction("QueueRemove", m -> "QueueRemove".equals(m.action())
                    && "Local/204@agents/n".equals(m.get("Interface")));
            assertEquals("sales", remove.get("Queue"));
            b.waitUntil("the refusal is shown in words", () -> b.messages().contains("Log Agent 204 out of sales failed:"
                    + " pbx_refused: the PBX refused QueueRemove (Asterisk: Unable to remove interface: It is not a"
                    + " dynamic member)"));
        }
    }
}
