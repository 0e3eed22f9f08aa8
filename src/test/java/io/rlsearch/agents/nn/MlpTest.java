package io.rlsearch.agents.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.AgentState;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The MLP on tiny hand-made weights, every expected value worked out by hand: the forward pass (the
 * activation between layers, none after the last), the input gradient, the refusals and the state round
 * trip.
 */
class MlpTest {
  private static final float[] W0 = {1, -2, 0.5f, 1};
  private static final float[] B0 = {0.5f, -1};
  private static final float[] W1 = {2, -3};
  private static final float[] B1 = {0.25f};

  /** 2 -> 2 -> 1. */
  private static Mlp small(Mlp.Activation act) {
    return new Mlp(new int[] {2, 2, 1}, new float[][] {W0, W1}, new float[][] {B0, B1}, act);
  }

  /** 2 -> 2 -> 2 -> 1, ReLU. */
  private static Mlp deep() {
    return new Mlp(new int[] {2, 2, 2, 1}, new float[][] {W0, {2, -1, -1, 2}, W1},
        new float[][] {B0, {1, 0.5f}, B1}, Mlp.Activation.RELU);
  }

  @Test
  void theForwardPassActivatesHiddenLayersOnly() {
    // x = (1, 2): z = (0.5 + 1 - 4, -1 + 0.5 + 2) = (-2.5, 1.5); relu = (0, 1.5); out = 0.25 + 0 - 4.5 = -4.25
    Mlp relu = small(Mlp.Activation.RELU);
    assertArrayEquals(new float[] {-4.25f}, relu.forward(new float[] {1, 2}));
    assertEquals(-4.25f, relu.forward1(new float[] {1, 2}));
    assertArrayEquals(new float[] {-4.25f}, relu.forwardBatch(new float[] {1, 2}, 1));
    // two rows at once: the second, x = (0, 0): z = (0.5, -1), relu = (0.5, 0), out = 0.25 + 1 = 1.25
    assertArrayEquals(new float[] {-4.25f, 1.25f}, relu.forwardBatch(new float[] {1, 2, 0, 0}, 2));
    Mlp tanh = small(Mlp.Activation.TANH);
    double expected = 0.25 + 2 * Math.tanh(-2.5) - 3 * Math.tanh(1.5);
    assertEquals(expected, tanh.forward(new float[] {1, 2})[0], 1e-5);
    assertEquals(expected, tanh.forwardBatch(new float[] {1, 2}, 1)[0], 1e-5);
    // a layer with two outputs reads each output's own row: 2 -> 2 without activation
    Mlp linear = new Mlp(new int[] {2, 2}, new float[][] {W0}, new float[][] {B0}, Mlp.Activation.RELU);
    assertArrayEquals(new float[] {-2.5f, 1.5f}, linear.forward(new float[] {1, 2}));
    // three layers: z0 = (-2.5, 1.5), h0 = (0, 1.5); z1 = (1 + 0 - 1.5, 0.5 - 0 + 3) = (-0.5, 3.5),
    // h1 = (0, 3.5); out = 0.25 + 0 - 10.5
    assertArrayEquals(new float[] {-10.25f}, deep().forward(new float[] {1, 2}));
  }

