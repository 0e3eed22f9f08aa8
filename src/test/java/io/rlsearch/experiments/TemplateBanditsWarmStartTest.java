package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.agents.bandit.BanditDiagnostics;
import io.rlsearch.experiments.TemplateBandits.FeatureMode;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import java.util.Map;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/**
 * TemplateBandits' warm start checked against the ridge algebra on one-episode runs, the per-segment
 * GMV of one episode, the seeds of the best static template's re-run, the settings label and how a
 * phase's failure comes back from {@link TemplateBandits#run}.
 */
class TemplateBanditsWarmStartTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 500 }");
  /** Simple features: 4 segment + 3 query-type one-hots + bias. */
  private static final int DIM = 8;

  private static TemplateBandits.Settings simple(int nBandit, long banditSeed, int prior) {
    return new TemplateBandits.Settings(FeatureMode.SIMPLE, TemplateBandits.Estimator.CH06, 5, nBandit, 20250322,
        banditSeed, prior, 1.0, 1.0);
  }

  /**
   * With prior weight p, every template's arm gets p updates on the bias vector e (last slot) with
   * its static reward r: A = I + p e e', b = p r e. An arm the one bandit episode did not pick keeps
   * trace(A^-1) = (DIM - 1) + 1 / (1 + p) and theta = p r / (1 + p) e.
   */
  private static void warmStarted(BanditDiagnostics d, int p, double[] r) {
    int picked = 0;
    for (int t = 0; t < 8; t++) {
      if (d.selections()[t] == 1) {
        picked++;
        continue;
      }
      assertEquals(DIM - 1 + 1.0 / (1 + p), d.traceInverse()[t], 1e-12, "arm " + t);
      assertEquals(p * Math.abs(r[t]) / (1 + p), d.thetaNorms()[t], 1e-12, "arm " + t);
    }
    assertEquals(1, picked);
  }

  @Test
  void theWarmStartGivesEachTemplatePriorWeightUpdatesOnTheBias() {
    double[] r = {1, 2, 3, 4, 5, 6, 7, 8};
    TemplateBandits tb = new TemplateBandits(SMALL, simple(1, 9, 3));
    warmStarted(tb.banditRun(true, r).diagnostics(), 3, r);
    warmStarted(tb.banditRun(false, r).diagnostics(), 3, r);
    TemplateBandits one = new TemplateBandits(SMALL, simple(1, 9, 1));
    warmStarted(one.banditRun(true, r).diagnostics(), 1, r);
    // no prior: the unpicked arms are untouched, trace(I^-1) = DIM
    BanditDiagnostics none = new TemplateBandits(SMALL, simple(1, 9, 0)).banditRun(true, null).diagnostics();
    for (int t = 0; t < 8; t++) {
      if (none.selections()[t] == 0) {
        assertEquals(DIM, none.traceInverse()[t], 1e-12);
        assertEquals(0.0, none.thetaNorms()[t]);
      }
    }
  }

  @Test
  void oneEpisodesSegmentGmvIsTheRunsGmv() {
    TemplateBandits.BanditRun run = new TemplateBandits(SMALL, simple(1, 4, 0)).banditRun(true, null);
    Map<String, Double> seg = run.perSegmentGmv();
    assertEquals(1, seg.size());
    assertEquals(run.means().gmv(), seg.values().iterator().next(), 0.0);
  }

  @Test
  void theBestStaticReRunIsOnBanditSeedPlusThree() {
    // A fresh LinUCB ties every arm and picks template 0: its one-episode run on bandit_seed' + 1 plays
    // template 0 on the same episode as the best-static re-run of template 0 on bandit_seed + 3.
    TemplateBandits.BanditRun lin = new TemplateBandits(SMALL, simple(1, 12, 0)).banditRun(true, null);
    assertEquals(1, lin.diagnostics().selections()[0]);
    Map<String, Double> reRun = new TemplateBandits(SMALL, simple(1, 10, 0)).bestStaticPerSegment(0);
    assertEquals(lin.perSegmentGmv(), reRun);
    Map<String, Double> other = new TemplateBandits(SMALL, simple(1, 16, 0)).bestStaticPerSegment(0);
    assertEquals(false, other.equals(reRun), "another seed, another episode");
  }

  @Test
  void theLabelNamesEverySetting() {
    assertEquals("features=simple, n_static=5, n_bandit=40, world_seed=20250322, bandit_seed=3, prior=2,"
        + " lin_alpha=1.00, ts_sigma=1.00", TemplateBandits.describe(simple(40, 3, 2)));
    TemplateBandits.Settings est = new TemplateBandits.Settings(FeatureMode.RICH_EST, TemplateBandits.Estimator.CH06,
        7, 8, 1, 2, 12, 0.85, 0.7);
    assertEquals("features=rich_est, n_static=7, n_bandit=8, world_seed=1, bandit_seed=2, prior=12,"
        + " lin_alpha=0.850, ts_sigma=0.700", TemplateBandits.describe(est));
  }

  @Test
  void theWorldIsDrawnFromTheWorldSeed() {
    TemplateBandits tb = new TemplateBandits(SMALL, simple(1, 1, 0));
    assertEquals(500, tb.world().catalog().size());
    assertEquals(20250322L, tb.world().settings().seed());
  }

  @Test
  void aPhaseFailureComesBackAsRaised() {
    IllegalStateException refused = new IllegalStateException("no thread for this phase");
    int[] calls = {0};
    // the sweep runs on the caller; every later phase is refused by the executor
    Executor firstOnly = task -> {
      if (calls[0]++ > 0) {
        throw refused;
      }
      task.run();
    };
    TemplateBandits tb = new TemplateBandits(SMALL, simple(1, 1, 0));
    assertSame(refused, assertThrows(IllegalStateException.class, () -> tb.run(firstOnly)));
  }
}
