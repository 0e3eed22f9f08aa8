package io.rlsearch.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.Transition;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** A joined decision becomes the transition the learner learns from, for the agents that can use it. */
class OnlineLearningTest {
  private static Joined joined(long version, Decision d, double reward) {
    PendingDecision p = new PendingDecision("d1", Optional.of("r1"), "cm2", version, List.of("a", "b", "c"),
        new double[] {0.5, -1, 2}, d, d.continuous() ? "weights" : "arm", false);
    Feedback f = new Feedback("d1", List.of("b", "c"), List.of(new Feedback.Purchase("c", 20, 4, true)),
        OptionalDouble.empty());
    return new Joined(p, f, reward);
  }

  private static Joined joined(long version, Decision d, String propensityOf) {
    PendingDecision p = new PendingDecision("d1", Optional.of("r1"), "cm2", version, List.of("a", "b", "c"),
        new double[] {0.5, -1, 2}, d, propensityOf, false);
    return new Joined(p, new Feedback("d1", List.of(), List.of(), OptionalDouble.empty()), 1.0);
  }

  private static Optional<Transition> learned(OnlineLearning.Kind kind, Decision d, String propensityOf) {
    return OnlineLearning.transition(joined(7, d, propensityOf), 0, kind, v -> true, 3);
  }

  @Test
  void aDensityIsNeverReadAsAProbability() {
    double[] template = OnlineLearning.templates().get(5);
    // A weight vector equal to a template: a density puts no mass on one vector, so only a policy that
    // gave exactly these weights for sure (its marker density 1) chose the template, with probability 1.
    Transition t = learned(OnlineLearning.Kind.TEMPLATES, Decision.continuous(template, 1.0), "weights").orElseThrow();
    assertEquals(5, t.arm());
    assertEquals(1.0, t.propensity());
    assertTrue(learned(OnlineLearning.Kind.TEMPLATES, Decision.continuous(template, 2.5), "weights").isEmpty(),
        "a density above 1 is no probability (it was clamped to 1)");
    assertTrue(learned(OnlineLearning.Kind.TEMPLATES, Decision.continuous(template, 0.3), "weights").isEmpty(),
        "nor is a density below 1 (it was taken for the template's probability)");
    // A density above 1 is a density: the weight learners take it as it is.
    assertEquals(2.5, learned(OnlineLearning.Kind.ON_POLICY, Decision.continuous(w(0, 1), 2.5), "weights")
        .orElseThrow().propensity());
    assertEquals(2.5, learned(OnlineLearning.Kind.WEIGHTS, Decision.continuous(w(0, 1), 2.5), "weights")
        .orElseThrow().propensity());
  }

  @Test
  void aSlatesScoresAreNoBoostWeightsEvenForTenCandidates() {
    // A slate policy's decision is its ten candidates' scores, with the probability of the ranking
    // (or of the exploration branch, or 1 for a deterministic one): never a weight vector.
    for (String of : List.of("ranking", "exploration", "deterministic")) {
      for (OnlineLearning.Kind k : OnlineLearning.Kind.values()) {
        assertTrue(learned(k, Decision.continuous(w(3, 0.7), 0.4), of).isEmpty(), k + " took a slate (" + of + ")");
      }
    }
  }

  @Test
  void whatAPropensityIsComesFromItsPropensityOf() {
    assertEquals(OnlineLearning.Propensity.ARM, OnlineLearning.Propensity.of("arm"));
    assertEquals(OnlineLearning.Propensity.WEIGHTS, OnlineLearning.Propensity.of("weights"));
    for (String of : List.of("ranking", "exploration", "deterministic")) {
      assertEquals(OnlineLearning.Propensity.SLATE, OnlineLearning.Propensity.of(of));
    }
    assertEquals(OnlineLearning.Propensity.UNKNOWN, OnlineLearning.Propensity.of("density"));
  }

  @Test
  void aDecisionWhoseFormDisagreesWithItsPropensityOrAnUnknownKindIsNotLearned() {
    for (OnlineLearning.Kind k : OnlineLearning.Kind.values()) {
      assertTrue(learned(k, Decision.arm(2, 0.5), "weights").isEmpty(), k + ": an arm said to have a density");
      assertTrue(learned(k, Decision.continuous(w(0, 1), 0.5), "arm").isEmpty(), k + ": weights said to be an arm");
      assertTrue(learned(k, Decision.continuous(w(0, 1), 0.5), "").isEmpty(), k + ": unknown kind");
    }
    // An arm's probability: the template bandits take it; the Q-function takes its weights (it reads no
    // propensity); an on-policy agent (reading densities) does not.
    assertEquals(0.25, learned(OnlineLearning.Kind.TEMPLATES, Decision.arm(2, 0.25), "arm").orElseThrow()
        .propensity());
    assertTrue(learned(OnlineLearning.Kind.WEIGHTS, Decision.arm(2, 0.25), "arm").isPresent());
    assertTrue(learned(OnlineLearning.Kind.ON_POLICY, Decision.arm(2, 0.25), "arm").isEmpty());
  }

