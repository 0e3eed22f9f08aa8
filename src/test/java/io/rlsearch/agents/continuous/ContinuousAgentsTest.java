package io.rlsearch.agents.continuous;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.AgentState;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fixed continuous policies: constant, uniform, mixture and frozen, and the builder they share. */
class ContinuousAgentsTest {
  private static final double[] X = {0.3, -0.7};

  @Test
  void constantPlaysItsWeightsWithPropensityOneAtTheAskedVersion() {
    double[] w = {0.25, -1.5, 2.0};
    AgentBuilder b = ContinuousAgents.constant("static", w);
    w[0] = 9; // the builder keeps its own copy
    assertEquals("static", b.name());
    UpdateRule rule = b.create(4, 3);
    assertFalse(rule.learns());
    PolicySnapshot p = rule.snapshot(7);
    assertEquals("static", p.agent());
    assertEquals(7, p.version());
    NumpyRandom rng = new NumpyRandom(1);
    Decision d = p.act(X, rng);
    assertEquals(Decision.continuous(new double[] {0.25, -1.5, 2.0}, 1.0), d);
    assertEquals(new NumpyRandom(1).nextRaw(), rng.nextRaw(), "a constant policy draws nothing");
  }

  @Test
  void uniformDrawsEachWeightInTheBoxAndLogsTheBoxDensity() {
    AgentBuilder b = ContinuousAgents.uniform("random", 2, 1.5);
    assertEquals("random", b.name());
    PolicySnapshot p = b.create(0, 2).snapshot(3);
    assertEquals("random", p.agent());
    assertEquals(3, p.version());
    NumpyRandom rng = new NumpyRandom(42);
    NumpyRandom q = new NumpyRandom(42);
    for (int t = 0; t < 5; t++) {
      Decision d = p.act(X, rng);
      double a0 = -1.5 + 3.0 * q.random();
      double a1 = -1.5 + 3.0 * q.random();
      assertArrayEquals(new double[] {a0, a1}, d.action());
      // (2 * 1.5)^-2 = 1/9
      assertEquals(1.0 / 9.0, d.propensity(), 1e-15);
      assertTrue(d.continuous());
    }
  }

  private static double gaussian2(double[] a, double[] c, double sigma) {
    double ss = (a[0] - c[0]) * (a[0] - c[0]) + (a[1] - c[1]) * (a[1] - c[1]);
    return Math.exp(-ss / (2 * sigma * sigma)) / (2 * Math.PI * sigma * sigma);
  }

  @Test
  void mixtureDrawsAComponentPerDecisionAndLogsTheMixturesExactDensity() {
    double[] c1 = {0.5, -1.0};
    double[] c2 = {-0.25, 0.75};
    List<double[]> comps = new ArrayList<>(Arrays.asList(null, c1, c2));
    AgentBuilder b = ContinuousAgents.mixture("mix", comps, 2, 0.5, 1.5);
    c1[0] = 100; // the mixture keeps its own copies
    comps.clear();
    double[] k1 = {0.5, -1.0};
    double[] k2 = {-0.25, 0.75};
    assertEquals("mix", b.name());
    PolicySnapshot p = b.create(0, 2).snapshot(5);
    assertEquals("mix", p.agent());
    assertEquals(5, p.version());
    NumpyRandom rng = new NumpyRandom(8);
    NumpyRandom q = new NumpyRandom(8);
    int[] picked = new int[3];
    int outside = 0;
    for (int t = 0; t < 200; t++) {
      Decision d = p.act(X, rng);
      int k = (int) q.integers(0, 3);
      picked[k]++;
      double[] a = new double[2];
      for (int i = 0; i < 2; i++) {
        a[i] = k == 0 ? -1.5 + 3.0 * q.random() : (k == 1 ? k1 : k2)[i] + 0.5 * q.standardNormal();
      }
      assertArrayEquals(a, d.action(), 1e-15, "decision " + t);
      boolean inside = Math.abs(a[0]) <= 1.5 && Math.abs(a[1]) <= 1.5;
      outside += inside ? 0 : 1;
      // (uniform 1/9 inside the box + N(a; c1, 0.25 I) + N(a; c2, 0.25 I)) / 3
      double expected = ((inside ? 1.0 / 9.0 : 0.0) + gaussian2(a, k1, 0.5) + gaussian2(a, k2, 0.5)) / 3;
      assertEquals(expected, d.propensity(), 1e-12 * expected, "decision " + t);
    }
    assertTrue(picked[0] > 0 && picked[1] > 0 && picked[2] > 0, Arrays.toString(picked));
    assertTrue(outside > 0, "some Gaussian draws must leave the box");
  }

  /** A seed whose first decision from mixture [uniform, N(0, 1)] is the Gaussian's, with a draw of the asked sign. */
  private static double[] gaussianDraw(boolean positive) {
    for (long seed = 0; ; seed++) {
      NumpyRandom q = new NumpyRandom(seed);
      if (q.integers(0, 2) == 1) {
        double a = q.standardNormal();
        if ((a > 0) == positive && Math.abs(a) > 0.2) {
          return new double[] {seed, a};
        }
      }
    }
  }

