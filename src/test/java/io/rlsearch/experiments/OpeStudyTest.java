package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.eval.ope.DecisionLog;
import io.rlsearch.eval.ope.Estimate;
import io.rlsearch.eval.ope.LoggedDecision;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpeStudyTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 500 }");
  @TempDir Path dir;

  private static OpeStudy.Settings settings(String behavior, String target, int n) {
    return new OpeStudy.Settings(PolicySpec.parse(behavior), PolicySpec.parse(target), n, n, 31,
        TemplateBandits.FeatureMode.RICH, 10, 0, 2);
  }

  @Test
  void specsParseWithDefaultsAndRefuseBadInputWithTheAcceptedValues() {
    PolicySpec s = PolicySpec.parse("epsilon-greedy:eps=0.2,base=best-static");
    assertEquals("epsilon-greedy:base=best-static,eps=0.2", s.toString());
    assertEquals(2000, s.intParam("episodes", 2000));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PolicySpec.parse("greedy"))
        .getMessage().contains("kinds: uniform, template"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PolicySpec.parse("softmax:temp=2"))
        .getMessage().contains("keys: alpha, base, episodes, tau"));
    assertThrows(IllegalArgumentException.class, () -> PolicySpec.parse("epsilon-greedy:eps=1.5"));
    assertThrows(IllegalArgumentException.class, () -> PolicySpec.parse("template:id=8"));
    assertThrows(IllegalArgumentException.class, () -> PolicySpec.parse("template"));
    assertThrows(IllegalArgumentException.class, () -> PolicySpec.parse("epsilon-greedy:base=ts"));
    assertThrows(IllegalArgumentException.class, () -> PolicySpec.parse("linucb:episodes=x"));
  }

  @Test
  void theLoggedFileIsWhatTheEstimatorsReadAndPropensitiesAreExact() {
    Path log = dir.resolve("log.jsonl");
    OpeStudy.Result r = new OpeStudy(SMALL, settings("epsilon-greedy:eps=0.4,base=linucb,episodes=100",
        "template:name=Premium", 300)).run(Optional.of(log));
    assertEquals(300, r.logged());
    assertEquals(300, r.evaluated());
    List<LoggedDecision> read = DecisionLog.read(log);
    assertEquals(300, read.size());
    for (LoggedDecision d : read) {
      double[] p = d.probabilities();
      assertEquals(1.0, java.util.Arrays.stream(p).sum(), 1e-12);
      assertEquals(p[d.arm()], d.propensity());
      // eps/8 everywhere, plus 1 - eps on the greedy template.
      for (double v : p) {
        assertTrue(Math.abs(v - 0.05) < 1e-12 || Math.abs(v - 0.65) < 1e-12, "probability " + v);
      }
    }
    assertEquals(List.of("ips", "clipped_ips", "snips", "pdis", "dm", "dr", "switch_dr"),
        List.copyOf(r.estimators().keySet()));
  }

  @Test
  void whenBehaviourEqualsTargetImportanceWeightsAreOneAndIpsIsTheLoggedMean() {
    OpeStudy.Result r = new OpeStudy(SMALL, settings("uniform", "uniform", 400)).run(Optional.empty());
    Estimate ips = r.estimators().get("ips");
    assertEquals(r.behaviorValue().mean(), ips.value(), 1e-9);
    assertEquals(400, ips.ess(), 1e-9);
    assertEquals(1.0, ips.maxWeight(), 1e-12);
  }

  @Test
  void theStudyIsReproducibleFromItsSeed() {
    OpeStudy.Settings s = settings("softmax:tau=0.5,base=best-static,episodes=50", "linucb:episodes=100", 200);
    OpeStudy.Result a = new OpeStudy(SMALL, s).run(Optional.empty());
    OpeStudy.Result b = new OpeStudy(SMALL, s).run(Optional.empty());
    assertEquals(a.estimators(), b.estimators());
    assertEquals(a.truth(), b.truth());
  }

  @Test
  void estimatesCoverTheOnPolicyTruthOnAStochasticTarget() {
    // Uniform logging, softmax target: every weight is bounded (<= 8), so IPS and DR are well behaved.
    // With 3,000 episodes each the truth's own CI half-width is about 0.5; require DR's estimate within
    // its CI widened by the truth's half-width.
    OpeStudy.Result r = new OpeStudy(SMALL, settings("uniform", "softmax:tau=2,base=best-static,episodes=200", 3000))
        .run(Optional.empty());
    for (String name : List.of("ips", "snips", "dr")) {
      Estimate e = r.estimators().get(name);
      double slack = r.truth().halfWidth();
      assertTrue(e.ciLow() - slack <= r.truth().mean() && r.truth().mean() <= e.ciHigh() + slack,
          name + " " + e + " vs truth " + r.truth());
    }
  }
}
