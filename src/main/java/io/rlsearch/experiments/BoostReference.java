package io.rlsearch.experiments;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.World;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Upper references for the boost-weight task, found by search on the simulator without learning: the
 * best fixed boost vector, and the best boost vector per user segment (a policy that reads the user's
 * segment from the context and nothing else).
 *
 * <p>The search is the cross-entropy method over the box {@code [-aMax, aMax]^10}: each iteration draws
 * candidates from a diagonal Gaussian (started at 0 with a standard deviation of {@code aMax}, so the
 * box's edges are reachable), scores every candidate on the same search users (common random numbers:
 * the same queries, base scores and behaviour draws for every candidate, so differences are paired),
 * refits the Gaussian to the elite and keeps the best candidate seen. The per-segment search runs one
 * such search per segment, each on that segment's users. The search users come from their own stream,
 * apart from the evaluation users the found vectors are then scored on, so the reported value carries
 * no selection bias (it estimates a vector that is at best optimal, never an over-fitted maximum).
 */
public final class BoostReference {
  private BoostReference() {}

  /**
   * Search settings.
   *
   * @param users search users
   * @param population candidates per iteration (and per segment)
   * @param iterations CEM iterations
   * @param elite candidates the Gaussian is refitted to
   * @param seed the candidate stream's seed
   */
  public record Settings(int users, int population, int iterations, int elite, long seed) {
    public Settings {
      if (users < 1 || population < 2 || iterations < 1 || elite < 1 || elite > population) {
        throw new IllegalArgumentException("the reference search needs users >= 1, population >= 2, iterations >= 1"
            + " and 1 <= elite <= population; got " + users + ", " + population + ", " + iterations + ", " + elite);
      }
    }

    /** The battle's search: 300 users, 16 candidates, 6 iterations, elite 4. */
    public static Settings battle(long seed) {
      return new Settings(300, 16, 6, 4, seed);
    }
  }

  /**
   * What the search found.
   *
   * @param fixed the best fixed vector
   * @param perSegment the best vector of each segment
   * @param searchValue the fixed vector's mean reward on the search users (optimistic: it was selected there)
   */
  public record Found(double[] fixed, double[][] perSegment, double searchValue) {}

