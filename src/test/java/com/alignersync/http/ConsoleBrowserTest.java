package com.alignersync.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.alignersync.app.Daemon;
import com.alignersync.config.DaemonConfig;
import com.alignersync.support.OpsServers;
import com.alignersync.status.StatusSource;
import com.alignersync.sink.support.H2ClinicTarget;
import com.alignersync.source.poll.support.FakePostgrest;
import com.alignersync.support.PortalPostgres;
import com.alignersync.support.TestDaemonConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status console in a real headless Chromium against a running daemon (real Postgres for
 * CDC, the PostgREST stand-in for the poller, an H2 clinic): the page renders its cards, shows
 * the real counts once an edit went through, lists a dead letter with its reason, replays it
 * with the secret typed into the page, and leaves screenshots in {@code target/} for people.
 *
 * <p>Uses Debian's {@code chromium} and {@code chromium-driver} (installed by {@code .ci/run});
 * both paths are given explicitly so Selenium Manager never downloads a browser or driver.
 */
class ConsoleBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final String SECRET = "console-test-secret-0123456789";
    private static final String REST_KEY = "sb_secret_console_test";
    private static final Duration WAIT = Duration.ofSeconds(60);

    static PortalPostgres portal;
    static FakePostgrest rest;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void startPortal() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's headless browser: apt-get install -y chromium chromium-driver (.ci/run installs them)");
        portal = PortalPostgres.startSetUp();
        rest = FakePostgrest.start(portal.dataSource(), REST_KEY);
    }

    @AfterAll
    static void stopPortal() throws Exception {
        if (rest != null) {
            rest.close();
        }
        if (portal != null) {
            portal.close();
        }
    }

    private DaemonConfig config(H2ClinicTarget target) {
        return TestDaemonConfig.of(target.jdbcUrl(), dataDir, portal, rest, REST_KEY, SECRET, "console_test", Map.of());
    }

    private static ChromeDriver browser() {
        // An explicit driver and browser: Selenium Manager has nothing to look up or download.
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1500",
                "--disable-gpu", "--no-first-run", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /**
     * The visible text of the first match, read in one script call: the page redraws its cards
     * every few seconds, so an element found in one call may be gone by the next.
     */
    private static String text(ChromeDriver browser, String css) {
        Object text = browser.executeScript("var e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : '';", css);
        return String.valueOf(text);
    }

    private static String attribute(ChromeDriver browser, String css, String name) {
        Object value = browser.executeScript("var e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
                css, name);
        return value == null ? null : String.valueOf(value);
    }

    private static void waitFor(ChromeDriver browser, String what, java.util.function.Function<ChromeDriver, Boolean> condition) {
        new WebDriverWait(browser, WAIT, Duration.ofMillis(200)).withMessage(what).until(d -> condition.apply((ChromeDriver) d));
    }

    private static void screenshot(ChromeDriver browser, String name) throws Exception {
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", name);
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void theConsoleShowsRealCountsAfterAnEditAndReplaysADeadLetterWithTheSecretTypedIn() throws Exception {
        portal.execute("TRUNCATE aligner_notes, aligner_batches");
        portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days) VALUES (12044, 3187, 14)");
        try (H2ClinicTarget target = new H2ClinicTarget();
             Daemon daemon = Daemon.start(config(withBatch(target)), Daemon.lock(dataDir), Clock.systemUTC())) {
            ChromeDriver browser = browser();
            try {
                String base = "http://127.0.0.1:" + daemon.opsPort();
                browser.get(base + "/");

                // Without the operator secret: the public summary, states only.
                waitFor(browser, "the four cards render", b -> b.findElements(By.cssSelector("#cards [data-part]")).size() >= 4);
                waitFor(browser, "the CDC card says streaming",
                        b -> "streaming".equals(text(b, "[data-part=cdc] [data-field=state]")));
                for (String part : List.of("cdc", "webhook", "poll", "sink")) {
                    assertFalse(browser.findElements(By.cssSelector("[data-part=" + part + "]")).isEmpty(), "a card for " + part);
                }
                assertEquals("–", text(browser, "[data-part=cdc] [data-count=applied]"), "no figures before the secret");
                assertTrue(text(browser, "#unlock-result").startsWith("Summary only"), text(browser, "#unlock-result"));

                // A wrong secret is refused and forgotten; the right one shows the detail.
                browser.findElement(By.id("secret")).sendKeys("not-the-secret");
                browser.findElement(By.id("unlock")).click();
                waitFor(browser, "the wrong secret is refused", b -> text(b, "#unlock-result").contains("401"));
                assertEquals("", browser.findElement(By.id("secret")).getAttribute("value"), "the field does not keep the secret");
                browser.findElement(By.id("secret")).sendKeys(SECRET);
                browser.findElement(By.id("unlock")).click();
                waitFor(browser, "the detail shows", b -> "0".equals(text(b, "[data-part=cdc] [data-count=applied]")));

                // An edit in the portal: CDC carries it over, the page shows it without a reload.
                portal.execute("UPDATE aligner_batches SET days = 10 WHERE aligner_batch_id = 12044");
                waitFor(browser, "the CDC card counts the applied edit",
                        b -> "1".equals(text(b, "[data-part=cdc] [data-count=applied]")));
                assertEquals("1", text(browser, "[data-part=sink] [data-count=applied]"));
                assertTrue(text(browser, "[data-part=cdc] [data-field=last-event]").endsWith("ago"),
                        text(browser, "[data-part=cdc] [data-field=last-event]"));
                waitFor(browser, "the chart counts the edit in the last hour",
                        b -> "1".equals(attribute(b, "#chart", "data-applied-last-hour")));
                assertFalse(browser.findElements(By.cssSelector("#history-chart rect")).isEmpty(), "a bar for the edit");

                // A change for a batch the clinic does not have is parked with its reason.
                portal.execute("INSERT INTO aligner_batches (aligner_batch_id, aligner_set_id, days) VALUES (77, 3187, 14)");
                portal.execute("UPDATE aligner_batches SET days = 9 WHERE aligner_batch_id = 77");
                waitFor(browser, "the dead letter is listed", b -> !b.findElements(By.cssSelector("#dead-letters [data-dead-letter]")).isEmpty());
                String row = text(browser, "#dead-letters [data-dead-letter]");
                assertTrue(row.contains("aligner_batches #77"), row);
                assertFalse(text(browser, "#dl-count").equals("0"));
                screenshot(browser, "console-screenshot.png");

                // Replay with the secret the page holds resolves the parked change.
                target.insertBatch(77, 3187, 14); // the operator fixed the cause
                browser.findElement(By.id("replay")).click();
                waitFor(browser, "the replay reports its result", b -> text(b, "#replay-result").startsWith("Replayed"));
                assertTrue(text(browser, "#replay-result").matches("Replayed: [1-9]\\d* resolved, 0 still parked.*"),
                        text(browser, "#replay-result"));
                waitFor(browser, "no dead letter is left", b -> "0".equals(text(b, "#dl-count")));
                assertEquals(9, ((Number) target.batch(77).get("DAYS")).intValue());

                // The secret lives in the page's memory only: no cookie, nothing in the URL or storage.
                assertTrue(browser.manage().getCookies().isEmpty());
                assertFalse(browser.getCurrentUrl().contains(SECRET));
                assertEquals(0L, browser.executeScript("return window.localStorage.length + window.sessionStorage.length"));

                browser.manage().window().setSize(new Dimension(390, 1500));
                waitFor(browser, "the phone layout renders", b -> b.findElement(By.id("cards")).getSize().getWidth() <= 390);
                screenshot(browser, "console-screenshot-phone.png");
            } finally {
                browser.quit();
            }
        } finally {
            portal.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'console_test'");
        }
    }

    /** A status source that answers a fixed snapshot, as a part added by a later version might. */
    private static StatusSource part(String name, Map<String, Object> snapshot) {
        return new StatusSource() {
            @Override
            public String statusName() {
                return name;
            }

            @Override
            public Map<String, Object> statusSnapshot() {
                return snapshot;
            }
        };
    }

    @Test
    void sectionsThePageDoesNotKnowBecomeCardsAndMissingFieldsDoNotBreakIt() throws Exception {
        // No CDC, no poll, no history, a sink without counts; reconcile and verify from a later daemon.
        HttpServer server = OpsServers.ops(List.of(
                part("sink", Map.of("state", "reachable")),
                part("webhook", Map.of("state", "accepting")),
                part("reconcile", Map.of("state", "ok", "lastRunAt", "2026-11-26T08:00:00Z", "differences", 0)),
                part("verify", Map.of("state", "drift", "drift", 3, "warnings", List.of("3 rows differ -> run reconcile")))),
                Optional::empty, SECRET);
        server.start();
        ChromeDriver browser = browser();
        try {
            browser.get("http://127.0.0.1:" + server.port() + "/");
            browser.findElement(By.id("secret")).sendKeys(SECRET);
            browser.findElement(By.id("unlock")).click();
            waitFor(browser, "the detail renders", b -> text(b, "#unlock-result").startsWith("Showing the detail"));
            assertEquals("disabled", text(browser, "[data-part=cdc] [data-field=state]"));
            assertEquals("disabled", text(browser, "[data-part=poll] [data-field=state]"));
            assertEquals("–", text(browser, "[data-part=sink] [data-count=applied]"));
            assertEquals("ok", text(browser, "[data-part=reconcile] [data-field=state]"));
            assertTrue(attribute(browser, "[data-part=verify]", "class").contains("state-bad"), attribute(browser, "[data-part=verify]", "class"));
            assertTrue(text(browser, "[data-part=verify]").contains("3 rows differ -> run reconcile"), text(browser, "[data-part=verify]"));
            assertTrue(text(browser, "#warnings").contains("verify: 3 rows differ"), text(browser, "#warnings"));
            assertTrue(text(browser, "#chart").contains("No history"), text(browser, "#chart"));
            assertEquals("degraded", text(browser, "#overall"));
        } finally {
            browser.quit();
            server.stop();
        }
    }

    private static H2ClinicTarget withBatch(H2ClinicTarget target) throws Exception {
        target.insertBatch(12044, 3187, 14);
        return target;
    }
}
