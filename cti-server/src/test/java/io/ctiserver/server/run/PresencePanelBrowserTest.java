package io.ctiserver.server.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.deque.html.axecore.results.Results;
import com.deque.html.axecore.selenium.AxeBuilder;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The presence panel module (web/js/presence-panel.js) in headless Chromium against the whole server: a small harness
 * page mounts it on a CtiClient (cti-client.js); the panel subscribes, lists the lines, filters by name, and its Call
 * button sends phone.dial, which rings the dialled extension in the simulator. Accessibility checked with axe-core.
 */
class PresencePanelBrowserTest {

    private static final String PASSWORD = "panel-pass";
    private static CtiServer server;
    private static WebDriver browser;
    private static Path site;

    /** The harness: mounts the panel on a CtiClient, the public API a CRM plugin uses too. */
    private static final String HARNESS = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Presence panel</title></head>
            <body>
            <main><h1>Desk</h1><div id="presence"></div></main>
            <script type="module">
            import { CtiClient } from './js/cti-client.js';
            import { mountPresencePanel } from './js/presence-panel.js';
            const q = new URLSearchParams(location.search);
            const cti = new CtiClient({ storage: null });
            window.cti = cti;
            await cti.login(q.get('u'), q.get('p'));
            cti.once('snapshot').then(() => {
              window.panel = mountPresencePanel(document.querySelector('#presence'), cti,
                { names: { 'PJSIP/201': 'Anna (201)', 'PJSIP/202': 'Ben (202)' } });
            });
            cti.connect();
            </script>
            </body>
            </html>
            """;

    @BeforeAll
    static void start() throws Exception {
        site = Files.createTempDirectory("presence-panel");
        Files.createDirectories(site.resolve("js"));
        for (String module : List.of("presence-panel.js", "cti-client.js")) {
            try (InputStream in = PresencePanelBrowserTest.class.getResourceAsStream("/web/js/" + module)) {
                if (in == null) {
                    throw new AssertionError("web/js/" + module + " is not on the classpath");
                }
                Files.write(site.resolve("js/" + module), in.readAllBytes());
            }
        }
        Files.writeString(site.resolve("index.html"), HARNESS);
        ObjectNode root = DemoServers.withPassword(DemoServers.config(), PASSWORD);
        root.withObject("/gateway").put("staticDir", site.toString());
        server = DemoServers.start(root);
        ChromeOptions options = new ChromeOptions();
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
        browser = new ChromeDriver(options);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (site != null) {
            try (var walk = Files.walk(site)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void listsFiltersAndCallsFromALine() {
        browser.get("http://127.0.0.1:" + server.gateway().port() + "/index.html?u=agent1&p=" + PASSWORD);
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        wait.until(d -> d.findElements(By.cssSelector("li.presence-line[data-id='PJSIP/201']")).size() == 1);
        WebElement anna = browser.findElement(By.cssSelector("li.presence-line[data-id='PJSIP/201']"));
        assertTrue(anna.getText().startsWith("Anna (201): Available"), anna.getText());
        assertTrue(browser.findElements(By.cssSelector("li.presence-line")).size() >= 5);
        // The client library keeps the same lines as its live state (cti.presence), by pbx and id.
        assertEquals(true, ((org.openqa.selenium.JavascriptExecutor) browser).executeScript(
                "return window.cti.presence.size === document.querySelectorAll('li.presence-line').length"
                        + " && window.cti.presence.get('demo|PJSIP/201').state === 'not_in_use';"));

        browser.findElement(By.cssSelector("input[type=search]")).sendKeys("anna");
        List<WebElement> shown = browser.findElements(By.cssSelector("li.presence-line"));
        assertEquals(1, shown.size());

        shown.get(0).findElement(By.cssSelector("button[aria-label='Call Anna (201)']")).click();
        wait.until(d -> d.findElement(By.cssSelector("[role=status]")).getText().equals("Calling Anna (201)."));
        // phone.dial for agent1: its Yealink answers by itself, then 201 is dialled (Local/201@agents).
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (server.simulator().channels().stream().noneMatch(c -> c.startsWith("Local/201@agents-"))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("201 was never dialled: " + server.simulator().channels());
            }
            Thread.onSpinWait();
        }
        // The panel follows presence: agent1's own line turns in use.
        browser.findElement(By.cssSelector("input[type=search]")).sendKeys(Keys.chord(Keys.CONTROL, "a"),
                Keys.BACK_SPACE);
        wait.until(d -> d.findElement(By.cssSelector("li.presence-line[data-id='PJSIP/agent1']")).getText()
                .contains("On a call"));

        Results axe = new AxeBuilder().analyze(browser);
        assertTrue(axe.getViolations().isEmpty(), () -> "accessibility violations: " + axe.getViolations().stream()
                .map(v -> v.getId() + ": " + v.getHelp()).toList());
    }
}
