package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.drift.DriftDetector;
import io.rlsearch.eval.drift.PageHinkley;
import io.rlsearch.sim.Templates;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The shifting-world study against a replay of its definition: every template's reward per episode on the
 * same draws (users from the first world before the shift, from the second after), and scripted agents whose
 * arm depends on how many outcomes they have learned from, so their rewards are known template rewards.
 */
class NonstationaryStudyTest {
  // A small catalog and short lists keep each session cheap; rewards x100 make the drop detector's noise
  // cross its threshold of 500 within the 64 episodes after its 500-sample warm-up. Every template earns
  // something in episode 34 (the first after the shift), so a window that kept it would show.
  private static final String BASE = "top_k = 5\ncatalog { n_products = 40 }\n"
      + "reward { alpha_gmv = 100, beta_cm2 = 40, gamma_strat = 200, delta_clicks = 10 }\n";
  private static final long SEED = 7;
  private static final int EPISODES = 564;
  private static final int SHIFT = 34;
  private static final int ARMS = Templates.NAMES.size();

  private static World before;
  private static World after;
  private static double[][] reward; // [arm][episode]
  private static int bestBefore;
  private static int bestAfter;
  private static int worstAfter;
  private static NonstationaryStudy.Result result;
  private static final AtomicInteger closes = new AtomicInteger();

  /** An agent that plays {@code arm(n)} after learning from n outcomes and counts its closes. */
  private record Scripted(String name, LongUnaryOperator arm) implements AgentBuilder {
    @Override
    public UpdateRule create(int arms, int dim) {
      assertEquals(ARMS, arms);
      return new UpdateRule() {
        private long observed;

        @Override
        public void observe(double[] context, Decision decision, double reward) {
          throw new AssertionError("the study feeds transitions");
        }

        @Override
        public void observe(Transition t) {
          assertEquals(arm.applyAsLong(observed), t.arm());
          observed++;
        }

        @Override
        public PolicySnapshot snapshot(long version) {
          // The study publishes version n after the n-th outcome.
          assertEquals(observed, version, "snapshot version");
          int a = (int) arm.applyAsLong(observed);
          return new PolicySnapshot() {
            @Override
            public String agent() {
              return name;
            }

            @Override
            public long version() {
              return version;
            }

            @Override
            public Decision act(double[] x, NumpyRandom rng) {
              return Decision.arm(a, 1.0);
            }
          };
        }

        @Override
        public boolean learns() {
          return true;
        }

        @Override
        public void close() {
          closes.incrementAndGet();
        }
      };
    }

    @Override
    public UpdateRule restore(PolicySnapshot snapshot) {
      throw new UnsupportedOperationException();
    }
  }

  private static World world(String overlay) {
    return World.generate(ZoosimConfig.fromString(BASE + overlay).withSeed(SEED), new NumpyRandom(SEED));
  }

  /** Every template's reward per episode, users from {@code b} before {@code shift} and {@code a} from it on. */
  private static double[][] replay(World b, World a, long seed, int episodes, int shift) {
    Task task = new Task.BoostTemplates(TemplateBandits.FeatureMode.RICH);
    RunStreams streams = new RunStreams(seed);
    SessionRunner runner = new SessionRunner(b, task, streams);
    double[][] r = new double[ARMS][episodes];
    for (int arm = 0; arm < ARMS; arm++) {
      for (int e = 0; e < episodes; e++) {
        runner.prepare(Population.firstSession(e < shift ? b : a, streams, e));
        r[arm][e] = runner.finish(Decision.arm(arm, 1.0), "replay", 0).reward();
      }
    }
    return r;
  }

  private static double mean(double[] r, int from, int to) {
    double s = 0;
    for (int e = from; e < to; e++) {
      s += r[e];
    }
    return s / (to - from);
  }

  private static double[] played(Scripted agent) {
    double[] r = new double[EPISODES];
    for (int e = 0; e < EPISODES; e++) {
      r[e] = reward[(int) agent.arm().applyAsLong(e)][e];
    }
    return r;
  }

  /** The first k >= 500 whose last 500 post-shift rewards average at least target, or -1. */
  private static long recovery(double[] r, double target) {
    for (int k = 500; SHIFT + k <= EPISODES; k++) {
      if (mean(r, SHIFT + k - 500, SHIFT + k) >= target) {
        return k;
      }
    }
    return -1;
  }

  private static long alarms(double[] r) {
    PageHinkley ph = new PageHinkley(new PageHinkley.Settings(1.0, 500.0, 500, DriftDetector.Form.TEXTBOOK));
    long n = 0;
    for (double x : r) {
      n += ph.update(-x) ? 1 : 0;
    }
    return n;
  }

  private static Scripted best;
  private static Scripted late;
  private static Scripted worst;

  // Before each test, not once for the class: PIT links a line to the tests that ran it, and code run in a
  // @BeforeAll is linked only to the class's first test, so the others would never be run against its mutants.
  @BeforeEach
  void runStudy() {
    bestBefore = 0;
    bestAfter = 0;
    worstAfter = 0;
    before = world("");
    after = new World(ZoosimConfig.fromString(BASE + "drift { at = 0, category_demand = [0.3, 0.3, 4.0, 0.3] }")
        .withSeed(SEED).shifted(), before.catalog());
    reward = replay(before, after, SEED, EPISODES, SHIFT);
    for (int a = 1; a < ARMS; a++) {
      bestBefore = mean(reward[a], 0, SHIFT) > mean(reward[bestBefore], 0, SHIFT) ? a : bestBefore;
      bestAfter = mean(reward[a], SHIFT, EPISODES) > mean(reward[bestAfter], SHIFT, EPISODES) ? a : bestAfter;
      worstAfter = mean(reward[a], SHIFT, EPISODES) < mean(reward[worstAfter], SHIFT, EPISODES) ? a : worstAfter;
    }
    int bb = bestBefore;
    int ba = bestAfter;
    int wa = worstAfter;
    // Best in each phase; the best before the shift, the best after it in the shift's own episode, then the
    // worst for 20 episodes, then the best; the worst.
    best = new Scripted("best", n -> n < SHIFT ? bb : ba);
    late = new Scripted("late", n -> n < SHIFT ? bb : n > SHIFT && n <= SHIFT + 20 ? wa : ba);
    worst = new Scripted("worst", n -> wa);
    closes.set(0);
    result = NonstationaryStudy.run(before, after, TemplateBandits.FeatureMode.RICH, List.of(best, late, worst),
        SEED, EPISODES, SHIFT);
  }

