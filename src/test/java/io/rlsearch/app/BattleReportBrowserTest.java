package io.rlsearch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.continuous.ContinuousAgents;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.api.report.BattleReport;
import io.rlsearch.experiments.BattleStudy;
import io.rlsearch.experiments.BoostReference;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The battle's report in a real browser (headless Chromium, as the live page's test): the forest plot
 * shows one dot per agent with the baselines and references marked, the paired plot and the small
 * multiples render; a screenshot goes to target/battle-report.png.
 */
class BattleReportBrowserTest {
  private static final File CHROMIUM = new File("/usr/bin/chromium");
  private static final File DRIVER = new File("/usr/bin/chromedriver");

  @Test
  void theReportShowsTheForestPlotThePairedDifferencesAndOnePanelPerAgent() throws Exception {
    Assumptions.assumeTrue(CHROMIUM.canExecute() && DRIVER.canExecute(),
        "needs Debian's chromium and chromium-driver (.ci/run installs them)");
    SimSettings small = ZoosimConfig.fromString("catalog { n_products = 300 }");
    List<String> agents = List.of("static", "random", "cm2", "price", "pl");
    BattleStudy.Trainer trainer = (world, seed, names) -> {
      List<BattleStudy.Trained> out = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        String a = names.get(i);
        double[] w = new double[10];
        if (i >= 2) {
          w[new int[] {0, 0, 0, 5, 2}[i]] = 3;
        }
        PolicySnapshot p = a.equals("random") ? ContinuousAgents.uniform("random", 10, 3.0).create(0, 17).snapshot(0)
            : BoostReference.fixed(a, w);
        double[] curve = new double[200];
        for (int e = 0; e < curve.length; e++) {
          curve[e] = 5 + i * Math.log1p(e) + Math.sin(e + seed);
        }
        out.add(new BattleStudy.Trained(a, false, p, curve, 0, 0, 0, 0, 0, 1));
      }
      return out;
    };
    BattleStudy.Result r = BattleStudy.run(small, new BattleStudy.Settings(List.of(1L, 2L, 3L), agents, 150,
        new BoostReference.Settings(80, 8, 2, 2, 0), 2), trainer);
    Path dir = Path.of("target", "battle-report");
    BattleReport.write(dir, r, 200, "rlsearch Battle Royale (browser test)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--window-size=1300,1600");
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER)
        .usingAnyFreePort().build();
    WebDriver browser = new ChromeDriver(service, options);
    try {
      browser.get(dir.resolve("report.html").toAbsolutePath().toUri().toString());
      List<WebElement> forests = browser.findElements(By.cssSelector("svg.forest"));
      assertEquals(2, forests.size(), "the evaluation and the paired differences");
      assertEquals(agents.size(), forests.get(0).findElements(By.tagName("circle")).size(), "one dot per agent");
      String marks = forests.get(0).getText();
      for (String m : new String[] {"static", "random", "best fixed", "best per segment"}) {
        assertTrue(marks.contains(m), "marker " + m + " in " + marks);
      }
      assertTrue(forests.get(0).getSize().getHeight() > 100 && forests.get(0).isDisplayed());
      assertEquals(agents.size(), browser.findElements(By.cssSelector("svg.curve")).size(), "one panel per agent");
      Path shot = Path.of("target", "battle-report.png");
      Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
      assertTrue(Files.size(shot) > 10_000, "screenshot written");
    } finally {
      browser.quit();
    }
  }
}
