package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.experiments.TemplateBandits;
import io.rlsearch.experiments.TemplateBandits.FeatureMode;
import io.rlsearch.experiments.TemplateBandits.RichRegularization;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * The fast part of Chapter 6's two recorded-run labs (their figure-by-figure match with the book is
 * LabsTest's slow test). The bandit matrix's protocol is short (200 static and 1,000 bandit episodes per
 * scenario), so it runs here in full on a 100-product world: its report's structure, sources and verdicts,
 * and its quantized scenario re-run through TemplateBandits with the protocol written out by hand (its seeds,
 * 200 and 1,000 episodes, the Popular amplitude 3.0, and rich_est's hyper-parameters). The
 * templates lab runs three 20,000-episode bandit runs whatever the world (several seconds even on 50 products),
 * so only its recorded figures, its sources and its hand-off to the executor are checked here.
 */
class ChapterSixLabsTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 100 }");
  private static final String MATRIX_SOURCE =
      "verification_runs/ch00_06/run_20260116T105249Z/artifacts/ch06/data/bandit_matrix_20260116T110911Z.json";
  private static final List<String> SCENARIOS =
      List.of("simple_baseline", "rich_oracle_raw", "rich_oracle_blend", "rich_oracle_quantized", "rich_estimated");

  /**
   * The matrix on the small world, run afresh by each test that reads it rather than once in a @BeforeAll:
   * PIT links code run in a @BeforeAll only to the class's first test, so the others would never be run
   * against its mutants.
   */
  private static LabReport matrix() {
    return new BanditMatrixLab().run(SMALL);
  }

  private static TemplateBandits.Result byHand(FeatureMode mode, RichRegularization reg, long worldSeed, long banditSeed,
      int prior, double alpha, double sigma) {
    return new TemplateBandits(SMALL.withPopularAmplitude(3.0), new TemplateBandits.Settings(mode,
        TemplateBandits.Estimator.CH06, 200, 1000, worldSeed, banditSeed, prior, alpha, sigma, reg)).run(Runnable::run);
  }

  private static void assertScenarioIs(LabReport matrix, String name, TemplateBandits.Result r) {
    String p = name + ".";
    assertEquals(r.bestStatic(), matrix.figures().get(p + "best_static_id"), name);
    assertEquals(r.linucb().means().reward(), (double) matrix.figures().get(p + "linucb_reward"), 0.0, name);
    assertEquals(r.linucb().means().gmv(), (double) matrix.figures().get(p + "linucb_gmv"), 0.0, name);
    assertEquals(r.ts().means().reward(), (double) matrix.figures().get(p + "ts_reward"), 0.0, name);
    assertEquals(r.ts().means().gmv(), (double) matrix.figures().get(p + "ts_gmv"), 0.0, name);
    assertEquals(r.linucb().deltaGmvPct(), (double) matrix.figures().get(p + "linucb_gmv_vs_static_pct"), 0.0, name);
    assertEquals(r.ts().deltaGmvPct(), (double) matrix.figures().get(p + "ts_gmv_vs_static_pct"), 0.0, name);
  }

  @Test
  void theMatrixReportsFiveScenariosWithTheirRecordedFiguresAndSource() {
    LabReport matrix = matrix();
    assertEquals("ch06-bandit-matrix", matrix.lab());
    List<String> keys = new ArrayList<>();
    for (String s : SCENARIOS) {
      for (String f : List.of("best_static_id", "linucb_reward", "linucb_gmv", "ts_reward", "ts_gmv",
          "linucb_gmv_vs_static_pct", "ts_gmv_vs_static_pct")) {
        keys.add(s + "." + f);
      }
    }
    assertEquals(keys, List.copyOf(matrix.figures().keySet()));
    // every figure but the two percentages has the verification run's value beside it, from the run's file
    assertEquals(25, matrix.book().size());
    for (String k : matrix.book().keySet()) {
      assertTrue(!k.endsWith("_pct") && matrix.book().get(k) != null, k);
      assertEquals(MATRIX_SOURCE, matrix.sources().get(k), k);
    }
    assertEquals(matrix.book().keySet(), matrix.match().keySet());
    // the recorded best static templates (by id) and, for one scenario, the recorded LinUCB and TS figures
    int[] best = SCENARIOS.stream().mapToInt(s -> (int) matrix.book().get(s + ".best_static_id")).toArray();
    assertArrayEquals(new int[] {2, 4, 2, 2, 4}, best);
    assertEquals(6.223516, matrix.book().get("simple_baseline.linucb_reward"));
    assertEquals(5.737207, matrix.book().get("simple_baseline.linucb_gmv"));
    assertEquals(4.654424, matrix.book().get("simple_baseline.ts_reward"));
    assertEquals(4.290389, matrix.book().get("simple_baseline.ts_gmv"));
    assertEquals(1, matrix.notes().size());
    assertTrue(matrix.notes().get(0).contains("1,000 bandit episodes"));
  }

  @Test
  void theMatrixVerdictsFollowItsFiguresOnEitherSide() {
    LabReport matrix = matrix();
    int matches = 0;
    int misses = 0;
    for (String s : SCENARIOS) {
      int ours = (int) matrix.figures().get(s + ".best_static_id");
      int book = (int) matrix.book().get(s + ".best_static_id");
      String verdict = matrix.match().get(s + ".best_static_id");
      assertEquals(ours == book ? LabReport.MATCH : "ours " + ours, verdict, s);
      matches += ours == book ? 1 : 0;
      misses += ours == book ? 0 : 1;
      for (String f : List.of("linucb_reward", "linucb_gmv", "ts_reward", "ts_gmv")) {
        double o = (double) matrix.figures().get(s + "." + f);
        double b = (double) matrix.book().get(s + "." + f);
        // a 100-product world is not the recorded one: nothing agrees to 6 decimals
        assertTrue(Math.abs(o - b) > 1e-6, s + "." + f);
        assertTrue(matrix.match().get(s + "." + f).startsWith("ours "), s + "." + f);
      }
    }
    // this world meets both sides of the best-template comparison
    assertTrue(matches > 0 && misses > 0, matrix.match().toString());
  }

  @Test
  void eachScenarioHasItsOwnWorldAndBanditSeeds() {
    BanditMatrixLab.Scenario[] sc = BanditMatrixLab.SCENARIOS;
    assertEquals(SCENARIOS, java.util.Arrays.stream(sc).map(BanditMatrixLab.Scenario::name).toList());
    assertArrayEquals(new long[] {20250701, 20250702, 20250703, 20250704, 20250705},
        java.util.Arrays.stream(sc).mapToLong(BanditMatrixLab.Scenario::worldSeed).toArray());
    assertArrayEquals(new long[] {20250801, 20250811, 20250821, 20250831, 20250841},
        java.util.Arrays.stream(sc).mapToLong(BanditMatrixLab.Scenario::banditSeed).toArray());
    assertEquals(List.of(FeatureMode.SIMPLE, FeatureMode.RICH, FeatureMode.RICH, FeatureMode.RICH, FeatureMode.RICH_EST),
        java.util.Arrays.stream(sc).map(BanditMatrixLab.Scenario::mode).toList());
    assertEquals(List.of(RichRegularization.NONE, RichRegularization.NONE, RichRegularization.BLEND,
        RichRegularization.QUANTIZED, RichRegularization.NONE),
        java.util.Arrays.stream(sc).map(BanditMatrixLab.Scenario::reg).toList());
  }

  @Test
  void theQuantizedScenarioTakesRichEstimatedHyperParameters() {
    // rich oracle features quantized, with rich_est's prior weight 12, LinUCB alpha 0.85 and TS sigma 0.7
    assertScenarioIs(matrix(), "rich_oracle_quantized",
        byHand(FeatureMode.RICH, RichRegularization.QUANTIZED, 20250704, 20250831, 12, 0.85, 0.7));
  }

  @Test
  void theMatrixSaysWhatItIs() {
    BanditMatrixLab lab = new BanditMatrixLab();
    assertEquals("ch06-bandit-matrix", lab.name());
    assertEquals("6 (bandit matrix)", lab.chapter());
    assertTrue(lab.shows().contains("LinUCB and TS"));
    assertEquals(MATRIX_SOURCE, BanditMatrixLab.SOURCE);
  }

  @Test
  void theTemplatesLabCarriesTheBooksRecordedRuns() {
    TemplatesLab.Run[] runs = TemplatesLab.RUNS;
    assertEquals(3, runs.length);
    assertEquals(List.of(FeatureMode.SIMPLE, FeatureMode.RICH, FeatureMode.RICH_EST),
        List.of(runs[0].mode(), runs[1].mode(), runs[2].mode()));
    assertEquals(List.of("simple", "rich_oracle", "rich_estimated"),
        List.of(runs[0].file(), runs[1].file(), runs[2].file()));
    // simple features: the reference's defaults; rich: prior weight 50, LinUCB alpha 0.2, TS sigma 0.5
    assertEquals(List.of(0, 1.0, 1.0), List.of(runs[0].prior(), runs[0].alpha(), runs[0].sigma()));
    for (int i = 1; i < 3; i++) {
      assertEquals(List.of(50, 0.2, 0.5), List.of(runs[i].prior(), runs[i].alpha(), runs[i].sigma()));
    }
    // the simple run's headline as TemplateBanditsTest reproduces it bit for bit
    assertArrayEquals(new double[] {5.615944830085548, 5.124018528486439, 0.4565657539975745}, runs[0].linucb());
    assertEquals(6.182391636978594, runs[0].ts()[1]);
    // the rich runs' rewards as docs/book.md quotes them (LinUCB 10.188 / 8.197, TS 10.146 / 10.076)
    assertEquals(10.188, runs[1].linucb()[0], 5e-4);
    assertEquals(8.197, runs[2].linucb()[0], 5e-4);
    assertEquals(10.146, runs[1].ts()[0], 5e-4);
    assertEquals(10.076, runs[2].ts()[0], 5e-4);
    assertEquals("docs/book/ch06/data/template_bandits_simple_summary.json", TemplatesLab.DATA + runs[0].file() + "_summary.json");
  }

  @Test
  void theTemplatesLabHandsItsPhasesToTheExecutorItWasGiven() {
    RuntimeException refused = new RuntimeException("refused");
    Executor refusing = task -> {
      throw refused;
    };
    RuntimeException e = assertThrows(RuntimeException.class, () -> new TemplatesLab(refusing).run(SMALL));
    assertSame(refused, e);
    TemplatesLab lab = new TemplatesLab();
    assertEquals("ch06-templates", lab.name());
    assertEquals("6 (recorded runs)", lab.chapter());
    assertTrue(lab.shows().contains("28%"));
  }
}
