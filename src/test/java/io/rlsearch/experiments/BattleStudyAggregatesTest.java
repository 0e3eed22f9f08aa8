package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.World;
import io.rlsearch.sim.ZoosimConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The battle's bookkeeping: each agent's figures are the documented means over seeds of what its trainer
 * reported, its held-out figures are those of its greedy policy on the seed's own evaluation users, and the
 * schedule keeps its bound on seeds in flight and ends on the first failure.
 */
class BattleStudyAggregatesTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 400 }");
  private static final BoostReference.Settings REFERENCE = new BoostReference.Settings(20, 4, 1, 2, 0);
  private static final List<String> AGENTS = List.of("static", "random", "boost");

  private static double[] vector(int axis, double v) {
    double[] w = new double[10];
    w[axis] = v;
    return w;
  }

  private static PolicySnapshot policy(String agent) {
    return switch (agent) {
      case "static" -> BoostReference.fixed("static", new double[10]);
      case "random" -> BoostReference.fixed("random", vector(1, -2));
      default -> BoostReference.fixed(agent, vector(0, 3));
    };
  }

  /** Seed {@code seed}'s scripted figures for agent number {@code a}: distinct per seed and agent. */
  private static BattleStudy.Trained trained(String name, int a, long seed) {
    double[] returns = new double[70];
    for (int i = 0; i < returns.length; i++) {
      returns[i] = i < 20 ? 100 : a + seed + i / 100.0;
    }
    return new BattleStudy.Trained(name, false, policy(name), returns, 10 * seed + a, 20 * seed + a,
        0.1 * seed + a, 0.01 * seed, 0.5 * a + seed, seed + 0.25 * a);
  }

  private static List<BattleStudy.Trained> trainAll(long seed, List<String> agents) {
    List<BattleStudy.Trained> out = new ArrayList<>();
    for (int a = 0; a < agents.size(); a++) {
      out.add(trained(agents.get(a), a, seed));
    }
    return out;
  }

  @Test
  void trainingFiguresAreMeansOverSeedsAndWallTimeIsTheirSum() {
    List<Long> seeds = List.of(1L, 2L, 3L);
    BattleStudy.Result r = BattleStudy.run(SMALL, new BattleStudy.Settings(seeds, AGENTS, 1, REFERENCE, 1),
        (world, seed, agents) -> trainAll(seed, agents));
    for (int a = 0; a < AGENTS.size(); a++) {
      String name = AGENTS.get(a);
      BattleStudy.AgentResult got = r.agents().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
      double final50 = 0;
      double train = 0;
      double gmv = 0;
      double cm2 = 0;
      double exposure = 0;
      double violations = 0;
      double diversity = 0;
      double wall = 0;
      for (long seed : seeds) {
        // the last 50 of 70 returns are a + seed + i/100 for i = 20..69: their mean is a + seed + 0.445
        final50 += (a + seed + 0.445) / 3;
        train += (20 * 100 + 50 * (a + seed + 0.445)) / 70 / 3;
        gmv += (10.0 * seed + a) / 3;
        cm2 += (20.0 * seed + a) / 3;
        exposure += (0.1 * seed + a) / 3;
        violations += 0.01 * seed / 3;
        diversity += (0.5 * a + seed) / 3;
        wall += seed + 0.25 * a;
      }
      assertEquals(final50, got.final50(), 1e-9, name + " final50");
      assertEquals(train, got.trainReturn().mean(), 1e-9, name + " train return");
      assertEquals(gmv, got.gmv(), 1e-9, name + " gmv");
      assertEquals(cm2, got.cm2(), 1e-9, name + " cm2");
      assertEquals(exposure, got.exposurePl(), 1e-9, name + " exposure");
      assertEquals(violations, got.cm2Violations(), 1e-12, name + " violations");
      assertEquals(diversity, got.diversity(), 1e-9, name + " diversity");
      assertEquals(wall, got.wallSeconds(), 1e-9, name + " wall time summed over seeds");
      assertEquals(3, got.curves().size());
      assertEquals(70, got.curves().get(2).length);
    }
  }

  @Test
  void heldOutFiguresAreThoseOfEachGreedyPolicyOnTheSeedsOwnUsers() {
    int users = 30;
    List<Long> seeds = List.of(4L, 5L);
    BattleStudy.Result r = BattleStudy.run(SMALL, new BattleStudy.Settings(seeds, AGENTS, users, REFERENCE, 1),
        (world, seed, agents) -> trainAll(seed, agents));
    Task.BoostWeights weights = Task.BoostWeights.battleTemplates();
    for (String name : AGENTS) {
      BattleStudy.AgentResult got = r.agents().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
      double[] gmv = new double[seeds.size()];
      double[] cm2 = new double[seeds.size()];
      for (int si = 0; si < seeds.size(); si++) {
        long seed = seeds.get(si);
        World world = World.generate(SMALL.withSeed(seed), new NumpyRandom(seed));
        // Evaluated alone on the same users (the paired evaluation gives each entry what it gets alone).
        BattleEvaluation.Result alone = BattleEvaluation.run(world, weights, Task.Slate.reference(),
            List.of(new BattleEvaluation.Entry(name, policy(name), false)), seed * 64 + 61, users, 1);
        assertEquals(alone.mean(0), got.evalPerSeed()[si], 1e-12, name + " seed " + seed);
        gmv[si] = Arrays.stream(alone.gmv()[0]).average().orElseThrow();
        cm2[si] = Arrays.stream(alone.cm2()[0]).average().orElseThrow();
      }
      assertEquals((gmv[0] + gmv[1]) / 2, got.evalGmv().mean(), 1e-9, name + " held-out GMV");
      assertEquals((cm2[0] + cm2[1]) / 2, got.evalCm2().mean(), 1e-9, name + " held-out CM2");
    }
    // the paired differences are per seed, against random's and static's figures on the same users
    BattleStudy.AgentResult random = r.agents().stream().filter(x -> x.name().equals("random")).findFirst()
        .orElseThrow();
    BattleStudy.AgentResult fixed = r.agents().stream().filter(x -> x.name().equals("static")).findFirst()
        .orElseThrow();
    for (BattleStudy.AgentResult got : r.agents()) {
      double vsRandom = 0;
      double vsStatic = 0;
      for (int si = 0; si < seeds.size(); si++) {
        vsRandom += (got.evalPerSeed()[si] - random.evalPerSeed()[si]) / seeds.size();
        vsStatic += (got.evalPerSeed()[si] - fixed.evalPerSeed()[si]) / seeds.size();
      }
      assertEquals(vsRandom, got.evalVsRandom().mean(), 1e-12, got.name() + " against random");
      assertEquals(vsStatic, got.evalVsStatic().mean(), 1e-12, got.name() + " against static");
    }
    // the scripted policies differ, so the figures above are not all the same number
    assertFalse(r.agents().get(0).evalReturn().mean() == r.agents().get(2).evalReturn().mean());
  }

  @Test
  void oneEvaluationUserIsEnoughAndNoneIsRefused() {
    BattleStudy.Settings one = new BattleStudy.Settings(List.of(1L), AGENTS, 1, REFERENCE, 1);
    assertEquals(1, one.evalUsers());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new BattleStudy.Settings(List.of(1L), AGENTS, 0, REFERENCE, 1));
    assertEquals("the battle needs a seed and an evaluation user", e.getMessage());
  }

  @Test
  void theEvaluationRunsOnItsOwnDaemonThread() {
    AtomicReference<Thread> evaluator = new AtomicReference<>();
    BattleStudy.run(SMALL, new BattleStudy.Settings(List.of(1L), AGENTS, 1, REFERENCE, 1), (world, seed, agents) -> {
      List<BattleStudy.Trained> out = new ArrayList<>();
      for (BattleStudy.Trained t : trainAll(seed, agents)) {
        PolicySnapshot watched = wrapped(t.policy(), () -> { }, () -> evaluator.set(Thread.currentThread()));
        out.add(new BattleStudy.Trained(t.name(), false, watched, t.returns(), 0, 0, 0, 0, 0, 0));
      }
      return out;
    });
    Thread t = evaluator.get();
    assertEquals("rlsearch-battle-evaluation", t.getName());
    assertTrue(t.isDaemon(), "an evaluation left running must not keep the JVM alive");
  }

  @Test
  void withOneSeedInFlightTheNextSeedStartsOnlyOnceThePreviousIsTrainedAndEvaluated() {
    List<CompletableFuture<List<BattleStudy.Trained>>> started = new ArrayList<>();
    List<java.util.concurrent.atomic.AtomicInteger> evaluated = new ArrayList<>();
    List<String> previous = new ArrayList<>();
    BattleStudy.run(SMALL, new BattleStudy.Settings(List.of(1L, 2L, 3L), AGENTS, 1, REFERENCE, 1),
        (world, seed, agents) -> {
          int i = started.size();
          previous.add(i == 0 ? "none" : started.get(i - 1).isDone() + "/" + evaluated.get(i - 1).get());
          // each agent's policy counts the held-out users it ranks (one each: the seed's evaluation)
          java.util.concurrent.atomic.AtomicInteger acts = new java.util.concurrent.atomic.AtomicInteger();
          evaluated.add(acts);
          // training finishes later on another thread, so a seed started too early sees it unfinished
          CompletableFuture<List<BattleStudy.Trained>> f = CompletableFuture.supplyAsync(() -> {
            List<BattleStudy.Trained> out = new ArrayList<>();
            for (BattleStudy.Trained t : trainAll(seed, agents)) {
              PolicySnapshot counted = wrapped(t.policy(), acts::incrementAndGet, () -> { });
              out.add(new BattleStudy.Trained(t.name(), false, counted, t.returns(), 0, 0, 0, 0, 0, 0));
            }
            return out;
          }, CompletableFuture.delayedExecutor(500, TimeUnit.MILLISECONDS));
          started.add(f);
          return f;
        }, 1);
    // the previous seed's training done and its evaluation too: its three agents each ranked its one user
    assertEquals(List.of("none", "true/3", "true/3"), previous);
  }

  /** {@code p}, running {@code onAct} on each act and {@code onGreedy} when asked for its greedy policy. */
  private static PolicySnapshot wrapped(PolicySnapshot p, Runnable onAct, Runnable onGreedy) {
    return new PolicySnapshot() {
      @Override
      public String agent() {
        return p.agent();
      }

      @Override
      public long version() {
        return p.version();
      }

      @Override
      public Decision act(double[] x, NumpyRandom rng) {
        onAct.run();
        return p.act(x, rng);
      }

      @Override
      public PolicySnapshot greedy() {
        onGreedy.run();
        return this;
      }
    };
  }

  @Test
  void aLaterSeedsFailureEndsTheStudyWhileAnEarlierSeedIsStillTraining() {
    AtomicBoolean secondStarted = new AtomicBoolean();
    IllegalStateException boom = new IllegalStateException("seed 2 failed");
    RuntimeException thrown = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(
        RuntimeException.class, () -> BattleStudy.run(SMALL,
            new BattleStudy.Settings(List.of(1L, 2L), AGENTS, 1, REFERENCE, 1), (world, seed, agents) -> {
              if (seed == 1L) {
                return new CompletableFuture<>(); // never finishes: only the failure can end the wait
              }
              secondStarted.set(true);
              // trains, but its evaluation fails (on the evaluator, when it asks for the greedy policy)
              List<BattleStudy.Trained> out = new ArrayList<>();
              for (BattleStudy.Trained t : trainAll(seed, agents)) {
                PolicySnapshot failing = new PolicySnapshot() {
                  @Override
                  public String agent() {
                    return t.name();
                  }

                  @Override
                  public long version() {
                    return 0;
                  }

                  @Override
                  public Decision act(double[] x, NumpyRandom rng) {
                    throw boom;
                  }

                  @Override
                  public PolicySnapshot greedy() {
                    throw boom;
                  }
                };
                out.add(new BattleStudy.Trained(t.name(), false, failing, t.returns(), 0, 0, 0, 0, 0, 0));
              }
              return CompletableFuture.completedFuture(out);
            }, 2)));
    assertTrue(secondStarted.get());
    assertSame(boom, thrown, "the failure is rethrown as it was raised");
  }
}
