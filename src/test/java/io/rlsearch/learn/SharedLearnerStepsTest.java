package io.rlsearch.learn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.core.random.NumpyRandom;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Models of one learner step side by side on their own threads, at most the learner's permits at once,
 * and each model's weights are those it reaches alone.
 */
class SharedLearnerStepsTest {
  private static final ExecutorService THREADS = Executors.newFixedThreadPool(2, r -> {
    Thread t = new Thread(r, "steps-test");
    t.setDaemon(true);
    return t;
  });

  @AfterAll
  static void stop() {
    THREADS.shutdownNow();
  }

  private static final int IN = 6;
  private static final int N = 64;

  private static float[] inputs(long seed) {
    NumpyRandom r = new NumpyRandom(seed);
    float[] x = new float[N * IN];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.normal(0, 1);
    }
    return x;
  }

  private static float[] targets(float[] x) {
    float[] y = new float[N];
    for (int i = 0; i < N; i++) {
      y[i] = x[i * IN] - 2 * x[i * IN + 1] + 0.5f;
    }
    return y;
  }

  /** Model {@code seed}'s weights after 200 steps of 16 rows. */
  private static List<float[]> train(SharedLearner learner, long seed) {
    Mlp init = MlpInit.create(new int[] {IN, 32, 32, 1}, Mlp.Activation.RELU, new NumpyRandom(seed));
    RegressionModel m = learner.regression("m" + seed, init, 1e-3, 0);
    float[] x = inputs(seed + 100);
    m.fit(x, targets(x), N, 50, 16, new NumpyRandom(seed + 200));
    return m.export().parameters();
  }

  @Test
  void twoModelsTrainedAtOnceReachTheBitsEachReachesAlone() throws Exception {
    List<float[]> aloneA;
    List<float[]> aloneB;
    try (SharedLearner one = new SharedLearner(LearnerDevice.CPU, 1)) {
      aloneA = train(one, 1);
      aloneB = train(one, 2);
    }
    try (SharedLearner two = new SharedLearner(LearnerDevice.CPU, 2)) {
      // both record gradients at the same time (DJL's own collector refuses a second one in the process)
      CompletableFuture<List<float[]>> a = CompletableFuture.supplyAsync(() -> train(two, 1), THREADS);
      CompletableFuture<List<float[]>> b = CompletableFuture.supplyAsync(() -> train(two, 2), THREADS);
      List<float[]> atOnceA = a.get(2, TimeUnit.MINUTES);
      List<float[]> atOnceB = b.get(2, TimeUnit.MINUTES);
      for (int l = 0; l < aloneA.size(); l++) {
        assertArrayEquals(aloneA.get(l), atOnceA.get(l), "model 1, parameter " + l);
        assertArrayEquals(aloneB.get(l), atOnceB.get(l), "model 2, parameter " + l);
      }
    }
  }

  @Test
  void aStepWaitsForAPermitAndGoesOnWithTheOneLeft() throws Exception {
    try (SharedLearner learner = new SharedLearner(LearnerDevice.CPU, 1)) {
      assertEquals(1, learner.parallelSteps());
      // the only permit is taken, as by another model's step under way
      learner.steps().acquire();
      CompletableFuture<List<float[]>> waiting;
      try {
        waiting = CompletableFuture.supplyAsync(() -> train(learner, 3), THREADS);
        Thread.sleep(300);
        assertEquals(0, learner.gradientSteps(), "a step ran without a permit");
        assertFalse(waiting.isDone());
      } finally {
        learner.steps().release();
      }
      waiting.get(2, TimeUnit.MINUTES);
      assertEquals(200, learner.gradientSteps());
    }
    try (SharedLearner learner = new SharedLearner(LearnerDevice.CPU, 2)) {
      // one of two permits taken: another model steps beside it
      learner.steps().acquire();
      try {
        CompletableFuture.supplyAsync(() -> train(learner, 4), THREADS).get(2, TimeUnit.MINUTES);
      } finally {
        learner.steps().release();
      }
    }
  }

  @Test
  void aLearnerStepsAtLeastOneModelAtATime() {
    assertEquals("a learner steps at least 1 model at a time, got 0",
        assertThrows(IllegalArgumentException.class, () -> new SharedLearner(LearnerDevice.CPU, 0)).getMessage());
    try (SharedLearner learner = new SharedLearner(LearnerDevice.CPU)) {
      assertEquals(Runtime.getRuntime().availableProcessors(), learner.parallelSteps());
    }
  }

  /** The learner closes the models it holds under their own locks, diffrank's scorer too; closing twice is harmless. */
  @Test
  void theLearnerHoldsDiffranksScorerAndClosesItOnce() {
    SharedLearner learner = new SharedLearner(LearnerDevice.CPU, 2);
    DiffRankAgent.Settings s = DiffRankAgent.Settings.battle();
    int before = learner.openModels();
    io.rlsearch.agents.spi.UpdateRule rule = DiffRankAgent.builder(learner, s)
        .create(s.candidates(), s.contextDim() + s.candidates() * s.itemDim());
    // the scorer's rule and its value network
    assertEquals(before + 2, learner.openModels());
    learner.close();
    assertEquals(0, learner.openModels());
    rule.close();
  }
}