  @Test
  void theUniformComponentCountsAnActionExactlyOnTheBoxEdge() {
    for (boolean positive : new boolean[] {true, false}) {
      double[] sa = gaussianDraw(positive);
      double a = sa[1];
      double aMax = Math.abs(a); // the drawn action lies exactly on the edge of [-aMax, aMax]
      List<double[]> comps = Arrays.asList(null, new double[] {0.0});
      Decision d = ContinuousAgents.mixture("edge", comps, 1, 1.0, aMax).create(0, 1).snapshot(0)
          .act(X, new NumpyRandom((long) sa[0]));
      assertArrayEquals(new double[] {a}, d.action());
      double expected = (1 / (2 * aMax) + Math.exp(-a * a / 2) / Math.sqrt(2 * Math.PI)) / 2;
      assertEquals(expected, d.propensity(), 1e-12 * expected, "draw " + a);
    }
  }

  @Test
  void aSingleGaussianMixtureIsThatGaussian() {
    Decision d = ContinuousAgents.mixture("g", List.<double[]>of(new double[] {1.0, 2.0}), 2, 2.0, 1.0).create(0, 2)
        .snapshot(0).act(X, new NumpyRandom(4));
    NumpyRandom q = new NumpyRandom(4);
    double[] a = {1.0 + 2.0 * q.standardNormal(), 2.0 + 2.0 * q.standardNormal()};
    assertArrayEquals(a, d.action(), 1e-15);
    assertEquals(gaussian2(a, new double[] {1.0, 2.0}, 2.0), d.propensity(), 1e-12 * d.propensity());
  }

  @Test
  void mixtureSettingsAreCheckedAtTheirLimits() {
    List<double[]> one = List.<double[]>of(new double[] {0.0});
    String msg = "a mixture needs components, sigma > 0 and a_max > 0";
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> ContinuousAgents.mixture("m", List.of(), 1, 1.0, 1.0)).getMessage());
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> ContinuousAgents.mixture("m", one, 1, 0.0, 1.0)).getMessage());
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> ContinuousAgents.mixture("m", one, 1, 1.0, 0.0)).getMessage());
    assertEquals(msg, assertThrows(IllegalArgumentException.class,
        () -> ContinuousAgents.mixture("m", one, 1, Double.NaN, 1.0)).getMessage());
    assertDoesNotThrow(() -> ContinuousAgents.mixture("m", one, 1, Double.MIN_VALUE, 1.0));
    assertDoesNotThrow(() -> ContinuousAgents.mixture("m", one, 1, 1.0, Double.MIN_VALUE));
    assertEquals("a component centre needs 2 values, got 3", assertThrows(IllegalArgumentException.class,
        () -> ContinuousAgents.mixture("m", List.<double[]>of(new double[3]), 2, 1.0, 1.0)).getMessage());
    assertDoesNotThrow(() -> ContinuousAgents.mixture("m", Arrays.asList((double[]) null), 2, 1.0, 1.0));
  }

  @Test
  void aUniformOnlyMixtureLogsTheBoxDensity() {
    Decision d = ContinuousAgents.mixture("u", Arrays.asList((double[]) null), 3, 1.0, 0.5).create(0, 3).snapshot(0)
        .act(X, new NumpyRandom(6));
    NumpyRandom q = new NumpyRandom(6);
    assertArrayEquals(new double[] {-0.5 + q.random(), -0.5 + q.random(), -0.5 + q.random()}, d.action(), 1e-15);
    assertEquals(1.0, d.propensity(), 1e-15); // (2 * 0.5)^-3
  }

  @Test
  void frozenServesThePolicyOfTheAskedVersion() {
    List<Long> asked = new ArrayList<>();
    AgentBuilder b = ContinuousAgents.frozen("offline", v -> {
      asked.add(v);
      return ContinuousAgents.constant("offline", new double[] {v}).create(0, 1).snapshot(v);
    });
    assertEquals("offline", b.name());
    PolicySnapshot p = b.create(2, 1).snapshot(12);
    assertEquals(List.of(12L), asked);
    assertEquals(12, p.version());
    assertArrayEquals(new double[] {12.0}, p.act(X, new NumpyRandom(0)).action());
  }

  @Test
  void theFixedBuilderRestoresFromASnapshotOrItsOwnStateOnly() {
    AgentBuilder b = ContinuousAgents.constant("static", new double[] {0.5});
    UpdateRule rule = b.create(0, 1);
    rule.observe(X, Decision.continuous(new double[] {0.5}, 1.0), 3.0); // learns nothing
    AgentState state = rule.state().orElseThrow();
    assertEquals(new AgentState("static", Map.of(), Map.of()), state);
    assertEquals("static", state.agent());

    UpdateRule fromState = b.restoreState(state);
    assertNotNull(fromState);
    assertFalse(fromState.learns());
    assertEquals(state, fromState.state().orElseThrow());
    assertEquals(rule.snapshot(4).act(X, new NumpyRandom(0)), fromState.snapshot(4).act(X, new NumpyRandom(0)));

    UpdateRule fromSnapshot = b.restore(rule.snapshot(9));
    assertNotNull(fromSnapshot);
    assertEquals(9, fromSnapshot.snapshot(9).version());
    assertArrayEquals(new double[] {0.5}, fromSnapshot.snapshot(9).act(X, new NumpyRandom(0)).action());

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> b.restoreState(new AgentState("random", Map.of(), Map.of())));
    assertEquals("the state is agent 'random''s, not 'static''s", e.getMessage());
    assertSame(IllegalArgumentException.class, e.getClass());
  }
}
