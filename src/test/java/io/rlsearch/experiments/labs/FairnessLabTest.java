package io.rlsearch.experiments.labs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.Action;
import io.rlsearch.core.StepInfo;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SearchSimulator;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lab 14.2 on a 100-product world (the protocol is the lab's at any catalog size; the defaults' 10,000
 * products take ten seconds or more). The book records no run, so the lab's figures are checked against a
 * recomputation written here from the definitions: exposure of a group = the sum of the query type's
 * position-bias values at the top-k positions its products hold, shares = exposures over their total, ranking
 * i from a fresh environment on seed 20251227 + i, groups looked up in the catalog of seed 20251227 (the lab's
 * quirk) or in the ranking's own, and the sweep's rankings on seeds shifted by 100 lambda while its GMV comes
 * from the unshifted seeds with a private-label boost of min(0.5, 0.1 lambda).
 */
class FairnessLabTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 100 }");
  private static final long SEED = 20251227L;

  private static LabReport report;
  private static World base;

  // Before each test, not once for the class: PIT links code run in a @BeforeAll only to the class's first
  // test, so the others would never be run against its mutants.
  @BeforeEach
  void runTheLab() {
    report = new FairnessLab().run(SMALL);
    base = World.generate(SMALL, new NumpyRandom(SEED));
  }

  private record Episode(StepInfo info, World world) {}

  private static Episode episode(double[] action, long seed) {
    SearchSimulator env = new SearchSimulator(SMALL, seed);
    env.reset();
    return new Episode(env.step(Action.of(action)).info(), env.world());
  }

  /** A ranking's exposure shares by group, by hand from the definition. */
  private static Map<String, Double> shares(StepInfo info, World groupsOf, BiFunction<World, Integer, String> group) {
    int type = SMALL.queries().queryTypes().indexOf(info.queryType());
    double[] bias = SMALL.behavior().posBias()[type];
    int k = Math.min(SMALL.topK(), info.ranking().length);
    Map<String, Double> exposure = new TreeMap<>();
    double total = 0;
    for (int pos = 0; pos < k; pos++) {
      double w = bias[Math.min(pos, bias.length - 1)];
      exposure.merge(group.apply(groupsOf, info.ranking()[pos]), w, Double::sum);
      total += w;
    }
    double t = total;
    exposure.replaceAll((g, e) -> e / t);
    return exposure;
  }

  private static double plShare(Episode e, World groupsOf) {
    return shares(e.info(), groupsOf, (w, i) -> w.catalog().isPl(i) ? "pl" : "non_pl").getOrDefault("pl", 0.0);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> row(String template) {
    return (Map<String, Object>) report.figures().get("exposure." + template);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Double>> sweep() {
    return (List<Map<String, Double>>) report.figures().get("scalarization");
  }

  private static double at(Object v) {
    return ((Number) v).doubleValue();
  }

  @Test
  void theReportHasTheThreeTemplatesAndTheSweepAndNoBookValues() {
    assertEquals("ch14-fairness", report.lab());
    assertEquals(List.of("exposure.balanced", "exposure.pl_boost", "exposure.no_boost", "scalarization"),
        List.copyOf(report.figures().keySet()));
    assertTrue(report.book().isEmpty() && report.match().isEmpty() && report.sources().isEmpty());
    for (String t : List.of("balanced", "pl_boost", "no_boost")) {
      assertEquals(List.of("pl_share", "pl_within_band_of_target", "pl_share_own_catalog", "category_l1_gap_from_uniform",
          "strategic_l1_gap_from_uniform"), List.copyOf(row(t).keySet()), t);
    }
    assertEquals(6, sweep().size());
    for (Map<String, Double> r : sweep()) {
      assertEquals(List.of("fairness_weight", "mean_gmv", "mean_cm2", "pl_exposure_share", "gap_from_parity",
          "pl_exposure_share_own_catalog"), List.copyOf(r.keySet()));
    }
    assertEquals(2, report.notes().size());
    assertTrue(report.notes().get(0).startsWith("*_own_catalog"));
    assertTrue(report.notes().get(1).contains("records no run"));
  }

  @Test
  void theExposureSharesAreTheDefinitionsOverFiftyRankingsInBothCatalogs() {
    double pl = 0;
    double own = 0;
    Map<String, Double> category = new TreeMap<>();
    Map<String, Double> strategic = new TreeMap<>();
    for (int i = 0; i < 50; i++) {
      Episode e = episode(new double[10], SEED + i);
      pl += plShare(e, base) / 50;
      own += plShare(e, e.world()) / 50;
      shares(e.info(), base, (w, p) -> SMALL.catalog().categories().get(w.catalog().category(p)))
          .forEach((g, s) -> category.merge(g, s / 50, Double::sum));
      shares(e.info(), base, (w, p) -> w.catalog().strategic(p) ? "strategic" : "non_strategic")
          .forEach((g, s) -> strategic.merge(g, s / 50, Double::sum));
    }
    Map<String, Object> none = row("no_boost");
    assertEquals(pl, at(none.get("pl_share")), 1e-12);
    assertEquals(own, at(none.get("pl_share_own_catalog")), 1e-12);
    // L1 gaps from uniform: every category at 1 / (number of categories), the two strategic groups at 1/2
    List<String> cats = SMALL.catalog().categories();
    double l1c = 0;
    for (String c : cats) {
      l1c += Math.abs(category.getOrDefault(c, 0.0) - 1.0 / cats.size());
    }
    double l1s = Math.abs(strategic.getOrDefault("strategic", 0.0) - 0.5)
        + Math.abs(strategic.getOrDefault("non_strategic", 0.0) - 0.5);
    assertEquals(l1c, at(none.get("category_l1_gap_from_uniform")), 1e-12);
    assertEquals(l1s, at(none.get("strategic_l1_gap_from_uniform")), 1e-12);
    // a private-label boost of 0.5 fills the top of every ranking with private label in its own catalog, not in
    // the lab's lookup catalog
    assertEquals(1.0, at(row("pl_boost").get("pl_share_own_catalog")), 1e-12);
    assertTrue(at(row("pl_boost").get("pl_share")) < 0.6, row("pl_boost").toString());
    assertTrue(own < 0.5, "unboosted own-catalog share " + own);
  }

  @Test
  void eachTargetIsWithinItsBandExactlyWhenTheShareIsWithinFiveHundredthsOfIt() {
    for (String t : List.of("balanced", "pl_boost", "no_boost")) {
      double share = at(row(t).get("pl_share"));
      @SuppressWarnings("unchecked")
      Map<String, Boolean> within = (Map<String, Boolean>) row(t).get("pl_within_band_of_target");
      assertEquals(List.of("0.2", "0.3", "0.4", "0.5", "0.6"), List.copyOf(within.keySet()));
      int hits = 0;
      for (Map.Entry<String, Boolean> e : within.entrySet()) {
        boolean expected = Math.abs(share - Double.parseDouble(e.getKey())) <= 0.05;
        assertEquals(expected, e.getValue(), t + " target " + e.getKey() + " share " + share);
        hits += expected ? 1 : 0;
      }
      // targets 0.1 apart with a band of 0.05: a share falls in at most two bands (and on this world in one)
      assertEquals(1, hits, t + " " + within);
    }
  }

  @Test
  void theSweepRanksOnShiftedSeedsButTakesGmvFromTheUnshiftedOnes() {
    assertEquals(List.of(0.0, 0.1, 0.5, 1.0, 2.0, 5.0), sweep().stream().map(r -> r.get("fairness_weight")).toList());
    // lambda 0.1: boost min(0.5, 0.01) on the private-label feature, rankings on seeds + 10, outcomes on seeds + 0
    // (one episode serves both where the two ranges overlap)
    double[] template = {0.2, 0.1, 0.01, 0.1, 0.1, 0, 0, 0, 0, 0};
    Episode[] bySeed = new Episode[60];
    for (int i = 0; i < 60; i++) {
      bySeed[i] = episode(template, SEED + i);
    }
    double gmv = 0;
    double cm2 = 0;
    double share = 0;
    double own = 0;
    for (int i = 0; i < 50; i++) {
      gmv += bySeed[i].info().reward().gmv() / 50;
      cm2 += bySeed[i].info().reward().cm2() / 50;
      share += plShare(bySeed[10 + i], base) / 50;
      own += plShare(bySeed[10 + i], bySeed[10 + i].world()) / 50;
    }
    Map<String, Double> tenth = sweep().get(1);
    assertEquals(gmv, tenth.get("mean_gmv"), 1e-9);
    assertEquals(cm2, tenth.get("mean_cm2"), 1e-9);
    assertEquals(share, tenth.get("pl_exposure_share"), 1e-12);
    assertEquals(own, tenth.get("pl_exposure_share_own_catalog"), 1e-12);
    for (Map<String, Double> r : sweep()) {
      assertEquals(Math.abs(r.get("pl_exposure_share") - 0.5), r.get("gap_from_parity"), 1e-15);
    }
    // lambda 5 boosts the private label by 0.5: in their own catalogs those rankings are almost all private label,
    // while lambda 0 leaves the unboosted mix
    assertTrue(sweep().get(5).get("pl_exposure_share_own_catalog") > 0.95, sweep().get(5).toString());
    assertTrue(sweep().get(0).get("pl_exposure_share_own_catalog") < 0.5, sweep().get(0).toString());
    // lambda 0 and 5 differ in the boost, so do their outcomes on the same seeds
    assertTrue(Math.abs(sweep().get(0).get("mean_gmv") - sweep().get(5).get("mean_gmv")) > 0.1, sweep().toString());
  }

  @Test
  void theLabSaysWhatItIs() {
    FairnessLab lab = new FairnessLab();
    assertEquals("ch14-fairness", lab.name());
    assertEquals("14 (Lab 14.2)", lab.chapter());
    assertTrue(lab.shows().contains("exposure"));
  }
}
