package io.rlsearch.learn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rlsearch.agents.nn.Mlp;
import org.junit.jupiter.api.Test;

/** Networks initialised as torch initialises them for a seed. */
class MlpInitTest {
  @Test
  void torchDefaultIsTheNetworkTorchBuildsForTheSeed() {
    // torch.manual_seed(43); nn.Sequential(nn.Linear(27, 64), nn.ReLU(), nn.Linear(64, 1)), torch 2.13 CPU
    Mlp m = MlpInit.torchDefault(new int[] {27, 64, 1}, Mlp.Activation.RELU, 43);
    assertEquals(-0.017717614769935608f, m.weights(0)[0]);
    assertEquals(-0.03316612169146538f, m.weights(0)[27]);
    assertEquals(-0.09234092384576797f, m.weights(0)[1727]);
    assertEquals(0.131496399641037f, m.bias(0)[0]);
    assertEquals(0.11350378394126892f, m.bias(0)[63]);
    assertEquals(0.07696625590324402f, m.weights(1)[0]);
    assertEquals(0.04830855131149292f, m.weights(1)[63]);
    assertEquals(-0.09080928564071655f, m.bias(1)[0]);
    float[] ones = new float[27];
    java.util.Arrays.fill(ones, 1f);
    assertEquals(-0.17362478375434875, m.forwardBatch(ones, 1)[0], 1e-6);
  }
}
