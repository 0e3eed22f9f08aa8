package io.rlsearch.agents.slate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/**
 * The slate snapshots score their candidates in one batch; each score has the bits of the network's
 * one-row forward pass on that candidate's row, for contexts shaped as the battle's (one-hot blocks,
 * so many inputs are zero) and networks of its size.
 */
class SlateRowsTest {
  private static final int CONTEXT = 8;
  private static final int ITEM = 10;
  private static final int CANDIDATES = 50;

  private static Mlp network(Mlp.Activation activation, long seed) {
    int[] sizes = {CONTEXT + ITEM, 64, 64, 1};
    NumpyRandom r = new NumpyRandom(seed);
    float[][] w = new float[3][];
    float[][] b = new float[3][];
    for (int l = 0; l < 3; l++) {
      w[l] = new float[sizes[l] * sizes[l + 1]];
      b[l] = new float[sizes[l + 1]];
      for (int k = 0; k < w[l].length; k++) {
        w[l][k] = (float) r.normal(0, 1 / Math.sqrt(sizes[l]));
      }
      for (int k = 0; k < b[l].length; k++) {
        b[l][k] = (float) r.normal(0, 0.1);
      }
    }
    return new Mlp(sizes, w, b, activation);
  }

  private static double[] context(NumpyRandom r) {
    double[] x = new double[CONTEXT + CANDIDATES * ITEM];
    x[(int) r.integers(0, 4)] = 1;
    x[4 + (int) r.integers(0, 2)] = 1;
    x[6] = r.normal(0, 1);
    x[7] = r.normal(0, 1);
    for (int k = CONTEXT; k < x.length; k++) {
      // some item features are zero, as the battle's are for products without a discount or label
      x[k] = r.random() < 0.3 ? 0 : r.normal(0, 1);
    }
    return x;
  }

  /** The one-row pass on candidate i's row. */
  private static double single(Mlp net, double[] x, int i) {
    float[] in = new float[CONTEXT + ITEM];
    for (int j = 0; j < CONTEXT; j++) {
      in[j] = (float) x[j];
    }
    for (int j = 0; j < ITEM; j++) {
      in[CONTEXT + j] = (float) x[CONTEXT + i * ITEM + j];
    }
    return net.forward1(in);
  }

  /** {@code batch}'s scores on 20 battle-shaped contexts against {@code net}'s one-row pass, bit for bit. */
  private static void assertOneRowBits(Mlp net, java.util.function.Function<double[], double[]> batch, long seed,
      String what) {
    NumpyRandom r = new NumpyRandom(seed);
    for (int t = 0; t < 20; t++) {
      double[] x = context(r);
      double[] scores = batch.apply(x);
      for (int i = 0; i < CANDIDATES; i++) {
        assertEquals(Double.doubleToRawLongBits(single(net, x, i)), Double.doubleToRawLongBits(scores[i]),
            what + ", context " + t + ", candidate " + i);
      }
    }
  }

  @Test
  void diffRankScoresHaveTheBitsOfTheOneRowPass() {
    Mlp net = network(Mlp.Activation.TANH, 3);
    DiffRankSnapshot s = new DiffRankSnapshot(0, net, 0.0, CONTEXT, ITEM, CANDIDATES);
    assertOneRowBits(net, s::scores, 4, "diffrank");
  }

  @Test
  void slateQItemValuesHaveTheBitsOfTheOneRowPass() {
    for (Mlp.Activation a : Mlp.Activation.values()) {
      Mlp net = network(a, 5);
      ClickModel choice = new ClickModel(CONTEXT, ITEM, 20, 0.1, 0.0);
      SlateQSnapshot s = new SlateQSnapshot(0, SlateQSnapshot.Mode.DECOMPOSED, net, choice, 0, CONTEXT, ITEM,
          CANDIDATES, 20);
      assertOneRowBits(net, s::itemValues, 6, "slateq " + a);
    }
  }
}