  private static double[] w(int at, double v) {
    double[] a = new double[10];
    a[at] = v;
    return a;
  }

  @Test
  void aJoinedDecisionCarriesItsContextDecisionPropensityRewardAndOutcome() {
    double[] action = {0.1, -0.2, 0.3, 0, 0, 0, 0, 0, 0, 1.5};
    Transition t = OnlineLearning.transition(joined(4, Decision.continuous(action, 0.07), 9.5), 17,
        OnlineLearning.Kind.WEIGHTS, v -> false, 3).orElseThrow();
    assertEquals(17, t.episode());
    assertEquals(17, t.user(), "each decision is its own one-session user");
    assertEquals(0, t.session());
    assertEquals("cm2", t.agent());
    assertEquals(4, t.policyVersion());
    assertArrayEquals(new double[] {0.5, -1, 2}, t.context());
    assertEquals(-1, t.arm());
    assertArrayEquals(action, t.action());
    assertEquals(0.07, t.propensity());
    assertEquals(9.5, t.reward());
    assertEquals(20, t.breakdown().gmv());
    assertEquals(4, t.breakdown().cm2());
    assertEquals(1, t.breakdown().strat());
    assertEquals(2, t.breakdown().clicks());
    assertEquals(1, t.orders());
    assertEquals(3, t.impressions());
    assertArrayEquals(new int[] {0, 1, 1}, t.clicked());
    assertArrayEquals(new int[] {0, 0, 1}, t.bought());
    assertEquals(0, t.slate().length);
    assertEquals(-1, t.segment());
    assertTrue(Double.isNaN(t.satisfaction()) && Double.isNaN(t.rankChange()) && Double.isNaN(t.exposurePl())
        && Double.isNaN(t.diversity()), "what a real request does not measure is NaN");
  }

  @Test
  void eachKindTakesTheDecisionsItCanUse() {
    double[] template = OnlineLearning.templates().get(5);
    // Template bandits: an arm, or weights equal to a template's (as a constant policy's 1.0 propensity).
    assertEquals(Optional.of(Decision.arm(3, 0.25)),
        OnlineLearning.usable(OnlineLearning.Kind.TEMPLATES, Decision.arm(3, 0.25), "arm", false));
    assertEquals(Optional.of(Decision.arm(5, 1.0)),
        OnlineLearning.usable(OnlineLearning.Kind.TEMPLATES, Decision.continuous(template, 1.0), "weights", false));
    assertEquals(Optional.empty(), OnlineLearning.usable(OnlineLearning.Kind.TEMPLATES,
        Decision.continuous(w(0, 2.9), 1.0), "weights", false), "weights that are no template");
    assertEquals(Optional.empty(), OnlineLearning.usable(OnlineLearning.Kind.TEMPLATES, Decision.arm(8, 0.5), "arm", false));
    // The Q-function: any weight vector of ten values; an arm is its template's weights.
    assertEquals(Optional.of(Decision.continuous(template, 0.5)),
        OnlineLearning.usable(OnlineLearning.Kind.WEIGHTS, Decision.arm(5, 0.5), "arm", false));
    assertEquals(Optional.of(Decision.continuous(w(0, 2.9), 1.0)),
        OnlineLearning.usable(OnlineLearning.Kind.WEIGHTS, Decision.continuous(w(0, 2.9), 1.0), "weights", false));
    assertEquals(Optional.empty(), OnlineLearning.usable(OnlineLearning.Kind.WEIGHTS,
        Decision.continuous(new double[] {1, 2}, 1.0), "weights", false));
    // On-policy: only its own versions' weight decisions.
    assertEquals(Optional.empty(), OnlineLearning.usable(OnlineLearning.Kind.ON_POLICY,
        Decision.continuous(w(0, 2.9), 0.3), "weights", false));
    assertEquals(Optional.of(Decision.continuous(w(0, 2.9), 0.3)),
        OnlineLearning.usable(OnlineLearning.Kind.ON_POLICY, Decision.continuous(w(0, 2.9), 0.3), "weights", true));
    assertEquals(Optional.empty(), OnlineLearning.usable(OnlineLearning.Kind.ON_POLICY, Decision.arm(1, 0.3), "arm", true));
  }

