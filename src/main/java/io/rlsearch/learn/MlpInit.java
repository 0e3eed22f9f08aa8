package io.rlsearch.learn;

import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.core.random.NumpyRandom;

/**
 * Seeded initial weights for an MLP, with PyTorch's default {@code Linear} initialisation:
 * weights and biases uniform in {@code [-1/sqrt(fan_in), 1/sqrt(fan_in)]}.
 *
 * <p>Drawn from a stream passed in (never DJL's global generator), so a learner's networks are the
 * same for the same seed whatever else uses DJL.
 */
public final class MlpInit {
  private MlpInit() {}

  /**
   * The network {@code torch.manual_seed(seed)} followed by one {@code nn.Linear} per layer gives:
   * each layer's weights ({@code kaiming_uniform_} with {@code a = sqrt(5)}, a bound of
   * {@code sqrt(3) gain / sqrt(fan_in)}), then its biases (bound {@code 1 / sqrt(fan_in)}), drawn in
   * that order from torch's CPU generator.
   */
  public static Mlp torchDefault(int[] sizes, Mlp.Activation activation, long seed) {
    io.rlsearch.core.random.TorchRandom g = new io.rlsearch.core.random.TorchRandom(seed);
    float[][] w = new float[sizes.length - 1][];
    float[][] b = new float[sizes.length - 1][];
    double a = Math.sqrt(5.0);
    double gain = Math.sqrt(2.0 / (1 + a * a));
    for (int l = 0; l < w.length; l++) {
      double wBound = Math.sqrt(3.0) * (gain / Math.sqrt(sizes[l]));
      w[l] = g.uniform(sizes[l] * sizes[l + 1], -wBound, wBound);
      double bBound = 1 / Math.sqrt(sizes[l]);
      b[l] = g.uniform(sizes[l + 1], -bBound, bBound);
    }
    return new Mlp(sizes, w, b, activation);
  }

  /** A fresh network with layer sizes {@code sizes}. */
  public static Mlp create(int[] sizes, Mlp.Activation activation, NumpyRandom rng) {
    float[][] w = new float[sizes.length - 1][];
    float[][] b = new float[sizes.length - 1][];
    for (int l = 0; l < w.length; l++) {
      double bound = 1.0 / Math.sqrt(sizes[l]);
      w[l] = new float[sizes[l] * sizes[l + 1]];
      b[l] = new float[sizes[l + 1]];
      for (int i = 0; i < w[l].length; i++) {
        w[l][i] = (float) rng.uniform(-bound, bound);
      }
      for (int i = 0; i < b[l].length; i++) {
        b[l][i] = (float) rng.uniform(-bound, bound);
      }
    }
    return new Mlp(sizes, w, b, activation);
  }
}
