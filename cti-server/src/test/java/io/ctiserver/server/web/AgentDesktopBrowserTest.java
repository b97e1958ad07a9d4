package io.ctiserver.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.ami.AmiMessage;
import io.ctiserver.events.CallEnded;
import io.ctiserver.events.CallRecord;
import io.ctiserver.events.CallView;
import io.ctiserver.events.Party;
import io.ctiserver.server.gateway.commands.AuditLog;
import io.ctiserver.server.gateway.commands.DispositionStore;
import io.ctiserver.server.run.CtiServer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

/**
 * The agent desktop in headless Chromium against the real server and its simulator: the screen pop with the caller's
 * data, hold and retrieve, hang up, the disposition, a blind transfer. Each command is checked where it lands: as
 * the AMI action the simulator received, and the disposition in the store and the KPIs.
 */
class AgentDesktopBrowserTest {

    private static WebServer web;
    /** The records of the calls that ended, as the tracker hands them to every listener. */
    private static final Map<String, CallRecord> ENDED = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        web = new WebServer();
        web.server.tracker(CtiServer.DEMO_PBX).addListener(e -> {
            if (e instanceof CallEnded ended) {
                ENDED.put(ended.record().callId(), ended.record());
            }
        });
        // Agent 204 lets the sales calls ring out, so agent 203 takes them.
        web.server.simulator().setAgentBehaviour("Local/204@agents/n", "noanswer", 600);
    }

    @AfterAll
    static void stop() {
        if (web != null) {
            web.close();
        }
    }

    private static WebElement card(Browser b, String callerNumber) {
        return b.waitFor(() -> b.driver.findElements(By.cssSelector("#cards article.call")).stream()
                .filter(c -> c.findElement(By.className("caller-number")).getText().equals(callerNumber))
                .findFirst().orElse(null));
    }

    private static String stateOf(WebElement card) {
        return card.findElement(By.cssSelector(".call-head .badge[data-state]")).getAttribute("data-state");
    }

    private static WebElement button(WebElement in, String text) {
        return in.findElement(By.xpath(".//button[normalize-space()='" + text + "']"));
    }

    private static String channel(CallView c, Party.Role role) {
        return c.parties().stream().filter(p -> p.role() == role).map(Party::channel).findFirst()
                .orElseThrow(() -> new AssertionError("no " + role + " in " + c));
    }

    @Test
    void theAgentGetsThePopHoldsRetrievesHangsUpAndSetsADisposition() throws Exception {
        try (Browser b = new Browser(web.base(), 1280, 800)) {
            b.open("/");
            b.login("agent203", WebServer.PASSWORD);
            b.waitUntil("agent 203 shows as available", () -> "available".equals(
                    b.driver.findElement(By.id("agent-state")).getAttribute("data-state")));
            assertEquals("sales", b.driver.findElement(By.id("my-queues")).getText());

            // Pause with a reason from the configured list, then available again.
            new Select(b.driver.findElement(By.id("pause-reason"))).selectByVisibleText("Lunch");
            b.driver.findElement(By.id("pause")).click();
            // (Lunch: other tests of this class pause with the first reason, Break.)
            AmiMessage pause = web.awaitAction("QueuePause (pause)", m -> "QueuePause".equals(m.action())
                    && "true".equals(m.get("Paused")) && "Lunch".equals(m.get("Reason")));
            assertEquals("Local/203@agents/n", pause.get("Interface"));
            assertEquals("Lunch", pause.get("Reason"));
            b.waitUntil("the state bar shows the pause and its reason", () -> "paused".equals(
                    b.driver.findElement(By.id("agent-state")).getAttribute("data-state"))
                    && b.driver.findElement(By.id("agent-reason")).getText().equals("(Lunch)"));
            b.driver.findElement(By.id("available")).click();
            b.waitUntil("available again", () -> "available".equals(
                    b.driver.findElement(By.id("agent-state")).getAttribute("data-state")));

            // Asterisk's refusal reaches the agent in words: agent 203 is already in sales.
            new Select(b.driver.findElement(By.id("queue-pick"))).selectByValue("sales");
            b.driver.findElement(By.id("queue-login")).click();
            String refusal = "Log in to sales failed: pbx_refused: the PBX refused QueueAdd"
                    + " (Asterisk: Unable to add interface: Already there)";
            b.waitUntil("the refusal is shown in Asterisk's words", () -> b.messages().contains(refusal));
            assertEquals("pbx_refused", b.driver.findElement(By.cssSelector("#messages .msg.error"))
                    .getAttribute("data-code"));
            b.driver.findElement(By.cssSelector("#messages .msg.error button")).click(); // dismissed

            web.server.simulator().placeInboundCall("5551009", "6000", "1", 600, 0);
            WebElement card = card(b, "5551009");
            String callId = card.getAttribute("data-call-id");
            // The pop: the customer record, the IVR data and routing reason, the queue, the CRM link.
            String text = card.getText();
            assertTrue(text.contains("Sven Berg"), text);
            assertTrue(text.contains("C-1009"), text);
            assertTrue(text.contains("skill rule 1"), "routing reason: " + text);
            assertTrue(text.contains("IVR choice\n1") || text.matches("(?s).*IVR choice\\s+1.*"), text);
            assertEquals("sales", card.findElement(By.xpath(".//dt[.='Queue']/following-sibling::dd[1]")).getText());
            assertTrue(card.findElement(By.xpath(".//dt[.='Waited']/following-sibling::dd[1]")).getText()
                    .matches("\\d+:\\d\\d"), "the wait in the queue: " + text);
            assertEquals("https://crm.example.com/customers/C-1009?phone=5551009",
                    card.findElement(By.className("crm-link")).getAttribute("href"));
            b.waitUntil("the call is answered", () -> "connected".equals(stateOf(card(b, "5551009"))));

            assertNoCriticalViolations(b, "agent desktop with a call");
            b.screenshot("agent-desktop.png");
            b.resize(390, 844);
            assertNoCriticalViolations(b, "agent desktop, phone width");
            b.screenshot("agent-desktop-phone.png");
            b.resize(1280, 800);

            CallView call = web.server.state().call(callId).orElseThrow();
            String caller = channel(call, Party.Role.CALLER);
            String agent = channel(call, Party.Role.AGENT);

            // Hold and retrieve from the keyboard: Enter on Hold, and the focus moves to Retrieve for the way back.
            button(card(b, "5551009"), "Hold").sendKeys(Keys.ENTER);
            AmiMessage hold = web.awaitAction("Redirect (hold)", m -> "Redirect".equals(m.action())
                    && caller.equals(m.get("Channel")));
            assertEquals("cti-hold", hold.get("Context"));
            assertEquals("hold", hold.get("Exten"));
            assertEquals(agent, hold.get("ExtraChannel"));
            assertEquals("wait", hold.get("ExtraExten"));

            b.waitUntil("the focus is on Retrieve", () -> "Retrieve".equals(
                    b.js("return document.activeElement.textContent;")));
            new Actions(b.driver).sendKeys(Keys.SPACE).perform();
            AmiMessage bridge = web.awaitAction("Bridge (retrieve)", m -> "Bridge".equals(m.action()));
            assertEquals(agent, bridge.get("Channel1"));
            assertEquals(caller, bridge.get("Channel2"));
            // The simulator bridges them again as Asterisk 22 does (capture R1): the retrieve succeeds.
            AuditLog.Entry unhold = awaitAudit("unhold");
            assertEquals("ok", unhold.result(), "unhold: " + unhold.detail());
            b.waitFor(() -> {
                WebElement h = button(card(b, "5551009"), "Hold");
                return h.isDisplayed() ? h : null;
            });

            button(card(b, "5551009"), "Hang up").click();
            AmiMessage hangup = web.awaitAction("Hangup", m -> "Hangup".equals(m.action()));
            assertEquals(agent, hangup.get("Channel"));
            b.waitUntil("the card goes when the call ends", () -> b.driver.findElements(
                    By.cssSelector("#cards article.call[data-call-id='" + callId + "']")).isEmpty());

            // The call's record has the hold (the tracker reads R1's hold and the Bridge's return).
            b.waitUntil("the call's record", () -> ENDED.containsKey(callId));
            CallRecord record = ENDED.get(callId);
            assertTrue(record.holds().size() == 1, "the record shows the hold: " + record);

            WebElement form = b.waitFor(() -> b.visible(By.cssSelector("form.disposition[data-call-id='" + callId + "']")));
            new Select(form.findElement(By.name("code"))).selectByVisibleText("Complaint");
            form.findElement(By.name("resolved")).click();
            new Select(form.findElement(By.name("outcome"))).selectByValue("sale"); // sales queue: outcome asked
            form.findElement(By.name("amount")).sendKeys("149.90");
            form.findElement(By.name("notes")).sendKeys("Wants a callback on Monday");
            button(form, "Save disposition").click();
            b.waitUntil("the form goes once saved", () -> b.driver.findElements(
                    By.cssSelector("form.disposition[data-call-id='" + callId + "']")).isEmpty());

            DispositionStore.Disposition d = web.server.gateway().dispositions().recent().stream()
                    .filter(x -> x.callId().equals(callId)).findFirst()
                    .orElseThrow(() -> new AssertionError("disposition not stored"));
            assertEquals("Complaint", d.code());
            assertTrue(d.resolved());
            assertEquals("Wants a callback on Monday", d.notes());
            assertEquals("agent203", d.agent());
            assertEquals("sale", d.outcome(), "the sales outcome is stored with the disposition");
            assertEquals(new java.math.BigDecimal("149.90"), d.amount(), "and the sale's amount");
            // The KPI engine counts it (first-call resolution): visible to a supervisor through GET /api/kpis.
            String supervisor = web.token("supervisor");
            long deadline = System.nanoTime() + 10_000_000_000L;
            JsonNode sales = null;
            while (System.nanoTime() < deadline) {
                sales = null;
                for (JsonNode q : web.get(supervisor, "/api/kpis").get("queues")) {
                    if (q.get("queue").asText().equals("sales")) {
                        sales = q.path("today");
                    }
                }
                if (sales != null && sales.path("dispositions").asLong() >= 1) {
                    break;
                }
                Thread.sleep(200);
            }
            assertTrue(sales != null && sales.path("dispositions").asLong() == 1
                    && sales.path("resolved").asLong() == 1, "the KPIs count the disposition: " + sales);
            String recent = b.driver.findElement(By.id("recent-calls")).getText();
            assertTrue(recent.contains("5551009") && recent.contains("Complaint"), recent);

            // Click-to-dial from the recent calls: the agent's device is rung, then the number.
            b.driver.findElement(By.cssSelector("#recent-calls button[aria-label='Call back 5551009']")).click();
            AmiMessage dial = web.awaitAction("Originate (click-to-dial)", m -> "Originate".equals(m.action())
                    && "5551009".equals(m.get("Exten")));
            assertEquals("Local/203@agents/n", dial.get("Channel"));
            assertEquals("from-agents", dial.get("Context"));
            // The dialled call shows on the desktop; the agent hangs it up from there.
            WebElement out = b.waitFor(() -> b.driver.findElements(By.cssSelector("#cards article.call")).stream()
                    .filter(c -> c.getText().contains("5551009")).findFirst().orElse(null));
            String outId = out.getAttribute("data-call-id");
            b.waitUntil("the dialled call can be hung up", () -> {
                WebElement h = button(b.driver.findElement(
                        By.cssSelector("#cards article.call[data-call-id='" + outId + "']")), "Hang up");
                h.click();
                return true;
            });
            b.waitUntil("the dialled call ends", () -> web.server.state().call(outId).isEmpty());

            // Click-to-dial from the number field.
            b.driver.findElement(By.id("dial-number")).sendKeys("5551234" + Keys.ENTER);
            AmiMessage typed = web.awaitAction("Originate (number field)", m -> "Originate".equals(m.action())
                    && "5551234".equals(m.get("Exten")));
            assertEquals("Local/203@agents/n", typed.get("Channel"));
            WebElement typedCard = b.waitFor(() -> b.driver.findElements(By.cssSelector("#cards article.call")).stream()
                    .filter(c -> c.getText().contains("5551234")).findFirst().orElse(null));
            String typedId = typedCard.getAttribute("data-call-id");
            b.waitUntil("the typed call can be hung up", () -> {
                button(b.driver.findElement(By.cssSelector("#cards article.call[data-call-id='" + typedId + "']")),
                        "Hang up").click();
                return true;
            });
            b.waitUntil("the typed call ends", () -> web.server.state().call(typedId).isEmpty());

            // A fresh tab (no calls of this session): the agent's recent calls come from the history API, with
            // the stored disposition.
            b.js("sessionStorage.removeItem('cti.recentCalls');");
            b.driver.navigate().refresh();
            b.waitUntil("the recent calls from the history API", () -> {
                String rows = b.driver.findElement(By.id("recent-calls")).getText();
                return rows.contains("5551009") && rows.contains("Complaint");
            });
            assertTrue(b.driver.findElements(By.cssSelector("#recent-calls tr")).stream()
                    .noneMatch(r -> r.getText().isBlank()), "no empty row in the recent calls");

            // The customer calls again: the card lists their earlier call with its disposition.
            web.server.simulator().placeInboundCall("5551009", "6000", "1", 600, 0);
            b.waitUntil("the customer's recent calls on the card", () -> {
                WebElement again = b.driver.findElements(By.cssSelector("#cards article.call")).stream()
                        .filter(c -> !c.getAttribute("data-call-id").equals(callId)
                                && c.getText().contains("5551009")).findFirst().orElse(null);
                return again != null && again.findElement(By.className("call-history")).getText()
                        .contains("Complaint");
            });
            WebElement again = card(b, "5551009");
            String againId = again.getAttribute("data-call-id");
            b.waitUntil("the second call is answered", () -> "connected".equals(stateOf(card(b, "5551009"))));
            button(card(b, "5551009"), "Hang up").click();
            b.waitUntil("the second call ends", () -> web.server.state().call(againId).isEmpty());
        }
    }

    @Test
    void aBlindTransferToATargetFromTheDirectoryReachesThePbx() throws Exception {
        try (Browser b = new Browser(web.base(), 1280, 800)) {
            b.open("/");
            b.login("agent203", WebServer.PASSWORD);
            web.server.simulator().placeInboundCall("5551006", "6000", "1", 600, 0);
            b.waitUntil("the call is answered", () -> "connected".equals(stateOf(card(b, "5551006"))));
            String callId = card(b, "5551006").getAttribute("data-call-id");
            String agent = channel(web.server.state().call(callId).orElseThrow(), Party.Role.AGENT);

            WebElement c = card(b, "5551006");
            String caller = channel(web.server.state().call(callId).orElseThrow(), Party.Role.CALLER);
            // Recording and a tone from the keypad go to the customer's channel.
            button(c, "Start recording").click();
            AmiMessage rec = web.awaitAction("MixMonitor", m -> "MixMonitor".equals(m.action()));
            assertEquals(caller, rec.get("Channel"));
            WebElement stop = b.waitFor(() -> {
                WebElement e = button(card(b, "5551006"), "Stop recording");
                return e.isDisplayed() ? e : null;
            });
            assertTrue(card(b, "5551006").getText().contains("recording"), "the card shows the recording");
            stop.click();
            AmiMessage stopRec = web.awaitAction("StopMixMonitor", m -> "StopMixMonitor".equals(m.action()));
            assertEquals(caller, stopRec.get("Channel"));
            b.waitFor(() -> {
                WebElement e = button(card(b, "5551006"), "Start recording");
                return e.isDisplayed() ? e : null;
            });
            c.findElement(By.cssSelector("details.dtmf summary")).click();
            c.findElement(By.cssSelector("button[aria-label='Send tone 5']")).click();
            AmiMessage tone = web.awaitAction("PlayDTMF", m -> "PlayDTMF".equals(m.action()));
            assertEquals(caller, tone.get("Channel"));
            assertEquals("5", tone.get("Digit"));

            c.findElement(By.cssSelector("details.dir summary")).click();
            // The directory lists the other agents with their state; picking one fills the target.
            WebElement entry = b.waitFor(() -> c.findElements(By.cssSelector("details.dir li button")).stream()
                    .filter(e -> e.getText().startsWith("204: Agent 204")).findFirst().orElse(null));
            entry.click();
            assertEquals("204", c.findElement(By.cssSelector("input.target")).getAttribute("value"));
            button(c, "Blind transfer").click();
            AmiMessage t = web.awaitAction("BlindTransfer", m -> "BlindTransfer".equals(m.action()));
            assertEquals(agent, t.get("Channel"));
            assertEquals("204", t.get("Exten"));
            assertEquals("transfer-targets", t.get("Context"));
            b.waitUntil("the transferred call leaves the agent's screen", () -> b.driver.findElements(
                    By.cssSelector("#cards article.call[data-call-id='" + callId + "']")).isEmpty());
            assertTrue(b.messages().stream().noneMatch(m -> m.contains("failed")), b.messages().toString());
        }
    }

    @Test
    void anAttendedTransferIsStartedAndTheConsultationCancelledFromTheCard() throws Exception {
        try (Browser b = new Browser(web.base(), 1280, 800)) {
            b.open("/");
            b.loginByKeyboard("agent203", WebServer.PASSWORD);
            web.server.simulator().placeInboundCall("5552100", "6000", "1", 600, 0);
            b.waitUntil("the call is answered", () -> "connected".equals(stateOf(card(b, "5552100"))));
            String callId = card(b, "5552100").getAttribute("data-call-id");
            String agent = channel(web.server.state().call(callId).orElseThrow(), Party.Role.AGENT);
            WebElement c = card(b, "5552100");
            assertTrue(!button(c, "Complete transfer").isEnabled() && !button(c, "Cancel consultation").isEnabled(),
                    "nothing to complete or cancel before a consultation");
            c.findElement(By.cssSelector("input.target")).sendKeys("3");
            button(c, "Attended transfer").click();
            AmiMessage atxfer = web.awaitAction("Atxfer", m -> "Atxfer".equals(m.action()));
            assertEquals(agent, atxfer.get("Channel"));
            assertEquals("3", atxfer.get("Exten"));
            b.waitUntil("the consultation leg is up", () -> web.server.state().call(callId).map(v -> v.parties()
                    .stream().anyMatch(p -> p.role() == Party.Role.TRANSFER_TARGET)).orElse(false));
            String consult = channel(web.server.state().call(callId).orElseThrow(), Party.Role.TRANSFER_TARGET);
            WebElement cancel = b.waitFor(() -> {
                WebElement e = button(card(b, "5552100"), "Cancel consultation");
                return e.isEnabled() ? e : null;
            });
            cancel.click();
            AmiMessage hangup = web.awaitAction("Hangup of the consultation leg", m -> "Hangup".equals(m.action())
                    && consult.equals(m.get("Channel")));
            assertEquals(consult, hangup.get("Channel"));
            b.waitUntil("the agent is back with the customer", () -> web.server.state().call(callId).map(v -> v.parties()
                    .stream().noneMatch(p -> p.role() == Party.Role.TRANSFER_TARGET)).orElse(false));
            assertTrue(b.messages().stream().noneMatch(m -> m.contains("failed")), b.messages().toString());

            // Conference: the customer and the agent are redirected into the call's room.
            String caller = channel(web.server.state().call(callId).orElseThrow(), Party.Role.CALLER);
            button(card(b, "5552100"), "Conference").click();
            AmiMessage conf = web.awaitAction("Redirect into the conference", m -> "Redirect".equals(m.action())
                    && "cti-conference".equals(m.get("Context")));
            assertEquals(caller, conf.get("Channel"));
            assertEquals(agent, conf.get("ExtraChannel"));
            assertEquals("cti-conference", conf.get("ExtraContext"));
            assertEquals(conf.get("Exten"), conf.get("ExtraExten"), "both in the same room");
            // The simulator's room is a Wait that ends by itself: the agent's line is free again afterwards.
            awaitNoChannel("Local/203@agents", 60);

            // A second call: attended transfer completed from the card (Hangup of the agent's leg); the call leaves
            // the agent's screen and its disposition is asked at once.
            web.server.simulator().placeInboundCall("5552101", "6000", "1", 600, 0);
            b.waitUntil("the second call is answered", () -> "connected".equals(stateOf(card(b, "5552101"))));
            String secondId = card(b, "5552101").getAttribute("data-call-id");
            String secondAgent = channel(web.server.state().call(secondId).orElseThrow(), Party.Role.AGENT);
            card(b, "5552101").findElement(By.cssSelector("input.target")).sendKeys("3");
            button(card(b, "5552101"), "Attended transfer").click();
            b.waitUntil("the second consultation leg is up", () -> web.server.state().call(secondId).map(v -> v
                    .parties().stream().anyMatch(p -> p.role() == Party.Role.TRANSFER_TARGET)).orElse(false));
            WebElement complete = b.waitFor(() -> {
                WebElement e = button(card(b, "5552101"), "Complete transfer");
                return e.isEnabled() ? e : null;
            });
            int hangupsBefore = hangupsOf(secondAgent);
            complete.click();
            b.waitUntil("Hangup of the agent's leg reaches the PBX", () -> hangupsOf(secondAgent) > hangupsBefore);
            b.waitUntil("the transferred call leaves the agent's screen", () -> b.driver.findElements(
                    By.cssSelector("#cards article.call[data-call-id='" + secondId + "']")).isEmpty());
            b.waitFor(() -> b.visible(By.cssSelector("form.disposition[data-call-id='" + secondId + "']")));
            assertTrue(web.server.state().call(secondId).map(v -> v.parties().stream()
                    .anyMatch(p -> p.role() == Party.Role.TRANSFER_TARGET)).orElse(false),
                    "the customer stays on the call, with the target: " + web.server.state().call(secondId));
            assertTrue(b.messages().stream().noneMatch(m -> m.contains("failed")), b.messages().toString());
        }
    }

    private static int hangupsOf(String channel) {
        return (int) web.server.simulator().receivedActions().stream()
                .filter(m -> "Hangup".equals(m.action()) && channel.equals(m.get("Channel"))).count();
    }

    private static void awaitNoChannel(String prefix, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (web.server.simulator().channels().stream().anyMatch(c -> c.startsWith(prefix))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("channels of " + prefix + " still up: " + web.server.simulator().channels());
            }
            Thread.sleep(100);
        }
    }

    /**
     * The demo agents have no configured queues (configured ones would subscribe them to every call of the queue):
     * the picker offers the queues the PBX has the agent in, follows a change made by a supervisor, keeps a queue
     * logged out of so that the agent can log back in, and the agent still sees only their own calls.
     */
    @Test
    void theQueuePickerOffersThePbxQueuesOfTheAgentWithoutTheCallsOfOthers() throws Exception {
        String token = web.token("agent201");
        assertEquals(0, web.get(token, "/api/queues").size(), "demo-like: agent201 has no configured queues");
        String supervisor = web.token("supervisor");
        try (Browser b = new Browser(web.base(), 1280, 800)) {
            b.open("/");
            b.login("agent201", WebServer.PASSWORD);
            b.waitUntil("the picker offers support, where the PBX has agent 201", () -> pickerQueues(b)
                    .equals(List.of("support (logged in)")));

            // A supervisor adds agent 201 to sales (a dynamic member): the picker follows the agent's state.
            web.command(supervisor, "{\"command\":\"queue.login\",\"queue\":\"sales\",\"agent\":\"agent201\"}");
            b.waitUntil("the picker offers sales too", () -> pickerQueues(b)
                    .equals(List.of("sales (logged in)", "support (logged in)")));

            // Pop isolation: paused, agent 201 never sees the sales call that agent 203 answers.
            new Select(b.driver.findElement(By.id("pause-reason"))).selectByVisibleText("Break");
            b.driver.findElement(By.id("pause")).click();
            b.waitUntil("agent 201 is paused", () -> "paused".equals(
                    b.driver.findElement(By.id("agent-state")).getAttribute("data-state")));
            web.server.simulator().placeInboundCall("5553301", "6000", "1", 8, 0);
            CallView other = awaitConnected("5553301");
            assertEquals("Local/203@agents/n", other.agentInterface());
            assertEquals(0L, b.js("return window.__ctiDesk.client.calls.size;"), "agent 201 sees another's call");
            assertEquals(0L, b.js("return window.__ctiDesk.client.queues.length;"), "no queue subscription");
            assertTrue(b.driver.findElements(By.cssSelector("#cards article.call")).isEmpty());
            b.waitUntil("the sales call ends", () -> web.server.state().call(other.callId()).isEmpty());
            assertTrue(b.driver.findElements(By.cssSelector("#cards article.call")).isEmpty());
            b.driver.findElement(By.id("available")).click();
            b.waitUntil("available again", () -> "available".equals(
                    b.driver.findElement(By.id("agent-state")).getAttribute("data-state")));

            // Out of sales from the picker (QueueRemove); sales stays in the picker to log back in (QueueAdd).
            new Select(b.driver.findElement(By.id("queue-pick"))).selectByValue("sales");
            b.driver.findElement(By.id("queue-logout")).click();
            AmiMessage remove = web.awaitAction("QueueRemove", m -> "QueueRemove".equals(m.action())
                    && "Local/201@agents/n".equals(m.get("Interface")));
            assertEquals("sales", remove.get("Queue"));
            b.waitUntil("agent 201 is out of sales, which the picker still offers", () -> "support".equals(
                    b.driver.findElement(By.id("my-queues")).getText())
                    && pickerQueues(b).equals(List.of("sales", "support (logged in)")));
            java.util.function.Supplier<List<AmiMessage>> adds = () -> web.server.simulator().receivedActions().stream()
                    .filter(m -> "QueueAdd".equals(m.action()) && "Local/201@agents/n".equals(m.get("Interface")))
                    .toList();
            int addsBefore = adds.get().size(); // the supervisor's
            b.driver.findElement(By.id("queue-login")).click();
            b.waitUntil("agent 201's own QueueAdd reaches the PBX", () -> adds.get().size() > addsBefore);
            AmiMessage add = adds.get().get(addsBefore);
            assertEquals("sales", add.get("Queue"));
            b.waitUntil("agent 201 is in sales again", () -> pickerQueues(b)
                    .equals(List.of("sales (logged in)", "support (logged in)")));
            assertNoCriticalViolations(b, "agent desktop with the queue picker");

            // Leave agent 201 as the other tests expect it: in support only.
            b.driver.findElement(By.id("queue-logout")).click();
            b.waitUntil("agent 201 is out of sales", () -> "support".equals(
                    b.driver.findElement(By.id("my-queues")).getText()));
        }
    }

    private static List<String> pickerQueues(Browser b) {
        return b.driver.findElements(By.cssSelector("#queue-pick option")).stream().map(WebElement::getText).toList();
    }

    /** Waits until the caller's call is connected to an agent; returns it. */
    private static CallView awaitConnected(String callerNumber) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (CallView c : web.server.state().calls()) {
                if (callerNumber.equals(c.callerNumber()) && c.agentInterface() != null
                        && c.parties().stream().anyMatch(p -> p.role() == Party.Role.AGENT)) {
                    return c;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the call from " + callerNumber + " was never answered: "
                + web.server.state().calls());
    }

    private static AuditLog.Entry awaitAudit(String command) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            List<AuditLog.Entry> all = web.server.gateway().audit().recent();
            for (int j = all.size() - 1; j >= 0; j--) {
                if (all.get(j).command().equals(command)) {
                    return all.get(j);
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + command + " in the audit log");
    }

    static void assertNoCriticalViolations(Browser b, String where) {
        List<Map<String, Object>> v = b.criticalAccessibilityViolations();
        assertTrue(v.isEmpty(), "critical accessibility violations on " + where + ": " + v);
    }
}
