package io.ctiserver.server.web;

import static io.ctiserver.server.web.AgentDesktopBrowserTest.assertNoCriticalViolations;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallView;
import io.ctiserver.events.Party;
import io.ctiserver.server.omni.CustomerLink;
import io.ctiserver.server.omni.OmniService;
import io.ctiserver.server.omni.email.InboundEmail;
import io.ctiserver.server.run.DesktopClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    /** A cell of the media table of a queue's tile: {@code medium} is voice, chat or email; {@code cls} its column. */
    private static String mediaCell(Browser b, String queue, String medium, String cls) {
        return text(b, ".tile[data-queue='" + queue + "'] table.media tr[data-medium='" + medium + "'] ." + cls);
    }

    /**
     * Issue 15: the wallboard shows per queue the chats and emails waiting and in progress, and their service level,
     * beside voice, from the kpi event's {@code media} (and GET /api/kpis when it loads).
     */
    @Test
    void tilesShowChatsAndEmailsBesideTheCalls() throws Exception {
        OmniService omni = web.server.omni().service();
        CustomerLink silent = new CustomerLink() {
            @Override
            public void send(byte[] frame) {
            }

            @Override
            public void close(byte[] lastFrame) {
            }
        };
        List<String> chats = new ArrayList<>();
        for (String name : new String[] {"Eve", "Mia"}) { // the demo's bot first, then a person
            String id = omni.startChat(new OmniService.ChatStart(name, name.toLowerCase() + "@example.com", null,
                    "support"), silent).get(5, TimeUnit.SECONDS);
            omni.customerAsksAgent(id).get(5, TimeUnit.SECONDS);
            chats.add(id);
        }
        String email = omni.emailReceived(new InboundEmail("<wb1@example.net>", null, List.of(), "kim@example.net",
                "Kim", "Invoice", "Hello", Instant.now())).get(5, TimeUnit.SECONDS);
        try (Browser b = new Browser(web.base(), 1280, 800);
             DesktopClient desk = DesktopClient.login(web.port(), "agent203", WebServer.PASSWORD)) {
            b.open("/wallboard");
            b.login("supervisor", WebServer.PASSWORD);
            b.waitUntil("two chats and an email waiting in support", () -> mediaCell(b, "support", "chat", "waiting")
                    .equals("2") && mediaCell(b, "support", "email", "waiting").equals("1"));
            assertEquals("0", mediaCell(b, "support", "chat", "in-progress"));
            assertEquals("support", text(b, ".tile[data-queue='support'] h2"), "chats wait: not 'no one waiting'");
            assertEquals("—", mediaCell(b, "support", "chat", "sl"), "no chat answered yet");
            assertEquals("—", mediaCell(b, "support", "chat", "sl-today"), "nor today");
            assertTrue(text(b, ".tile[data-queue='support'] table.media caption").contains("last 30 min, and today"));
            assertEquals("Today", text(b, ".tile[data-queue='support'] table.media thead th:nth-of-type(5)").trim());
            assertNoCriticalViolations(b, "wallboard with chats and emails");
            assertEquals(List.of(), mediaTableViolations(b), "axe-core on the media tables, every impact");
            b.screenshot("wallboard-media.png");

            // agent203 (a desktop connected) takes one chat, answers and closes it
            String token = web.token("agent203");
            web.command(token, "{\"command\":\"contact.ready\",\"ready\":true,\"queues\":\"support\"}");
            String chat = chats.get(0);
            desk.await(f -> f.path("type").asText().equals("contact.offered")
                    && f.at("/payload/contact/contact/id").asText().equals(chat), Duration.ofSeconds(10), "the offer");
            web.command(token, "{\"command\":\"contact.accept\",\"contactId\":\"" + chat + "\"}");
            b.waitUntil("one chat in progress, one waiting", () -> mediaCell(b, "support", "chat", "in-progress")
                    .equals("1") && mediaCell(b, "support", "chat", "waiting").equals("1"));
            web.command(token, "{\"command\":\"contact.reply\",\"contactId\":\"" + chat + "\",\"text\":\"Hello\"}");
            web.command(token, "{\"command\":\"contact.close\",\"contactId\":\"" + chat + "\",\"disposition\":"
                    + "\"solved\"}");
            b.waitUntil("the chat's service level", () -> mediaCell(b, "support", "chat", "sl").equals("100 %")
                    && mediaCell(b, "support", "chat", "in-progress").equals("0"));
            // today's (since midnight in the KPI zone) beside the window's, from media.today of the kpi event
            b.waitUntil("the chat's service level today", () -> mediaCell(b, "support", "chat", "sl-today")
                    .equals("100 %"));
            assertEquals("—", mediaCell(b, "support", "email", "sl-today"), "no email answered today");
            assertEquals("good", b.js("return document.querySelector(\".tile[data-queue='support'] table.media "
                    + "tr[data-medium='chat'] .sl\").dataset.level;"));
            b.resize(390, 844);
            assertNoCriticalViolations(b, "wallboard with chats and emails, phone width");
            b.resize(1280, 800);

            // leave the shared server as found: the other contacts closed, agent203 not ready
            for (String id : List.of(chats.get(1), email)) {
                web.command(token, "{\"command\":\"contact.accept\",\"contactId\":\"" + id + "\"}");
                web.command(token, "{\"command\":\"contact.close\",\"contactId\":\"" + id
                        + "\",\"disposition\":\"solved\"}");
            }
            web.command(token, "{\"command\":\"contact.ready\",\"ready\":false}");
            b.waitUntil("nothing waiting", () -> mediaCell(b, "support", "chat", "waiting").equals("0")
                    && mediaCell(b, "support", "email", "waiting").equals("0"));
        }
    }

    /** Every axe-core violation (any impact) inside the tiles' media tables; axe is loaded by the critical check. */
    @SuppressWarnings("unchecked")
    private static List<Object> mediaTableViolations(Browser b) {
        return (List<Object>) ((org.openqa.selenium.JavascriptExecutor) b.driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "axe.run({include: [['table.media']]}, {resultTypes: ['violations']})"
                        + ".then(r => done(r.violations.map(v => v.id + ': ' + v.help)))"
                        + ".catch(e => done(['axe-failed: ' + e]));");
    }
}