  /**
   * Searches the best fixed and per-segment boost vectors on {@code s.users()} users of stream
   * {@code streamSeed}, scoring on {@code threads} threads (the result does not depend on them).
   */
  public static Found search(World world, Task.BoostWeights task, long streamSeed, Settings s, int threads) {
    int segments = world.settings().users().segments().size();
    int dim = task.actionDim();
    double aMax = task.aMax();
    RunStreams streams = new RunStreams(streamSeed);
    NumpyRandom cand = new NumpyRandom(s.seed());
    // Search 0 is the fixed vector; search 1 + k segment k's.
    int searches = 1 + segments;
    double[][] mean = new double[searches][dim];
    double[][] std = new double[searches][dim];
    for (double[] sd : std) {
      Arrays.fill(sd, aMax);
    }
    double[][] best = new double[searches][dim];
    double[] bestValue = new double[searches];
    Arrays.fill(bestValue, Double.NEGATIVE_INFINITY);
    for (int it = 0; it < s.iterations(); it++) {
      double[][][] c = new double[searches][s.population()][dim];
      for (int k = 0; k < searches; k++) {
        for (int p = 0; p < s.population(); p++) {
          for (int j = 0; j < dim; j++) {
            // The first candidate of every iteration after the first is the best so far (kept, re-scored).
            double v = it > 0 && p == 0 ? best[k][j] : mean[k][j] + std[k][j] * cand.standardNormal();
            c[k][p][j] = Math.max(-aMax, Math.min(aMax, v));
          }
        }
      }
      List<int[]> parts = Parallel.bounds(s.users(), BattleEvaluation.CHUNKS);
      double[][][] partSum = new double[parts.size()][searches][s.population()];
      long[][] partCount = new long[parts.size()][searches];
      Parallel.forChunks(parts.size(), parts.size(), threads, (first, last) -> {
        for (int ci = first; ci < last; ci++) {
          int[] range = parts.get(ci);
          WeightsEpisode ep = new WeightsEpisode(world, task);
          Population population = new Population(world, streams, range[1], false, 1, range[0]);
          while (true) {
            Optional<Population.Arrival> next = population.next();
            if (next.isEmpty()) {
              break;
            }
            Population.Arrival a = next.get();
            NumpyRandom rng = streams.session(a.user(), a.session());
            ep.prepare(a.profile(), a.query(), rng);
            int seg = a.profile().segment();
            for (int k : new int[] {0, 1 + seg}) {
              for (int p = 0; p < s.population(); p++) {
                partSum[ci][k][p] += ep.play(Decision.continuous(c[k][p], 1.0), rng.copy()).reward();
              }
              partCount[ci][k]++;
            }
            population.finished(a.user(), a.session(), 0, 0);
          }
        }
      });
      double[][] sum = new double[searches][s.population()];
      long[] count = new long[searches];
      for (int ci = 0; ci < parts.size(); ci++) {
        for (int k = 0; k < searches; k++) {
          count[k] += partCount[ci][k];
          for (int p = 0; p < s.population(); p++) {
            sum[k][p] += partSum[ci][k][p];
          }
        }
      }
      for (int k = 0; k < searches; k++) {
        if (count[k] == 0) {
          continue;
        }
        Integer[] order = new Integer[s.population()];
        for (int p = 0; p < order.length; p++) {
          order[p] = p;
        }
        double[] value = sum[k];
        Arrays.sort(order, (x, y) -> Double.compare(value[y], value[x]));
        // The best so far is re-scored on the same users each iteration, so values compare directly.
        if (value[order[0]] / count[k] > bestValue[k] || order[0] == 0) {
          bestValue[k] = value[order[0]] / count[k];
          best[k] = c[k][order[0]].clone();
        }
        for (int j = 0; j < dim; j++) {
          double m = 0;
          for (int e = 0; e < s.elite(); e++) {
            m += c[k][order[e]][j];
          }
          m /= s.elite();
          double v = 0;
          for (int e = 0; e < s.elite(); e++) {
            double d = c[k][order[e]][j] - m;
            v += d * d;
          }
          mean[k][j] = m;
          std[k][j] = Math.max(Math.sqrt(v / s.elite()), 0.05 * aMax);
        }
      }
    }
    double[][] perSegment = new double[segments][];
    for (int k = 0; k < segments; k++) {
      perSegment[k] = bestValue[1 + k] == Double.NEGATIVE_INFINITY ? best[0].clone() : best[1 + k];
    }
    return new Found(best[0], perSegment, bestValue[0]);
  }

  /** A policy that always plays {@code w}. */
  public static PolicySnapshot fixed(String name, double[] w) {
    double[] v = w.clone();
    return policy(name, x -> v);
  }

  /**
   * A policy that plays {@code w[k]} for a user of segment k, read from the context's segment one-hot
   * (the first {@code w.length} entries of the zoosim context features).
   */
  public static PolicySnapshot perSegment(String name, double[][] w) {
    double[][] v = new double[w.length][];
    for (int k = 0; k < w.length; k++) {
      v[k] = w[k].clone();
    }
    return policy(name, x -> {
      int seg = 0;
      for (int k = 1; k < v.length; k++) {
        if (x[k] > x[seg]) {
          seg = k;
        }
      }
      return v[seg];
    });
  }

  /** A deterministic boost-weight policy (version 0) acting by {@code weights}. */
  /** A fixed deterministic policy: boost weights as a function of the context (logged propensity 1). */
  public static PolicySnapshot policy(String name, java.util.function.Function<double[], double[]> weights) {
    return new PolicySnapshot() {
      @Override
      public String agent() {
        return name;
      }

      @Override
      public long version() {
        return 0;
      }

      @Override
      public Decision act(double[] x, NumpyRandom rng) {
        return Decision.continuous(weights.apply(x), 1.0);
      }
    };
  }
}
