package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.api.serving.Serving;
import io.rlsearch.testing.Runs;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The live page in a real browser: headless Chromium (Debian's chromium and chromium-driver, which
 * .ci/run installs) opens the page of a serving run, the charts render and update, a bad version is
 * promoted and its rollback appears on the timeline; a screenshot goes to target/dashboard.png.
 */
class DashboardBrowserTest {
  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File DRIVER = new File("/usr/bin/chromedriver");

  @Test
  void theChartsRenderAndUpdateAndARollbackAppearsOnTheTimeline() throws Exception {
    Assumptions.assumeTrue(CHROMIUM.canExecute() && DRIVER.canExecute(),
        "needs Debian's chromium and chromium-driver (.ci/run installs them)");
    try (Serving.Running run = Serving.start(Runs.smallWorld(3), "cm2_price", List.of(), 2, Optional.empty(),
        3, "127.0.0.1", 0, Optional.empty(), 0)) {
      AtomicBoolean stop = new AtomicBoolean();
      Thread traffic = new Thread(() -> run.system().drive(0, 400, 120, t -> { }, stop::get), "traffic");
      traffic.start();
      WebDriver browser = browser();
      try {
        browser.get("http://127.0.0.1:" + run.port() + "/");
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(d -> count(d, "metrics") >= 3);
        assertTrue(browser.findElements(By.cssSelector("div.chart canvas")).size() >= 3, "three charts drawn");
        long first = count(browser, "metrics");
        wait.until(d -> count(d, "metrics") > first + 2);
        // Promote the bad version (6: bury); the guardrails roll it back and the page shows it.
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
            "http://127.0.0.1:" + run.port() + "/policies/6/promote")).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(d ->
            !d.findElements(By.cssSelector("#timeline div.rollback")).isEmpty());
        String row = browser.findElement(By.cssSelector("#timeline div.rollback")).getText();
        assertTrue(row.contains("rollback") && row.contains("v6"), row);
        Path shot = Path.of("target", "dashboard.png");
        Files.createDirectories(shot.getParent());
        Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        assertTrue(Files.size(shot) > 10_000, "screenshot written");
      } finally {
        browser.quit();
        stop.set(true);
        traffic.join(10_000);
      }
    }
  }

  @Test
  void aPageOpenedAfterARollbackShowsItAndHidesWhatTheRunDoesNotHave() throws Exception {
    Assumptions.assumeTrue(CHROMIUM.canExecute() && DRIVER.canExecute(),
        "needs Debian's chromium and chromium-driver (.ci/run installs them)");
    try (Serving.Running run = Serving.start(Runs.smallWorld(3), "cm2_price", List.of(), 2, Optional.empty(),
        3, "127.0.0.1", 0, Optional.empty(), 0)) {
      AtomicBoolean stop = new AtomicBoolean();
      Thread traffic = new Thread(() -> run.system().drive(0, 400, 120, t -> { }, stop::get), "traffic");
      traffic.start();
      HttpClient http = HttpClient.newHttpClient();
      http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + run.port() + "/policies/6/promote"))
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
          HttpResponse.BodyHandlers.ofString());
      // The rollback happens before any page is open.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      boolean rolledBack = false;
      while (!rolledBack && System.nanoTime() < deadline) {
        Thread.sleep(200);
        rolledBack = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + run.port() + "/policies"))
            .build(), HttpResponse.BodyHandlers.ofString()).body().contains("\"rollback\"");
      }
      assertTrue(rolledBack, "the bad version was rolled back");
      Thread.sleep(600); // the page's event forwarder polls the registry every 250 ms
      WebDriver browser = browser();
      try {
        browser.get("http://127.0.0.1:" + run.port() + "/");
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d ->
            !d.findElements(By.cssSelector("#timeline div.rollback")).isEmpty());
        assertTrue(browser.findElement(By.cssSelector("#timeline div.rollback")).getText().contains("v6"));
        assertTrue(count(browser, "metrics") > 0, "the series' recent history was drawn");
        assertTrue(!browser.findElement(By.id("retention-panel")).isDisplayed(), "a serving run has no retention");
      } finally {
        browser.quit();
        stop.set(true);
        traffic.join(10_000);
      }
    }
  }

  /** Headless Chromium through Debian's chromedriver. */
  private static WebDriver browser() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--window-size=1400,1000");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER)
        .usingAnyFreePort().build();
    return new ChromeDriver(service, options);
  }

  private static long count(WebDriver d, String what) {
    String v = d.findElement(By.tagName("body")).getAttribute("data-" + what);
    return v == null ? 0 : Long.parseLong(v);
  }
}
