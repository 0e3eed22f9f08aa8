package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.experiments.TemplateBandits.FeatureMode;
import io.rlsearch.experiments.TemplateBandits.RichRegularization;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The template bandits' names, parsers, default settings, best-static name and per-segment GMV. */
class TemplateBanditsPartsTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 500 }");

  @Test
  void featureModesParseFromTheirCommandLineNames() {
    assertEquals(FeatureMode.SIMPLE, FeatureMode.parse("simple"));
    assertEquals(FeatureMode.RICH, FeatureMode.parse("rich"));
    assertEquals(FeatureMode.RICH_EST, FeatureMode.parse("rich_est"));
    assertEquals("rich_est", FeatureMode.RICH_EST.cliName());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureMode.parse("RICH"));
    assertEquals("features must be one of simple, rich, rich_est; got 'RICH'", e.getMessage());
  }

  @Test
  void richRegularizationsParseFromTheirCommandLineNames() {
    assertEquals(RichRegularization.NONE, RichRegularization.parse("none"));
    assertEquals(RichRegularization.BLEND, RichRegularization.parse("blend"));
    assertEquals(RichRegularization.QUANTIZED, RichRegularization.parse("quantized"));
    assertEquals("none", RichRegularization.NONE.cliName());
    assertEquals("blend", RichRegularization.BLEND.cliName());
    assertEquals("quantized", RichRegularization.QUANTIZED.cliName());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RichRegularization.parse("quant"));
    assertEquals("rich regularization must be none, blend or quantized; got 'quant'", e.getMessage());
  }

  @Test
  void theDefaultsAreTheReferences() {
    // resolve_prior_weight: 0, 6, 12; resolve_lin_alpha: 1.0, 1.0, 0.85; resolve_ts_sigma: 1.0, 1.0, 0.7
    assertEquals(0, TemplateBandits.Settings.defaultPriorWeight(FeatureMode.SIMPLE));
    assertEquals(6, TemplateBandits.Settings.defaultPriorWeight(FeatureMode.RICH));
    assertEquals(12, TemplateBandits.Settings.defaultPriorWeight(FeatureMode.RICH_EST));
    assertEquals(1.0, TemplateBandits.Settings.defaultLinAlpha(FeatureMode.SIMPLE));
    assertEquals(1.0, TemplateBandits.Settings.defaultLinAlpha(FeatureMode.RICH));
    assertEquals(0.85, TemplateBandits.Settings.defaultLinAlpha(FeatureMode.RICH_EST));
    assertEquals(1.0, TemplateBandits.Settings.defaultTsSigma(FeatureMode.SIMPLE));
    assertEquals(1.0, TemplateBandits.Settings.defaultTsSigma(FeatureMode.RICH));
    assertEquals(0.7, TemplateBandits.Settings.defaultTsSigma(FeatureMode.RICH_EST));
  }

  @Test
  void theBestStaticNameIsTheNameOfTheRowItPoints() {
    TemplateBandits.Means m = new TemplateBandits.Means(1, 2, 3, 4);
    List<TemplateBandits.StaticRow> rows = List.of(new TemplateBandits.StaticRow("Neutral", m),
        new TemplateBandits.StaticRow("High Margin", m), new TemplateBandits.StaticRow("CM2 Boost", m));
    assertEquals("High Margin", new TemplateBandits.Result(null, rows, 1, Map.of(), null, null).bestStaticName());
    assertEquals("CM2 Boost", new TemplateBandits.Result(null, rows, 2, Map.of(), null, null).bestStaticName());
  }

  private static TemplateBandits bandits(int nBandit) {
    return new TemplateBandits(SMALL, new TemplateBandits.Settings(FeatureMode.SIMPLE, TemplateBandits.Estimator.CH06,
        1, nBandit, 20250322, 32, 0, 1.0, 1.0));
  }

  @Test
  void whenEveryEpisodeFallsInOneSegmentItsMeanGmvIsTheRunsMeanGmv() {
    // Bandit seed 32: LinUCB's first three episodes all draw a pl_lover user and one of the first two
    // buys; the segment's mean GMV is then the run's: the GMV summed over the episodes, divided by their number.
    TemplateBandits.BanditRun[] runs = new TemplateBandits.BanditRun[4];
    for (int n = 1; n <= 3; n++) {
      runs[n] = bandits(n).banditRun(true, null);
      assertEquals(1, runs[n].perSegmentGmv().size(), "episodes " + n + ": " + runs[n].perSegmentGmv());
      assertEquals(runs[n].means().gmv(), runs[n].perSegmentGmv().get("pl_lover"), 1e-12, "episodes " + n);
    }
    // the runs are prefixes of one another: the third episode adds no GMV, so the mean drops by 2/3
    assertEquals(runs[2].means().gmv() * 2 / 3, runs[3].means().gmv(), 1e-12);
    assertTrue(runs[3].means().gmv() > 1, "a run with a purchase: " + runs[3].means());
  }
}
