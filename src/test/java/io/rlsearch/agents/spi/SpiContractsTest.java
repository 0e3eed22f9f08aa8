package io.rlsearch.agents.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The agent SPI's value types and default methods: Decision, AgentState, InferenceEngine.JAVA, the defaults. */
class SpiContractsTest {
  private static String refusal(Runnable r) {
    return assertThrows(IllegalArgumentException.class, r::run).getMessage();
  }

  @Test
  void aDecisionIsAnArmWithoutActionOrArmMinusOneWithOne() {
    String shape = "a decision is an arm >= 0 without an action vector, or arm -1 with one; got arm ";
    assertEquals(shape + "-2 and 0 action values", refusal(() -> new Decision(-2, null, 0.5)));
    assertEquals(shape + "-2 and 1 action values", refusal(() -> new Decision(-2, new double[] {1}, 0.5)));
    assertEquals(shape + "-1 and 0 action values", refusal(() -> new Decision(-1, null, 0.5)));
    assertEquals(shape + "0 and 1 action values", refusal(() -> new Decision(0, new double[] {1}, 0.5)));
    assertEquals(shape + "3 and 2 action values", refusal(() -> new Decision(3, new double[] {1, 2}, 0.5)));
    Decision c = new Decision(-1, new double[] {0.5}, 0.5);
    assertTrue(c.continuous());
    assertEquals(-1, c.arm());
    Decision a0 = new Decision(0, new double[0], 0.5);
    assertFalse(a0.continuous());
    assertEquals(0, a0.action().length);
    assertFalse(Decision.arm(1, 0.5).continuous());
  }

  @Test
  void aDecisionsPropensityIsAProbabilityForAnArmAndAFiniteDensityForAnAction() {
    String p = "propensity must be a probability in (0, 1] for an arm or a finite density > 0 for an action; got ";
    assertEquals(p + "0.0", refusal(() -> Decision.arm(0, 0.0)));
    assertEquals(p + "NaN", refusal(() -> Decision.arm(0, Double.NaN)));
    assertEquals(p + "-0.5", refusal(() -> Decision.continuous(new double[] {1}, -0.5)));
    assertEquals(p + "Infinity", refusal(() -> Decision.continuous(new double[] {1}, Double.POSITIVE_INFINITY)));
    assertEquals(p + "0.0", refusal(() -> Decision.continuous(new double[] {1}, 0.0)));
    // an arm's probability: 1 exactly is accepted, a hair above is not (arm 0 as any other)
    assertEquals(1.0, Decision.arm(0, 1.0).propensity());
    assertEquals(p + Math.nextUp(1.0), refusal(() -> Decision.arm(0, Math.nextUp(1.0))));
    assertEquals(p + "1.5", refusal(() -> Decision.arm(0, 1.5)));
    assertEquals(p + "1.5", refusal(() -> Decision.arm(2, 1.5)));
    assertEquals(Double.MIN_VALUE, Decision.arm(0, Double.MIN_VALUE).propensity());
    // a density may exceed 1
    assertEquals(1.5, Decision.continuous(new double[] {1}, 1.5).propensity());
  }

  @Test
  void aDecisionCopiesItsActionAndComparesByValue() {
    double[] v = {0.5, -1.0};
    Decision c = Decision.continuous(v, 2.0);
    v[0] = 9;
    assertArrayEquals(new double[] {0.5, -1.0}, c.action());
    c.action()[1] = 9;
    assertArrayEquals(new double[] {0.5, -1.0}, c.action());
    assertEquals("Decision[action=[0.5, -1.0], density=2.0]", c.toString());
    assertEquals("Decision[arm=0, p=0.25]", Decision.arm(0, 0.25).toString());
    assertEquals("Decision[arm=3, p=1.0]", Decision.arm(3, 1.0).toString());

    assertEquals(Decision.continuous(new double[] {0.5, -1.0}, 2.0), c);
    assertEquals(Decision.continuous(new double[] {0.5, -1.0}, 2.0).hashCode(), c.hashCode());
    assertNotEquals(Decision.continuous(new double[] {0.5, -2.0}, 2.0), c);
    assertNotEquals(Decision.continuous(new double[] {0.5, -1.0}, 1.0), c);
    assertEquals(Decision.arm(2, 0.5), Decision.arm(2, 0.5));
    assertNotEquals(Decision.arm(2, 0.5), Decision.arm(1, 0.5));
    assertNotEquals(Decision.arm(2, 0.5), Decision.arm(2, 0.25));
    assertFalse(Decision.arm(2, 0.5).equals("Decision[arm=2, p=0.5]"));
    assertNotEquals(Decision.arm(2, 0.5).hashCode(), Decision.arm(1, 0.5).hashCode());
  }

