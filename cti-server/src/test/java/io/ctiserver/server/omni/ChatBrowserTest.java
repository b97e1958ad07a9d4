package io.ctiserver.server.omni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctiserver.server.gateway.Json;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The customer widget and the agent panel in headless Chromium: a chat from the pre-chat form to the close, with
 * markup in messages both ways shown as text and never run.
 */
class ChatBrowserTest {

    private OmniFixture f;
    private WebDriver browser;

    @BeforeEach
    void start() throws Exception {
        f = new OmniFixture(OmniFixture.config(OmniFixture.chat(), null));
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        browser = new ChromeDriver(service, o);
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        f.close();
    }

    private WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(10));
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    @Test
    void widgetChatWithMarkupBothWaysShownAsText() throws Exception {
        try (Ws ann = f.readyAgent("ann")) {
            browser.get("http://127.0.0.1:" + f.omni.chatPort() + "/chat/");
            browser.findElement(By.cssSelector(".cti-chat .open")).click();
            browser.findElement(By.name("name")).sendKeys("Zoe");
            browser.findElement(By.name("email")).sendKeys("zoe@example.com");
            browser.findElement(By.cssSelector(".cti-chat form button[type=submit]")).click();
            String id = ann.next("contact.offered").at("/payload/contact/contact/id").asText();
            ann.command("a", "{\"command\":\"contact.accept\",\"contactId\":\"" + id + "\"}");
            String evil = "<img src=x onerror=\"window.__pwned=1\"><b>bold</b>";
            ann.command("r", Json.MAPPER.createObjectNode().put("command", "contact.reply").put("contactId", id)
                    .put("text", evil).toString());
            waiting().until(d -> d.findElements(By.cssSelector(".cti-chat li.agent")).size() == 1);
            WebElement line = browser.findElement(By.cssSelector(".cti-chat li.agent"));
            assertTrue(line.getText().contains(evil), line.getText());
            assertEquals(0L, js("return document.querySelectorAll('.cti-chat li img, .cti-chat li b').length;"));
            assertEquals(null, js("return window.__pwned;"));

            WebElement text = browser.findElement(By.cssSelector(".cti-chat textarea"));
            text.sendKeys("<script>window.__pwned2=1</script>hello");
            text.sendKeys(org.openqa.selenium.Keys.ENTER);
            JsonNode got = ann.next(m -> "contact.message".equals(m.path("type").asText())
                    && "customer".equals(m.at("/payload/entry/from").asText()), "customer message");
            assertEquals("<script>window.__pwned2=1</script>hello", got.at("/payload/entry/text").asText());
            waiting().until(d -> d.findElements(By.cssSelector(".cti-chat li.customer")).size() == 1);
            assertEquals(null, js("return window.__pwned2;"));
        }
    }

    @Test
    void agentPanelOffersAcceptsShowsTheTranscriptAsTextAndCloses() throws Exception {
        String token = f.login("ann");
        browser.get("http://127.0.0.1:" + f.gateway.port() + "/");
        // The panel on a CtiClient: the public API a CRM plugin uses too.
        Object mounted = ((JavascriptExecutor) browser).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "Promise.all([import('/js/chat-panel.js'), import('/js/cti-client.js')]).then(([m, c]) => {"
                        + "  const cti = new c.CtiClient({ storage: null, token: arguments[0] });"
                        + "  const el = document.createElement('div'); el.id = 'chats'; document.body.append(el);"
                        + "  cti.once('snapshot').then(() => { m.mountChatPanel(el, cti, { agent: 'ann' });"
                        + "    done('mounted'); });"
                        + "  cti.connect();"
                        + "}).catch(e => done('failed ' + e));", token);
        assertEquals("mounted", mounted);
        browser.findElement(By.xpath("//div[@id='chats']//button[contains(., 'Ready')]")).click();
        waiting().until(d -> "true".equals(d.findElement(By.xpath("//div[@id='chats']//button[contains(., 'Ready')]"))
                .getAttribute("aria-pressed")));
        try (Ws customer = f.startChat("Yann")) {
            waiting().until(d -> !d.findElements(By.cssSelector("#chats .chat-offers li")).isEmpty());
            browser.findElement(By.xpath("//ul[contains(@class,'chat-offers')]//button[.='Accept']")).click();
            customer.message("ann joined");
            customer.send(Json.MAPPER.createObjectNode().put("type", "message").put("text", "<i>hi</i> there")
                    .toString());
            waiting().until(d -> d.findElements(By.cssSelector("#chats [role=log] li.from-customer")).size() == 1);
            assertEquals("Yann: <i>hi</i> there",
                    browser.findElement(By.cssSelector("#chats [role=log] li.from-customer")).getText());
            assertEquals(0L, js("return document.querySelectorAll('#chats [role=log] i').length;"));
            List<WebElement> tabs = browser.findElements(By.cssSelector("#chats [role=tab]"));
            assertEquals(1, tabs.size());
            WebElement reply = browser.findElement(By.cssSelector("#chats [role=tabpanel] textarea"));
            reply.sendKeys("Hello Yann");
            browser.findElement(By.xpath("//section[@role='tabpanel']//form[@aria-label='Reply']//button")).click();
            assertEquals("Hello Yann", customer.message("Hello Yann").path("text").asText());
            browser.findElement(By.xpath("//section[@role='tabpanel']//form[@aria-label='Close']//button")).click();
            customer.next("closed");
            waiting().until(d -> d.findElements(By.cssSelector("#chats [role=tab]")).isEmpty());
        }
    }
}