  @Test
  void theInputGradientIsBackPropagationWithReluZeroAtZero() {
    // small: relu'(z) = (0, 1); the hidden gradient (2, -3) * (0, 1) = (0, -3); input: -3 * (0.5, 1)
    assertArrayEquals(new float[] {-1.5f, -3f}, small(Mlp.Activation.RELU).inputGradient(new float[] {1, 2}));
    // x = (1.5, 1): z = (0.5 + 1.5 - 2, -1 + 0.75 + 1) = (0, 0.75); ReLU's derivative at exactly 0 is 0
    assertArrayEquals(new float[] {-1.5f, -3f}, small(Mlp.Activation.RELU).inputGradient(new float[] {1.5f, 1}));
    // deep: last layer (2, -3); z1 = (-0.5, 3.5) -> (0, -3); through W1: -3 * (-1, 2) = (3, -6);
    // z0 = (-2.5, 1.5) -> (0, -6); through W0: -6 * (0.5, 1) = (-3, -6)
    assertArrayEquals(new float[] {-3f, -6f}, deep().inputGradient(new float[] {1, 2}));
    // tanh: the hidden gradient is (2 (1 - tanh^2(-2.5)), -3 (1 - tanh^2(1.5)))
    double t0 = Math.tanh(-2.5);
    double t1 = Math.tanh(1.5);
    double g0 = 2 * (1 - t0 * t0);
    double g1 = -3 * (1 - t1 * t1);
    float[] g = small(Mlp.Activation.TANH).inputGradient(new float[] {1, 2});
    assertEquals(2, g.length);
    assertEquals(g0 * 1 + g1 * 0.5, g[0], 1e-6);
    assertEquals(g0 * -2 + g1 * 1, g[1], 1e-6);
    // a one-layer network's gradient is its weight row
    Mlp affine = new Mlp(new int[] {3, 1}, new float[][] {{0.5f, -1, 4}}, new float[][] {{7}}, Mlp.Activation.RELU);
    assertArrayEquals(new float[] {0.5f, -1, 4}, affine.inputGradient(new float[] {9, 9, 9}));
  }

  @Test
  void badShapesAndInputsAreRefusedWithTheirSizes() {
    Mlp two = new Mlp(new int[] {2, 2}, new float[][] {W0}, new float[][] {B0}, Mlp.Activation.RELU);
    assertEquals("the input gradient is for a one-output network; this has 2 outputs",
        assertThrows(IllegalArgumentException.class, () -> two.inputGradient(new float[] {1, 2})).getMessage());
    assertEquals("input must have 2 values, got 3", assertThrows(IllegalArgumentException.class,
        () -> small(Mlp.Activation.RELU).inputGradient(new float[3])).getMessage());
    assertEquals("input must have 2 values, got 1", assertThrows(IllegalArgumentException.class,
        () -> small(Mlp.Activation.RELU).forward(new float[1])).getMessage());
    // a batch needs n * inputs values: 3 values are not two rows of 2
    assertEquals("need 2 rows of 2 inputs, got 3 values", assertThrows(IllegalArgumentException.class,
        () -> small(Mlp.Activation.RELU).forwardBatch(new float[3], 2)).getMessage());
    assertArrayEquals(new float[] {-4.25f}, small(Mlp.Activation.RELU).forwardBatch(new float[] {1, 2, 5}, 1));
    // layer 1 of 2 -> 3 -> 1 needs 1x3 weights and 1 bias
    assertEquals("layer 1 must have 1x3 weights and 1 biases; got 2 and 1", assertThrows(
        IllegalArgumentException.class, () -> new Mlp(new int[] {2, 3, 1}, new float[][] {new float[6], new float[2]},
            new float[][] {new float[3], new float[1]}, Mlp.Activation.RELU)).getMessage());
    assertEquals("layer 0 must have 3x2 weights and 3 biases; got 6 and 2", assertThrows(
        IllegalArgumentException.class, () -> new Mlp(new int[] {2, 3, 1}, new float[][] {new float[6], new float[3]},
            new float[][] {new float[2], new float[1]}, Mlp.Activation.RELU)).getMessage());
    assertEquals("an MLP needs sizes for at least two layers and one weight and bias array per connection; got 1"
        + " sizes, 0 weights, 0 biases", assertThrows(IllegalArgumentException.class,
            () -> new Mlp(new int[] {2}, new float[0][], new float[0][], Mlp.Activation.RELU)).getMessage());
  }

