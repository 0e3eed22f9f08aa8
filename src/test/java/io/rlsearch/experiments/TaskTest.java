package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.sim.ContextFeatures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The tasks' shapes, descriptions and limits. */
class TaskTest {
  @Test
  void boostTemplatesHaveEightArmsNoContinuousActionAndNameTheirFeatures() {
    Task.BoostTemplates t = new Task.BoostTemplates(TemplateBandits.FeatureMode.RICH_EST);
    assertEquals(8, t.arms());
    assertEquals(0, t.actionDim());
    assertEquals("8 boost templates, rich_est features", t.describe());
    assertEquals("8 boost templates, simple features",
        new Task.BoostTemplates(TemplateBandits.FeatureMode.SIMPLE).describe());
  }

  @Test
  void boostWeightsNeedAPositiveBox() {
    List<double[]> one = List.of(new double[10]);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Task.BoostWeights(ContextFeatures.Mode.SIMPLE, 0.0, one));
    assertEquals("a_max must be > 0, got 0.0", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Task.BoostWeights(ContextFeatures.Mode.SIMPLE, -1e-9, one));
    assertThrows(IllegalArgumentException.class,
        () -> new Task.BoostWeights(ContextFeatures.Mode.SIMPLE, Double.NaN, one));
    // a hair above 0 is a box
    assertEquals(Double.MIN_VALUE, new Task.BoostWeights(ContextFeatures.Mode.SIMPLE, Double.MIN_VALUE, one).aMax());
    IllegalArgumentException len = assertThrows(IllegalArgumentException.class,
        () -> new Task.BoostWeights(ContextFeatures.Mode.SIMPLE, 1.0, List.of(new double[9])));
    assertEquals("arm weights need 10 values, got 9", len.getMessage());
  }

  @Test
  void boostWeightsReturnCopiesOfTheirArms() {
    double[] w = new double[10];
    w[3] = 1.5;
    Task.BoostWeights t = new Task.BoostWeights(ContextFeatures.Mode.RICH, 2.0, List.of(new double[10], w));
    w[3] = 9; // the caller's array is not the task's
    assertEquals(2, t.arms());
    assertEquals(10, t.actionDim());
    List<double[]> arms = t.armWeights();
    assertEquals(2, arms.size());
    assertArrayEquals(new double[10], arms.get(0), 0.0);
    double[] expected = new double[10];
    expected[3] = 1.5;
    assertArrayEquals(expected, arms.get(1), 0.0);
    arms.get(1)[3] = -4; // nor is the returned one
    assertArrayEquals(expected, t.armWeights().get(1), 0.0);
    assertNotSame(t.armWeights().get(1), t.armWeights().get(1));
    assertEquals("10 boost weights in [-2.0, 2.0], rich features", t.describe());
  }

  @Test
  void theBattlesTasksCarryTheTemplatesOntoTheBoostFeatures() {
    Task.BoostWeights b = Task.BoostWeights.battleTemplates();
    assertEquals(ContextFeatures.Mode.RICH_EST, b.features());
    assertEquals(3.0, b.aMax());
    assertEquals(8, b.arms());
    assertEquals(Task.BoostWeights.BATTLE_ARMS.size(), b.arms());
    // Neutral, +3 cm2 (0), +3 is_pl (2), +3 affinity (3), +3 bestseller (4), +3 price (5), -3 price, +3 discount (1)
    int[] axis = {-1, 0, 2, 3, 4, 5, 5, 1};
    double[] value = {0, 3, 3, 3, 3, 3, -3, 3};
    for (int a = 0; a < 8; a++) {
      double[] expected = new double[10];
      if (axis[a] >= 0) {
        expected[axis[a]] = value[a];
      }
      assertArrayEquals(expected, b.armWeights().get(a), 0.0, Task.BoostWeights.BATTLE_ARMS.get(a));
    }
    assertEquals("10 boost weights in [-3.0, 3.0], rich_est features", b.describe());
    Task.BoostWeights ref = Task.BoostWeights.battle();
    assertEquals(4, ref.arms());
    double[] conversion = new double[10];
    conversion[1] = 3.0;
    assertArrayEquals(conversion, ref.armWeights().get(2), 0.0);
  }

  @Test
  void slatesNeedTwoCandidatesAndOneFeature() {
    Task.Slate smallest = new Task.Slate(2, 1);
    assertEquals(2, smallest.actionDim());
    assertEquals(0, smallest.arms());
    IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> new Task.Slate(1, 10));
    assertEquals("a slate task needs >= 2 candidates and >= 1 feature, got 1 and 10", c.getMessage());
    IllegalArgumentException f = assertThrows(IllegalArgumentException.class, () -> new Task.Slate(2, 0));
    assertEquals("a slate task needs >= 2 candidates and >= 1 feature, got 2 and 0", f.getMessage());
    Task.Slate ref = Task.Slate.reference();
    assertEquals(50, ref.actionDim());
    assertEquals(10, ref.itemDim());
    assertEquals("scores for 50 candidates (10 features each), slate env context", ref.describe());
    assertEquals("scores for 3 candidates (7 features each), slate env context", new Task.Slate(3, 7).describe());
  }
}
