package io.rlsearch.experiments;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Paired evaluation of frozen policies on the same held-out users: every policy meets every user's
 * query with the same base-score draws and the same behaviour stream (common random numbers), so
 * differences between policies are measured user by user.
 *
 * <p>Each user's session is prepared once per task (the base scores are drawn once, and the slate task
 * takes the boost-weight task's draw, which is the same) and played by
 * every policy on a copy of the session stream as it stood after the draw, which is what
 * {@link SessionRunner} would do for that policy alone: the result equals a separate run per policy
 * (tested) at a fraction of the cost. Boost-weight policies play the boost-weight task; slate
 * policies play the slate task on the same users and queries.
 */
public final class BattleEvaluation {
  private BattleEvaluation() {}

  /**
   * A policy to evaluate.
   *
   * @param name its name
   * @param policy the frozen policy (evaluate learned policies through {@link PolicySnapshot#greedy})
   * @param slate whether it acts on the slate task
   */
  public record Entry(String name, PolicySnapshot policy, boolean slate) {}

  /**
   * Per-user outcomes.
   *
   * @param rewards {@code rewards[p][u]}: policy p's reward on user u
   * @param gmv {@code gmv[p][u]}
   * @param cm2 {@code cm2[p][u]}
   * @param segments each user's segment
   */
  public record Result(double[][] rewards, double[][] gmv, double[][] cm2, int[] segments) {
    /** Policy {@code p}'s mean reward. */
    public double mean(int p) {
      double s = 0;
      for (double r : rewards[p]) {
        s += r;
      }
      return s / rewards[p].length;
    }
  }

  /** Users are split into this many contiguous chunks, whatever the threads (so results do not depend on them). */
  static final int CHUNKS = 8;

  /**
   * Evaluates {@code entries} on {@code users} users of stream {@code streamSeed} (single sessions), on
   * {@code threads} threads; the result does not depend on the number of threads.
   */
  public static Result run(World world, Task.BoostWeights weights, Task.Slate slate, List<Entry> entries,
      long streamSeed, int users, int threads) {
    if (users < 1) {
      throw new IllegalArgumentException("evaluation needs at least one user, got " + users);
    }
    int n = entries.size();
    double[][] rewards = new double[n][users];
    double[][] gmv = new double[n][users];
    double[][] cm2 = new double[n][users];
    int[] segments = new int[users];
    Parallel.forChunks(users, CHUNKS, threads, (from, to) -> {
      RunStreams streams = new RunStreams(streamSeed);
      Population population = new Population(world, streams, to, false, 1, from);
      WeightsEpisode we = new WeightsEpisode(world, weights);
      boolean anySlate = entries.stream().anyMatch(Entry::slate);
      SlateEpisode se = anySlate ? new SlateEpisode(world, slate) : null;
      int u = from;
      while (true) {
        Optional<Population.Arrival> next = population.next();
        if (next.isEmpty()) {
          break;
        }
        Population.Arrival a = next.get();
        NumpyRandom wr = streams.session(a.user(), a.session());
        we.prepare(a.profile(), a.query(), wr);
        double[] wx = we.context();
        NumpyRandom sr = null;
        double[] sx = null;
        if (se != null) {
          // the slate session's draw is the one just made: the same stream, the same query
          sr = wr.copy();
          se.prepareDrawn(a.profile(), a.query(), we);
          sx = se.context();
        }
        for (int p = 0; p < n; p++) {
          Entry e = entries.get(p);
          SessionEpisode ep = e.slate() ? se : we;
          Decision d = e.policy().act(e.slate() ? sx : wx, streams.policy(a.episode()));
          SessionEpisode.Played played = ep.play(d, (e.slate() ? sr : wr).copy());
          rewards[p][u] = played.reward();
          gmv[p][u] = played.parts().gmv();
          cm2[p][u] = played.parts().cm2();
        }
        segments[u] = a.profile().segment();
        population.finished(a.user(), a.session(), 0, 0);
        u++;
      }
    });
    return new Result(rewards, gmv, cm2, segments);
  }

  /** The entries' names, in order. */
  public static List<String> names(List<Entry> entries) {
    List<String> out = new ArrayList<>();
    for (Entry e : entries) {
      out.add(e.name());
    }
    return out;
  }
}