  @Test
  void theLineageAndTheContextSizeDecideWhatAnOnPolicyAgentLearns() {
    Joined j = joined(7, Decision.continuous(w(1, 1.0), 0.2), 1.0);
    assertTrue(OnlineLearning.transition(j, 0, OnlineLearning.Kind.ON_POLICY, v -> v == 7, 3).isPresent());
    assertTrue(OnlineLearning.transition(j, 0, OnlineLearning.Kind.ON_POLICY, v -> v == 6, 3).isEmpty());
    assertTrue(OnlineLearning.transition(j, 0, OnlineLearning.Kind.ON_POLICY, v -> true, 4).isEmpty(),
        "a policy that read another number of features");
  }

  @Test
  void agentsOutsideTheServingTaskAreRefusedWithTheAcceptedOnesNamed() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnlineLearning.kind("slateq"));
    assertEquals("--learn: 'slateq' cannot learn online on the serving task; accepted: contq, reinforce,"
        + " reinforce_baseline, ppo, linucb, ts, discounted_linucb, restart_linucb, sliding_ts", e.getMessage());
    assertEquals(OnlineLearning.Kind.ON_POLICY, OnlineLearning.kind("ppo"));
    assertEquals(OnlineLearning.Kind.WEIGHTS, OnlineLearning.kind("contq"));
    assertEquals(OnlineLearning.Kind.TEMPLATES, OnlineLearning.kind("ts"));
  }

  @Test
  void settingsComeFromServingLearnAndAreChecked() {
    assertEquals(Optional.empty(), OnlineLearning.Settings.fromConfig(ConfigFactory.parseString("serving {}")),
        "off by default");
    OnlineLearning.Settings s = OnlineLearning.Settings.fromConfig(ConfigFactory.parseString(
        "serving.learn { agent = linucb, share = 0.2, gate = 300 }")).orElseThrow();
    assertEquals(new OnlineLearning.Settings("linucb", 0.2, 300, OnlineLearning.Settings.PUBLISH_EVERY,
        OnlineLearning.Settings.BUFFER), s);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> OnlineLearning.Settings.fromConfig(
        ConfigFactory.parseString("serving.learn { agent = ts, gates = 3 }"))).getMessage()
        .startsWith("serving.learn.gates is not a key"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new OnlineLearning.Settings("ts", 1.0, 10, 5, 10))
        .getMessage().startsWith("--learn-share must lie in (0, 1)"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new OnlineLearning.Settings("ppo", 0.1, 100, 500,
        10)).getMessage().contains("--learn-publish-every (500) must be <= --learn-gate (100)"));
    // An off-policy agent may publish less often than the gate decides: the live traffic feeds it too.
    assertEquals(500, new OnlineLearning.Settings("contq", 0.1, 100, 500, 10).publishEvery());
  }

  @Test
  void theFlagsGoOverTheFilesKeysAndAnOnPolicyAgentsIntervalStaysWithinItsGate() {
    com.typesafe.config.Config file = ConfigFactory.parseString("serving.learn { share = 0.3, gate = 50 }");
    Optional<Integer> none = Optional.empty();
    assertEquals(Optional.empty(), OnlineLearning.Settings.of(file, Optional.empty(), Optional.empty(), none, none),
        "keys without an agent: off");
    assertEquals(new OnlineLearning.Settings("ppo", 0.3, 50, 50, OnlineLearning.Settings.BUFFER),
        OnlineLearning.Settings.of(file, Optional.of("ppo"), Optional.empty(), none, none).orElseThrow(),
        "the file's share and gate; PPO's interval within its gate");
    assertEquals(new OnlineLearning.Settings("contq", 0.2, 50, OnlineLearning.Settings.PUBLISH_EVERY,
        OnlineLearning.Settings.BUFFER), OnlineLearning.Settings.of(file, Optional.of("contq"), Optional.of(0.2), none,
        none).orElseThrow());
    assertEquals(7, OnlineLearning.Settings.of(ConfigFactory.parseString("serving.learn.agent = ts"),
        Optional.empty(), Optional.empty(), Optional.of(7), none).orElseThrow().gate());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> OnlineLearning.Settings.of(ConfigFactory.empty(),
        Optional.empty(), Optional.empty(), Optional.of(7), none)).getMessage().startsWith("--learn-share,"
        + " --learn-gate and --learn-publish-every need --learn AGENT"));
  }
}
