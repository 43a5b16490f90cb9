package io.alphadecay.control.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.alphadecay.control.support.Api;
import io.alphadecay.control.support.ApiTestBase;
import io.alphadecay.control.support.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium against the running control-api and real runs in PostgreSQL: two
 * finished runs and a running one, reported through the worker API as a trainer would. Skipped only where no
 * Chromium or chromedriver is installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest extends ApiTestBase {

    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final List<String> TYPES = List.of("q", "k", "v", "o", "gate", "up", "down");
    private static final long[] ANALYSIS_STEPS = {0, 20, 40};

    private ChromeDriver browser;
    private WebDriverWait wait;
    private Path profile;

    private String uniform;
    private String alphadecay;
    private String running;
    private final Map<String, Double> finalPerplexity = new HashMap<>();
    private final Map<String, Double> latestDecay = new LinkedHashMap<>();

    @BeforeAll
    void startBrowserAndReportRuns() throws IOException {
        Path driver = Path.of(setting("ALPHADECAY_CHROMEDRIVER", "/usr/bin/chromedriver"));
        Path chromium = Path.of(setting("ALPHADECAY_CHROMIUM", "/usr/bin/chromium"));
        Assumptions.assumeTrue(
                Files.isExecutable(driver) && Files.isExecutable(chromium),
                "No Chromium/chromedriver at " + chromium + " and " + driver
                        + " (install Debian's chromium and chromium-driver): the dashboard browser test is skipped");

        Api operatorApi = new Api(port, OPERATOR_TOKEN);
        Api serviceApi = new Api(port, SERVICE_TOKEN);
        drainQueue();
        uniform = finishedRun(operatorApi, serviceApi, "uniform", 41.37, false);
        alphadecay = finishedRun(operatorApi, serviceApi, "alphadecay", 38.52, true);
        running = operatorApi
                .post("/api/v1/runs", run(uniqueName("dash-running"), "alphadecay"))
                .json()
                .get("id")
                .asString();
        claim(serviceApi, running, "w-running");
        serviceApi.post(
                "/api/v1/runs/" + running + "/heartbeat",
                Map.of("workerId", "w-running", "step", 30, "tokensSeen", 30_000, "etaSeconds", 125.0));
        postMetrics(serviceApi, running, 30, 52.25);
        finalPerplexity.put(running, 52.25);

        profile = Files.createTempDirectory("alphadecay-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-quic",
                "--user-data-dir=" + profile,
                "--window-size=1440,1000");
        // An explicit driver keeps Selenium Manager from looking for (or downloading) one.
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(driver.toFile())
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(15));
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterAll
    void stopBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    @Order(1)
    void aWrongTokenShowsTheFormAgainWithAnError() {
        browser.get(base());
        WebElement form = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        assertThat(browser.findElement(By.id("runs")).isDisplayed()).isFalse();
        screenshot("login");

        signIn("not-the-right-token-0123456789");
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
        assertThat(error.getText()).contains("401");
        assertThat(form.isDisplayed()).isTrue();
        assertThat(storedToken()).isNull();
        screenshot("login-refused");
    }

    @Test
    @Order(2)
    void theRunsListShowsStatesAndPerplexities() {
        openSignedIn("#/runs");
        for (String id : List.of(uniform, alphadecay, running)) {
            WebElement row = wait.until(ExpectedConditions.visibilityOfElementLocated(row(id)));
            String expectedState = id.equals(running) ? "RUNNING" : "SUCCEEDED";
            assertThat(row.findElement(By.cssSelector(".state")).getText()).isEqualTo(expectedState);
            assertThat(row.findElement(By.cssSelector(".perplexity")).getText())
                    .isEqualTo(String.format(Locale.ROOT, "%.2f", finalPerplexity.get(id)));
        }
        WebElement runningRow = browser.findElement(row(running));
        assertThat(runningRow.findElement(By.cssSelector(".progress-text")).getText())
                .contains("30/100", "ETA");
        assertThat(storedToken()).isEqualTo(OPERATOR_TOKEN);
        assertThat(browser.manage().getCookies()).isEmpty();
        assertThat((String) js("return JSON.stringify(localStorage)")).isEqualTo("{}");
        screenshot("runs");

        new Select(browser.findElement(By.id("state-filter"))).selectByValue("SUCCEEDED");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(row(running)));
        List<WebElement> rows = browser.findElements(By.cssSelector("#run-rows tr"));
        assertThat(rows)
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.getAttribute("data-state")).isEqualTo("SUCCEEDED"));
        assertThat(browser.findElements(row(uniform))).hasSize(1);
        assertThat(browser.findElements(row(alphadecay))).hasSize(1);
        screenshot("runs-succeeded");
        new Select(browser.findElement(By.id("state-filter"))).selectByValue("");
    }

    @Test
    @Order(3)
    void theRunViewDrawsCurvesHeatmapAndDecayBars() {
        browser.manage().window().setSize(new Dimension(1440, 2000));
        openSignedIn("#/runs/" + alphadecay);
        wait.until(ExpectedConditions.attributeToBe(By.id("heatmap"), "data-rows", String.valueOf(2 * TYPES.size())));

        for (String chart : List.of("chart-loss", "chart-ppl")) {
            wait.until(ExpectedConditions.attributeToBe(By.id(chart), "data-series", "1"));
            assertThat(paintedPixels("#" + chart + " canvas")).as(chart).isGreaterThan(500);
        }
        assertThat(browser.findElement(By.id("chart-alpha-type")).getAttribute("data-series"))
                .isEqualTo(String.valueOf(TYPES.size()));

        WebElement heatmap = browser.findElement(By.id("heatmap"));
        assertThat(heatmap.getAttribute("data-columns")).isEqualTo(String.valueOf(ANALYSIS_STEPS.length));
        List<String> labels = heatmap.findElements(By.cssSelector(".heatmap-labels li")).stream()
                .map(WebElement::getText)
                .toList();
        List<String> expectedLabels = new ArrayList<>();
        for (int layer = 0; layer < 2; layer++) {
            for (String type : TYPES) {
                expectedLabels.add("L" + layer + " " + type);
            }
        }
        assertThat(labels).containsExactlyElementsOf(expectedLabels);
        assertThat(paintedPixels("#heatmap .heatmap-plot canvas")).isGreaterThan(1000);

        Map<String, Double> bars = new LinkedHashMap<>();
        for (WebElement bar : browser.findElements(By.cssSelector("#decay-bars g.bar"))) {
            bars.put(bar.getAttribute("data-module"), Double.valueOf(bar.getAttribute("data-value")));
        }
        assertThat(bars).containsExactlyInAnyOrderEntriesOf(latestDecay);
        assertThat(browser.findElement(By.id("run-config")).getText()).contains("\"policy\": \"alphadecay\"");
        assertThat(browser.findElement(By.id("run-events")).getText()).contains("state");
        assertThat(browser.findElement(By.id("cancel-run")).isEnabled()).isFalse();
        screenshot("run");
        browser.manage().window().setSize(new Dimension(1440, 1000));
    }

    @Test
    @Order(4)
    void cancellingTheRunningRunAsksFirstThenRequestsTheCancel() {
        openSignedIn("#/runs/" + running);
        WebElement cancel = wait.until(ExpectedConditions.elementToBeClickable(By.id("cancel-run")));
        wait.until(ExpectedConditions.textToBe(By.id("run-state"), "RUNNING"));
        cancel.click();
        WebElement dialog = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("cancel-dialog")));
        screenshot("cancel-confirmation");
        assertThat(operator.get("/api/v1/runs/" + running).json().get("state").asString())
                .isEqualTo("RUNNING");
        dialog.findElement(By.id("cancel-confirm")).click();

        wait.until(ExpectedConditions.textToBe(By.id("run-state"), "CANCEL_REQUESTED"));
        assertThat(operator.get("/api/v1/runs/" + running).json().get("state").asString())
                .isEqualTo("CANCEL_REQUESTED");
        assertThat(browser.findElement(By.id("cancel-run")).isEnabled()).isFalse();
    }

    @Test
    @Order(5)
    void theCompareViewShowsBothCurvesAndTheFinalDifference() {
        openSignedIn("#/runs");
        wait.until(ExpectedConditions.visibilityOfElementLocated(row(uniform)));
        WebElement compare = browser.findElement(By.id("compare-selected"));
        assertThat(compare.isEnabled()).isFalse();
        browser.findElement(row(uniform))
                .findElement(By.cssSelector("input.select-run"))
                .click();
        browser.findElement(row(alphadecay))
                .findElement(By.cssSelector("input.select-run"))
                .click();
        compare.click();

        wait.until(ExpectedConditions.attributeToBe(By.id("compare-ppl"), "data-series", "2"));
        wait.until(ExpectedConditions.attributeToBe(By.id("compare-loss"), "data-series", "2"));
        assertThat(paintedPixels("#compare-ppl canvas")).isGreaterThan(500);
        double difference = finalPerplexity.get(alphadecay) - finalPerplexity.get(uniform);
        String signed = (difference < 0 ? "−" : "+") + String.format(Locale.ROOT, "%.2f", Math.abs(difference));
        assertThat(browser.findElement(By.id("compare-difference")).getText()).endsWith("= " + signed);
        assertThat(browser.findElement(By.cssSelector("#compare-rows " + rowCss(alphadecay) + " .delta"))
                        .getText())
                .isEqualTo(signed);
        assertThat(browser.findElement(By.cssSelector("#compare-rows " + rowCss(uniform) + " .final"))
                        .getText())
                .isEqualTo(String.format(Locale.ROOT, "%.2f", finalPerplexity.get(uniform)));
        assertThat(browser.findElement(By.id("open-report")).isEnabled()).isTrue();
        screenshot("compare");

        // The report opens in a window of its own, fetched with the token and shown from a blob: URL
        String page = browser.getWindowHandle();
        browser.findElement(By.id("open-report")).click();
        wait.until(ExpectedConditions.numberOfWindowsToBe(2));
        String report = browser.getWindowHandles().stream()
                .filter(handle -> !handle.equals(page))
                .findFirst()
                .orElseThrow();
        browser.switchTo().window(report);
        try {
            wait.until(driver -> driver.getCurrentUrl().startsWith("blob:"));
            WebElement title = wait.until(ExpectedConditions.visibilityOfElementLocated(By.tagName("h1")));
            assertThat(title.getText()).contains(runName(uniform)).contains(runName(alphadecay));
            assertThat(browser.findElements(By.cssSelector("img[src^='data:image/png']")))
                    .isNotEmpty();
            screenshot("report");
        } finally {
            browser.close();
            browser.switchTo().window(page);
        }
    }

    @Test
    @Order(6)
    void aTokenRefusedLaterSendsTheUserBackToTheForm() {
        openSignedIn("#/runs");
        wait.until(ExpectedConditions.visibilityOfElementLocated(row(uniform)));
        js("sessionStorage.setItem('alphadecay.token', 'revoked-token-0123456789')");
        browser.navigate().refresh();
        WebElement error = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-error")));
        assertThat(error.getText()).contains("refused");
        assertThat(storedToken()).isNull();

        signIn(OPERATOR_TOKEN);
        wait.until(ExpectedConditions.visibilityOfElementLocated(row(uniform)));
        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
        assertThat(storedToken()).isNull();
    }

    private String runName(String id) {
        return operator.get("/api/v1/runs/" + id).json().get("name").asString();
    }

    // ---- the runs, reported as a trainer would ----

    private String finishedRun(Api operatorApi, Api serviceApi, String policy, double finalValue, boolean analyses) {
        String id = operatorApi
                .post("/api/v1/runs", run(uniqueName("dash-" + policy), policy))
                .json()
                .get("id")
                .asString();
        String worker = "w-" + policy;
        claim(serviceApi, id, worker);
        postMetrics(serviceApi, id, 50, finalValue);
        if (analyses) {
            for (long step : ANALYSIS_STEPS) {
                List<Map<String, Object>> modules = new ArrayList<>();
                for (int layer = 0; layer < 2; layer++) {
                    for (int t = 0; t < TYPES.size(); t++) {
                        double alpha = 2.0 + 0.25 * t + 0.5 * layer + step / 100.0;
                        double decay = Math.round(0.02 * alpha * 1e4) / 1e4;
                        modules.add(Fixtures.module(layer, TYPES.get(t), alpha, decay));
                        if (step == ANALYSIS_STEPS[ANALYSIS_STEPS.length - 1]) {
                            latestDecay.put(
                                    (String) modules.get(modules.size() - 1).get("name"), decay);
                        }
                    }
                }
                assertThat(serviceApi
                                .post("/api/v1/runs/" + id + "/analyses", Fixtures.analysis(step, modules))
                                .status())
                        .isEqualTo(201);
            }
        }
        assertThat(serviceApi
                        .post(
                                "/api/v1/runs/" + id + "/state",
                                Map.of("workerId", worker, "state", "SUCCEEDED", "step", 50))
                        .status())
                .isEqualTo(200);
        finalPerplexity.put(id, finalValue);
        return id;
    }

    private static Map<String, Object> run(String name, String policy) {
        Map<String, Object> body = new LinkedHashMap<>(Fixtures.tinyRun(name));
        body.put("decay", Map.of("policy", policy));
        return body;
    }

    private static void claim(Api serviceApi, String expectedId, String worker) {
        Api.Response claimed = serviceApi.post("/api/v1/runs:claim", Map.of("workerId", worker));
        assertThat(claimed.json().get("id").asString()).isEqualTo(expectedId);
    }

    /** train_loss at every step up to {@code last}, val_perplexity every 10 steps ending at {@code finalValue}. */
    private static void postMetrics(Api serviceApi, String id, int last, double finalValue) {
        List<Map<String, Object>> points = new ArrayList<>();
        for (int step = 0; step <= last; step++) {
            points.add(Map.of(
                    "name", "train_loss", "step", step, "value", 6.0 - 2.5 * step / last + 0.05 * Math.sin(step)));
        }
        for (int step = 10; step <= last; step += 10) {
            points.add(Map.of("name", "val_perplexity", "step", step, "value", finalValue + 3.0 * (last - step)));
        }
        assertThat(serviceApi
                        .post("/api/v1/runs/" + id + "/metrics", Map.of("points", points))
                        .status())
                .isEqualTo(200);
    }

    // ---- browser helpers ----

    private String base() {
        return "http://127.0.0.1:" + port + "/";
    }

    private void openSignedIn(String fragment) {
        browser.get(base() + fragment);
        if (storedToken() == null) {
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("login-form")));
            signIn(OPERATOR_TOKEN);
        }
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("login")));
    }

    private void signIn(String token) {
        WebElement input = browser.findElement(By.id("token"));
        input.clear();
        input.sendKeys(token);
        browser.findElement(By.cssSelector("#login-form button[type=submit]")).click();
    }

    private String storedToken() {
        return (String) js("return sessionStorage.getItem('alphadecay.token')");
    }

    /** A run's row in the runs list. */
    private static By row(String runId) {
        return By.cssSelector("#run-rows " + rowCss(runId));
    }

    private static String rowCss(String runId) {
        return "tr[data-run-id='" + runId + "']";
    }

    /** Pixels with any opacity on the first canvas matching the selector: drawn, not just created. */
    private long paintedPixels(String selector) {
        Object count = js("""
                const canvas = document.querySelector(arguments[0]);
                if (!canvas) return -1;
                const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let painted = 0;
                for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) painted++; }
                return painted;""", selector);
        return ((Number) count).longValue();
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private void screenshot(String name) {
        try {
            Path file = browser.getScreenshotAs(OutputType.FILE).toPath();
            Files.copy(file, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String setting(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
