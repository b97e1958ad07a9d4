package io.ctiserver.server.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by its own chromedriver: both paths are set explicitly so that Selenium Manager
 * never downloads a browser. A missing browser fails the test with what to install.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CTI_CHROMIUM", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CTI_CHROMEDRIVER", "/usr/bin/chromedriver"));

    final ChromeDriver driver;
    private final Path profile;
    private final String base;

    Browser(String base, int width, int height) {
        for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
            if (!Files.isExecutable(p)) {
                throw new AssertionError("The browser tests need Chromium and its driver: " + p + " is missing. "
                        + "Install them with `apt-get install chromium chromium-driver` (or run .ci/install-deps), "
                        + "or point CTI_CHROMIUM / CTI_CHROMEDRIVER at them.");
            }
        }
        this.base = base;
        try {
            this.profile = Files.createTempDirectory("cti-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--window-size=" + width + "," + height,
                "--hide-scrollbars", "--force-device-scale-factor=1");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        this.driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        driver.manage().window().setSize(new Dimension(width, height));
    }

    void open(String path) {
        driver.get(base + path);
    }

    /** Logs in through the page's form. */
    void login(String user, String password) {
        WebElement form = waitFor(() -> visible(By.id("login")));
        form.findElement(By.id("login-user")).sendKeys(user);
        form.findElement(By.id("login-password")).sendKeys(password);
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waitUntil("the link is up after login", () -> "connected".equals(linkState()));
    }

    /** Logs in with the keyboard alone: the page puts the focus on the user name; Tab, the password, Enter. */
    void loginByKeyboard(String user, String password) {
        waitFor(() -> visible(By.id("login")));
        waitUntil("the user name field has the focus", () -> "login-user".equals(js("return document.activeElement.id;")));
        new Actions(driver).sendKeys(user).sendKeys(Keys.TAB).sendKeys(password).sendKeys(Keys.ENTER).perform();
        waitUntil("the link is up after login", () -> "connected".equals(linkState()));
    }

    String linkState() {
        return driver.findElement(By.id("link")).getAttribute("data-state");
    }

    WebElement visible(By by) {
        List<WebElement> found = driver.findElements(by);
        return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
    }

    <T> T waitFor(Supplier<T> what) {
        return new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(RuntimeException.class)
                .until(d -> what.get());
    }

    void waitUntil(String what, Supplier<Boolean> condition) {
        try {
            new WebDriverWait(driver, Duration.ofSeconds(20)).ignoring(RuntimeException.class)
                    .until(d -> Boolean.TRUE.equals(condition.get()));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("timed out waiting until " + what + "; messages on the page: " + messages(), e);
        }
    }

    /** The texts in the page's message area (errors and notes). */
    List<String> messages() {
        List<String> out = new ArrayList<>();
        for (WebElement m : driver.findElements(By.cssSelector("#messages .msg-text"))) {
            out.add(m.getText());
        }
        return out;
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** Runs axe-core (the copy inside com.deque.html.axe-core:selenium) in the page; returns the critical violations. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> criticalAccessibilityViolations() {
        String axe;
        try (InputStream in = Browser.class.getResourceAsStream("/axe.min.js")) {
            if (in == null) {
                throw new AssertionError("axe.min.js is not on the test class path (com.deque.html.axe-core:selenium)");
            }
            axe = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        js(axe);
        Object result = ((JavascriptExecutor) driver).executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "axe.run(document, {resultTypes: ['violations']})"
                        + ".then(r => done(r.violations.filter(v => v.impact === 'critical')"
                        + ".map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}))))"
                        + ".catch(e => done([{id: 'axe-failed', help: String(e)}]));");
        return (List<Map<String, Object>>) result;
    }

    /**
     * Saves a PNG of the viewport to target/screenshots/NAME; with {@code -Dscreenshots.docs=true}, to the
     * repository's docs/images/NAME instead (how the docs' pictures are refreshed: a normal test run must not change
     * tracked files).
     */
    void screenshot(String name) {
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        Path module = Path.of(System.getProperty("user.dir"));
        Path dir = Boolean.getBoolean("screenshots.docs") ? module.resolve("../docs/images").normalize()
                : module.resolve("target/screenshots");
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve(name), png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (var walk = Files.walk(profile)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temp dir left behind is harmless
            }
        }
    }
}
