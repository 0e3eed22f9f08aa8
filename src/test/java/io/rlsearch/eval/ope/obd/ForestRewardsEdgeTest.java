package io.rlsearch.eval.ope.obd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.eval.ope.obd.ForestRewards.ForestParams;
import org.junit.jupiter.api.Test;

/**
 * The forest reward model on data small enough that its estimates are known exactly: a forest
 * trained on rounds that all have the same label estimates that label (its leaves hold nothing
 * else), and one trained on a feature that separates the labels estimates 0 and 1.
 */
class ForestRewardsEdgeTest {
  @Test
  void smallestForestIsOneTreeOfDepthOne() {
    ForestParams p = new ForestParams(1, 1, Float.MIN_VALUE, 0);
    assertEquals(1, p.trees());
    assertEquals(1, p.maxDepth());
  }

  @Test
  void thePipelinesForestIsThirtyTreesOfDepthFive() {
    assertEquals(new ForestParams(30, 5, 10f, 12345L), ForestParams.obp());
  }

  /**
   * Two folds, two positions, 16 rounds: round i is in fold i % 2 at position (i / 2) % 2 and is
   * clicked when its fold equals its position. The model for fold k and position p learns from the
   * other fold at position p, whose rounds are all clicked when 1 - k = p and none otherwise, so a
   * round of fold k is estimated 1 at position 1 - k and 0 at position k, for any action.
   */
  @Test
  void eachRoundIsEstimatedByTheModelOfTheOtherFoldAtThePosition() {
    int n = 16;
    double[][] context = new double[n][0];
    double[][] actionContext = {{1.0, 1.0}, {1.0, 1.0}};
    int[] actions = new int[n];
    int[] positions = new int[n];
    int[] rewards = new int[n];
    int[] fold = new int[n];
    for (int i = 0; i < n; i++) {
      fold[i] = i % 2;
      positions[i] = (i / 2) % 2;
      rewards[i] = fold[i] == positions[i] ? 1 : 0;
      actions[i] = i % 3 == 0 ? 1 : 0;
    }
    ForestRewards q = ForestRewards.crossFit(context, actionContext, actions, positions, rewards, fold, 2, 2,
        new ForestParams(3, 2, 1f, 7));
    assertEquals(3, q.trees());
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < 2; a++) {
        assertEquals(fold[i] == 0 ? 0.0 : 1.0, q.at(i, a, 0), 0.0, "round " + i + " action " + a + " position 0");
        assertEquals(fold[i] == 0 ? 1.0 : 0.0, q.at(i, a, 1), 0.0, "round " + i + " action " + a + " position 1");
      }
    }
    double[][][] table = q.table();
    assertEquals(1.0, table[1][0][0], 0.0);
    assertEquals(0.0, table[0][1][0], 0.0);
  }

  /**
   * The action's context is part of each row: rounds with action 1 (features 2, 2) are clicked,
   * those with action 0 (features 1, 1) are not, so every tree splits on one of them and the
   * estimates are 1 for action 1 and 0 for action 0, whatever the round.
   */
  @Test
  void theActionsContextSeparatesTheClicks() {
    int n = 40;
    double[][] context = new double[n][0];
    double[][] actionContext = {{1.0, 1.0}, {2.0, 2.0}};
    int[] actions = new int[n];
    int[] rewards = new int[n];
    int[] fold = new int[n];
    for (int i = 0; i < n; i++) {
      actions[i] = (i / 2) % 2;
      rewards[i] = actions[i];
      fold[i] = i % 2;
    }
    ForestRewards q = ForestRewards.crossFit(context, actionContext, actions, new int[n], rewards, fold, 2, 1,
        new ForestParams(5, 3, 1f, 3));
    for (int i = 0; i < n; i++) {
      assertEquals(0.0, q.at(i, 0, 0), 0.0, "round " + i + " action 0");
      assertEquals(1.0, q.at(i, 1, 0), 0.0, "round " + i + " action 1");
    }
  }

  /**
   * Each split tries {@code floor(sqrt(width))} random features, as scikit-learn's {@code
   * max_features="sqrt"}: with 4 columns, 2. Column 0 separates the labels and columns 1 to 3 are
   * constant, so a root that draws two constant columns cannot split; that happens with probability
   * {@code C(3,2) / C(4,2) = 1/2}, so about half of 40 trees (binomial: 8 to 32 at about four
   * standard deviations) are a single leaf. Trying every column would split every root.
   */
  @Test
  void eachSplitTriesTheSquareRootOfTheColumns() {
    int n = 60;
    double[][] x = new double[n][];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 2;
      x[i] = new double[] {1 + y[i], 1, 1, 1};
    }
    ForestRewards.Forest forest = ForestRewards.compile(ForestRewards.train(x, y, new ForestParams(40, 3, 1f, 5)), 4);
    int leaves = 0;
    for (int t = 0; t < forest.trees(); t++) {
      leaves += forest.feature[t][0] < 0 ? 1 : 0;
    }
    assertEquals(40, forest.trees());
    assertTrue(leaves >= 8 && leaves <= 32, leaves + " of 40 roots did not split");
  }

  /** A tree that uses a column beyond the width it is compiled for is refused, the last column included. */
  @Test
  void compilingForFewerColumnsThanTheTreesUseIsRefused() {
    int n = 30;
    double[][] x = new double[n][];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = i % 2;
      x[i] = new double[] {1, 1, 1 + y[i]};
    }
    var model = ForestRewards.train(x, y, new ForestParams(2, 2, 1f, 1));
    assertEquals(2, ForestRewards.compile(model, 3).trees());
    assertEquals("tree feature f00002 is outside the 2 columns",
        assertThrows(IllegalStateException.class, () -> ForestRewards.compile(model, 2)).getMessage());
  }

  /**
   * One column (no round context, one action feature) is a forest whose splits try that column:
   * {@code floor(sqrt(1)) = 1}. Action 1 (feature 2) is clicked, action 0 (feature 1) is not, so the
   * estimates are exactly 1 and 0.
   */
  @Test
  void oneColumnIsEnoughForAForest() {
    int n = 40;
    double[][] context = new double[n][0];
    double[][] actionContext = {{1.0}, {2.0}};
    int[] actions = new int[n];
    int[] fold = new int[n];
    for (int i = 0; i < n; i++) {
      actions[i] = (i / 2) % 2;
      fold[i] = i % 2;
    }
    ForestRewards q = ForestRewards.crossFit(context, actionContext, actions, new int[n], actions.clone(), fold, 2, 1,
        new ForestParams(5, 3, 1f, 3));
    for (int i = 0; i < n; i++) {
      assertEquals(0.0, q.at(i, 0, 0), 0.0, "round " + i + " action 0");
      assertEquals(1.0, q.at(i, 1, 0), 0.0, "round " + i + " action 1");
    }
  }
}