  private static Transition transition(int arm, double[] action, double propensity, double reward) {
    return new Transition(7, 11, 2, "lin", 3, new double[] {0.25, -1}, arm, action, propensity, reward,
        RewardBreakdown.ZERO, 0, 1, 0.0, 0);
  }

  @Test
  void theDecisionOfATransitionIsItsArmOrItsAction() {
    assertEquals(Decision.arm(4, 0.125), Decision.of(transition(4, null, 0.125, 1)));
    // an arm's transition that also records a vector (a weight task's arm): the decision is the arm alone
    assertEquals(Decision.arm(0, 0.5), Decision.of(transition(0, new double[] {0.3, 0.7}, 0.5, 1)));
    assertEquals(Decision.continuous(new double[] {0.3, 0.7}, 3.0),
        Decision.of(transition(-1, new double[] {0.3, 0.7}, 3.0, 1)));
  }

  @Test
  void anUpdateRuleLearnsFromATransitionsContextDecisionAndReward() {
    List<Object> seen = new ArrayList<>();
    UpdateRule rule = new UpdateRule() {
      @Override
      public void observe(double[] context, Decision decision, double reward) {
        seen.add(context);
        seen.add(decision);
        seen.add(reward);
      }

      @Override
      public PolicySnapshot snapshot(long version) {
        throw new UnsupportedOperationException();
      }

      @Override
      public boolean learns() {
        return true;
      }
    };
    rule.observe(transition(5, null, 0.25, -1.5));
    assertEquals(3, seen.size());
    assertArrayEquals(new double[] {0.25, -1}, (double[]) seen.get(0));
    assertEquals(Decision.arm(5, 0.25), seen.get(1));
    assertEquals(-1.5, seen.get(2));
    assertTrue(rule.state().isEmpty());
  }

  /** Plays arm {@code (int) x[0]}, or a uniform draw from the stream when {@code x[0] < 0}. */
  private static final PolicySnapshot BY_CONTEXT = new PolicySnapshot() {
    @Override
    public String agent() {
      return "by_context";
    }

    @Override
    public long version() {
      return 4;
    }

    @Override
    public Decision act(double[] x, NumpyRandom rng) {
      return x[0] < 0 ? Decision.arm((int) rng.integers(0, 8), 0.125) : Decision.arm((int) x[0], 1.0);
    }
  };

  @Test
  void theJavaEngineActsContextByContextWithEachContextsStream() {
    assertEquals("java", InferenceEngine.JAVA.name());
    double[][] contexts = {{2}, {-1}, {5}};
    NumpyRandom[] streams = {new NumpyRandom(1), new NumpyRandom(99), new NumpyRandom(3)};
    List<Decision> out = InferenceEngine.JAVA.act(BY_CONTEXT, contexts, streams);
    int drawn = (int) new NumpyRandom(99).integers(0, 8);
    assertEquals(List.of(Decision.arm(2, 1.0), Decision.arm(drawn, 0.125), Decision.arm(5, 1.0)), out);
    assertEquals(List.of(), InferenceEngine.JAVA.act(BY_CONTEXT, new double[0][], new NumpyRandom[0]));
    InferenceEngine.JAVA.close(); // a no-op
    // a snapshot that does not explore is its own greedy policy
    assertSame(BY_CONTEXT, BY_CONTEXT.greedy());
  }

  private static AgentState state(String agent, double w0, long n) {
    return new AgentState(agent, Map.of("w", new double[] {w0, 2}, "b", new double[] {1}), Map.of("n", n));
  }

  @Test
  void anAgentStateComparesByContentAndNamesItsParts() {
    AgentState s = state("lin", 0.5, 3);
    assertTrue(s.has("w"));
    assertTrue(s.has("b"));
    assertFalse(s.has("theta"));
    assertEquals(state("lin", 0.5, 3), s);
    assertEquals(state("lin", 0.5, 3).hashCode(), s.hashCode());
    assertNotEquals(state("lints", 0.5, 3), s);
    assertNotEquals(state("lin", 0.5, 4), s);
    assertNotEquals(state("lin", 0.75, 3), s);
    assertNotEquals(new AgentState("lin", Map.of("w", new double[] {0.5, 2}), Map.of("n", 3L)), s);
    assertFalse(s.equals("lin"));
    assertNotEquals(state("lints", 0.5, 3).hashCode(), s.hashCode());
    assertEquals("AgentState[lin, arrays [b, w], counters {n=3}]", s.toString());
  }
}