  @Test
  void theBestTemplateOfEachPhaseIsFoundOnTheSameDraws() {
    assertEquals(Map.entry(Templates.NAMES.get(bestBefore), mean(reward[bestBefore], 0, SHIFT)), result.bestBefore());
    assertEquals(Map.entry(Templates.NAMES.get(bestAfter), mean(reward[bestAfter], SHIFT, EPISODES)),
        result.bestAfter());
  }

  @Test
  void regretIsThePhasesBestMeanMinusTheAgentsMean() {
    assertEquals(List.of("best", "late", "worst"), result.agents().stream().map(NonstationaryStudy.AgentFigures::agent)
        .toList());
    NonstationaryStudy.AgentFigures b = result.agents().get(0);
    assertEquals(0.0, b.regretBefore());
    assertEquals(0.0, b.regretAfter());
    NonstationaryStudy.AgentFigures w = result.agents().get(2);
    double[] rw = played(worst);
    assertEquals(mean(reward[bestBefore], 0, SHIFT) - mean(rw, 0, SHIFT), w.regretBefore(), 1e-9);
    assertEquals(mean(reward[bestAfter], SHIFT, EPISODES) - mean(rw, SHIFT, EPISODES), w.regretAfter(), 1e-9);
    assertTrue(w.regretBefore() > 0 && w.regretAfter() > 0);
    NonstationaryStudy.AgentFigures l = result.agents().get(1);
    assertEquals(0.0, l.regretBefore());
    assertEquals(mean(reward[bestAfter], SHIFT, EPISODES) - mean(played(late), SHIFT, EPISODES), l.regretAfter(),
        1e-9);
    assertTrue(l.regretAfter() > 0);
    assertEquals(3, closes.get(), "every agent's rule is closed");
  }

  @Test
  void recoveryIsTheFirstFullTrailingWindowOfFiveHundredAtNinetyFivePercentOfTheNewBest() {
    double target = 0.95 * mean(reward[bestAfter], SHIFT, EPISODES);
    long[] expected = {recovery(played(best), target), recovery(played(late), target),
        recovery(played(worst), target)};
    assertEquals(500, expected[0], "the best template reaches the target with its first full window");
    assertEquals(520, expected[1], "20 bad episodes delay the late agent");
    assertTrue(reward[bestAfter][SHIFT] > 0, "the late agent's first post-shift reward leaves its window");
    assertEquals(-1, expected[2], "the worst template never gets there");
    for (int i = 0; i < 3; i++) {
      assertEquals(expected[i], result.agents().get(i).recoveryEpisodes(), result.agents().get(i).agent());
    }
  }

  @Test
  void guardrailBreachesAreTextbookPageHinkleyAlarmsOnTheRewardsDrop() {
    Scripted[] agents = {best, late, worst};
    long total = 0;
    for (int i = 0; i < 3; i++) {
      long expected = alarms(played(agents[i]));
      total += expected;
      assertEquals(expected, result.agents().get(i).guardrailBreaches(), agents[i].name());
    }
    assertTrue(total > 0, "some alarms, or the count shows nothing");
  }

  @Test
  void theShiftMustLeaveAnEpisodeOnEitherSide() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NonstationaryStudy.run(before,
        after, TemplateBandits.FeatureMode.RICH, List.of(), SEED, 5, 0));
    assertEquals("the shift must come after the first episode and before the last: 0 of 5", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> NonstationaryStudy.run(before, after,
        TemplateBandits.FeatureMode.RICH, List.of(), SEED, 5, 5));
    assertEquals("the shift must come after the first episode and before the last: 5 of 5", e.getMessage());
  }

  @Test
  void oneEpisodeEitherSideIsEnoughAndTiesGoToTheFirstTemplate() {
    // Seed 1: every template earns 0 in both episodes, so every template ties in both phases.
    double[][] r = replay(before, after, 1, 2, 1);
    for (double[] arm : r) {
      assertEquals(0.0, arm[0]);
      assertEquals(0.0, arm[1]);
    }
    NonstationaryStudy.Result tie = NonstationaryStudy.run(before, after, TemplateBandits.FeatureMode.RICH,
        List.of(), 1, 2, 1);
    assertEquals(Map.entry(Templates.NAMES.get(0), 0.0), tie.bestBefore());
    assertEquals(Map.entry(Templates.NAMES.get(0), 0.0), tie.bestAfter());
    assertEquals(List.of(), tie.agents());
  }

  @Test
  void figuresMapWithTheirReportNames() {
    Map<String, Object> m = NonstationaryStudy.toMap(new NonstationaryStudy.AgentFigures("a", 1.5, 2.5, 600, 3));
    assertEquals(List.of("agent", "regret_before", "regret_after", "recovery_episodes", "guardrail_breaches"),
        List.copyOf(m.keySet()));
    assertEquals(List.of("a", 1.5, 2.5, 600L, 3L), List.copyOf(m.values()));
  }
}
