package io.ctiserver.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctiserver.events.CallView;
import io.ctiserver.server.gateway.commands.DispositionStore;
import io.ctiserver.server.run.DemoServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The CRM plugin printed in docs/js-client.md, taken from the page as it stands, runs against the demo server in
 * Chromium: it logs in through its own prompts, opens the CRM page of the caller as the phone rings (one reused
 * window named "crm"), says who is ringing, and sets the disposition when the call ends. Served, as the docs say,
 * from a {@code staticDir}: the bundled web tree plus the plugin's page.
 */
class CrmPluginExampleBrowserTest {

    /** The first ```html block under the heading "A CRM plugin that pops a URL". */
    static String example() throws Exception {
        Path doc = Path.of(System.getProperty("user.dir")).resolve("../docs/js-client.md").normalize();
        String md = Files.readString(doc, StandardCharsets.UTF_8);
        int section = md.indexOf("## A CRM plugin that pops a URL");
        assertTrue(section >= 0, "the example's heading is in " + doc);
        int start = md.indexOf("```html\n", section);
        int end = md.indexOf("```", start + 8);
        assertTrue(start > 0 && end > start, "an html block under the heading");
        return md.substring(start + 8, end);
    }

    @Test
    void theDocumentedPluginPopsTheCrmPageAndSetsTheDisposition() throws Exception {
        String page = example();
        long scriptLines = page.substring(page.indexOf("<script type=\"module\">"), page.indexOf("</script>"))
                .lines().count() - 1;
        assertTrue(scriptLines <= 32, "the plugin's script is about 30 lines: " + scriptLines);

        Path dir = Files.createTempDirectory("cti-crm-plugin-");
        Path bundled = Path.of(CrmPluginExampleBrowserTest.class.getResource("/web/index.html").toURI()).getParent();
        try (var files = Files.walk(bundled)) {
            for (Path p : files.toList()) {
                Path to = dir.resolve(bundled.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        Files.writeString(dir.resolve("crm-pop.html"), page);
        ObjectNode config = DemoServers.config();
        config.withObject("/gateway").put("staticDir", dir.toString());

        try (WebServer web = new WebServer(config); Browser b = new Browser(web.base(), 1280, 800)) {
            // Agent 204 lets sales calls ring out: agent 203 answers.
            web.server.simulator().setAgentBehaviour("Local/204@agents/n", "noanswer", 600);
            // Before any script of the page: the plugin's prompts are answered, and window.open is recorded (the
            // CRM's site is not reachable from the test).
            b.driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                    "const answers = ['agent203', '" + WebServer.PASSWORD + "']; window.prompt = () => answers.shift();"
                            + "window.__opened = []; window.open = (url, name) => { window.__opened.push([url, name]);"
                            + " return null; };"));
            b.open("/crm-pop.html");
            b.waitUntil("the plugin logged in and its link is up", () -> "CTI link: connected".equals(status(b)));

            web.server.simulator().placeInboundCall("5551009", "6000", "1", 2, 0);
            b.waitUntil("the CRM page of the caller opened", () -> opened(b).contains(
                    List.of("https://crm.example.com/customers/C-1009?phone=5551009", "crm")));
            assertTrue(status(b).startsWith("Ringing: "), status(b));
            CallView call = web.server.state().calls().stream().filter(c -> "5551009".equals(c.callerNumber()))
                    .findFirst().orElse(null);
            if (call != null) { // still up: the name the plugin shows is the call's
                assertEquals("Ringing: " + (call.callerName() != null ? call.callerName() : "5551009"), status(b));
            }

            // The call ends after 2 s of talk: the plugin sets its disposition.
            DispositionStore.Disposition d = null;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (d == null && System.nanoTime() < deadline) {
                d = web.server.gateway().dispositions().recent().stream()
                        .filter(x -> "agent203".equals(x.agent())).findFirst().orElse(null);
                Thread.sleep(100);
            }
            assertTrue(d != null, "the plugin's disposition was never stored; status: " + status(b));
            assertEquals("Information", d.code());
            assertTrue(d.resolved());
            assertEquals(1, opened(b).size(), "one pop for one call: " + opened(b));
            assertTrue(status(b).startsWith("Ringing: "), "no error shown: " + status(b));
        }
    }

    private static String status(Browser b) {
        return b.driver.findElement(By.id("status")).getText();
    }

    @SuppressWarnings("unchecked")
    private static List<List<String>> opened(Browser b) {
        return (List<List<String>>) b.js("return window.__opened;");
    }
}