  @Test
  void theStateRoundTripGivesTheSameWeightsExactly() {
    Mlp m = deep();
    Map<String, double[]> arrays = new TreeMap<>();
    m.putState("q", arrays);
    assertEquals(List.of("q.b0", "q.b1", "q.b2", "q.w0", "q.w1", "q.w2"), List.copyOf(arrays.keySet()));
    assertArrayEquals(new double[] {1, -2, 0.5, 1}, arrays.get("q.w0"));
    assertArrayEquals(new double[] {1, 0.5}, arrays.get("q.b1"));
    assertArrayEquals(new double[] {0.25}, arrays.get("q.b2"));
    // a float that is not a short decimal survives the float -> double -> float trip bit for bit
    Mlp odd = new Mlp(new int[] {1, 1}, new float[][] {{0.1f}}, new float[][] {{-1e-30f}}, Mlp.Activation.TANH);
    Map<String, double[]> oddArrays = new TreeMap<>();
    odd.putState("o", oddArrays);
    Mlp like = new Mlp(new int[] {1, 1}, new float[][] {{5}}, new float[][] {{5}}, Mlp.Activation.TANH);
    assertEquals(odd, Mlp.fromState(new AgentState("x", oddArrays, Map.of()), "o", like));

    Mlp zeros = new Mlp(new int[] {2, 2, 2, 1}, new float[][] {new float[4], new float[4], new float[2]},
        new float[][] {new float[2], new float[2], new float[1]}, Mlp.Activation.RELU);
    Mlp back = Mlp.fromState(new AgentState("x", arrays, Map.of()), "q", zeros);
    assertEquals(m, back);
    assertArrayEquals(m.forward(new float[] {1, 2}), back.forward(new float[] {1, 2}));
    // a state whose array has another length is refused
    arrays.put("q.w1", new double[3]);
    assertThrows(IllegalArgumentException.class, () -> Mlp.fromState(new AgentState("x", arrays, Map.of()), "q", zeros));
  }

  @Test
  void parametersEqualityAndDescription() {
    Mlp m = deep();
    // 2x2 + 2, 2x2 + 2, 2x1 + 1
    assertEquals(15, m.parameterCount());
    assertEquals(3, new Mlp(new int[] {2, 1}, new float[][] {{1, 2}}, new float[][] {{3}}, Mlp.Activation.RELU)
        .parameterCount());
    List<float[]> p = m.parameters();
    assertEquals(6, p.size());
    assertArrayEquals(W0, p.get(0));
    assertArrayEquals(B0, p.get(1));
    assertArrayEquals(new float[] {2, -1, -1, 2}, p.get(2));
    assertArrayEquals(new float[] {1, 0.5f}, p.get(3));
    assertArrayEquals(W1, p.get(4));
    assertArrayEquals(B1, p.get(5));
    p.get(0)[0] = 99; // a copy
    assertEquals(W0[0], m.parameters().get(0)[0]);

    assertEquals(deep(), m);
    assertEquals(deep().hashCode(), m.hashCode());
    assertEquals(small(Mlp.Activation.RELU), small(Mlp.Activation.RELU));
    assertNotEquals(small(Mlp.Activation.TANH), small(Mlp.Activation.RELU));
    assertNotEquals(small(Mlp.Activation.RELU), m);
    Mlp otherWeight = new Mlp(new int[] {2, 2, 1}, new float[][] {W0, {2, -4}}, new float[][] {B0, B1},
        Mlp.Activation.RELU);
    assertNotEquals(otherWeight, small(Mlp.Activation.RELU));
    assertNotEquals(otherWeight.hashCode(), small(Mlp.Activation.RELU).hashCode());
    Mlp otherBias = new Mlp(new int[] {2, 2, 1}, new float[][] {W0, W1}, new float[][] {B0, {0.5f}},
        Mlp.Activation.RELU);
    assertNotEquals(otherBias, small(Mlp.Activation.RELU));
    // same weights, other layer sizes: 4 -> 1 with the four first-layer weights is another network
    Mlp flat = new Mlp(new int[] {4, 1}, new float[][] {W0}, new float[][] {B1}, Mlp.Activation.RELU);
    Mlp tall = new Mlp(new int[] {1, 4}, new float[][] {W0}, new float[][] {{0.25f, 0, 0, 0}}, Mlp.Activation.RELU);
    assertNotEquals(flat, tall);
    assertFalse(m.equals("Mlp[2, 2, 2, 1] RELU"));
    assertTrue(m.equals(m));
    assertEquals("Mlp[2, 2, 2, 1] RELU", m.toString());
    assertEquals("Mlp[2, 2, 1] TANH", small(Mlp.Activation.TANH).toString());
  }
}
