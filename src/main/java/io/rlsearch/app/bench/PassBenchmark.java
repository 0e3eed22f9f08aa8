package io.rlsearch.app.bench;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.core.random.Pcg64;
import io.rlsearch.core.random.SeedSequence;
import io.rlsearch.sim.EpisodeScorer;
import io.rlsearch.sim.Query;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.Templates;
import io.rlsearch.sim.User;
import io.rlsearch.sim.World;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH: each pass of a search episode on the default world (10,000 products), alone, so that a change
 * to one pass is measured on that pass ({@code ./rlsearch bench passes} runs it once with the Vector
 * API kernel and once with the plain-Java one).
 *
 * <ul>
 *   <li>{@code pcgWords}: 10,000 words of the PCG64 generator;
 *   <li>{@code noise}: 10,000 normal draws (the words and numpy's ziggurat), the base scores' noise;
 *   <li>{@code relevance}: the whole scoring pass of an episode: both dot products, the division and
 *       rounding, the lexical term, the noise, the personalisation moments;
 *   <li>{@code rankByWeights}: the top-20 of base + features x weights (10 boost weights);
 *   <li>{@code rankByBoosts}: the top-20 of base + a template's boosts.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PassBenchmark {
  private static final int N = 10_000;

  private Pcg64 pcg;
  private long[] words;
  private NumpyRandom rng;
  private double[] normals;
  private EpisodeScorer scorer;
  private User user;
  private Query query;
  private double[] weights;
  private float[] boosts;

  /** The default world, one user and query, a scorer with a drawn episode. */
  @Setup
  public void setup() {
    SimSettings s = SimSettings.defaults();
    World world = World.generate(s, new NumpyRandom(s.seed()));
    NumpyRandom draws = new NumpyRandom(7);
    user = world.sampleUser(draws);
    query = world.sampleQuery(user, draws);
    scorer = new EpisodeScorer(world, s.topK());
    rng = new NumpyRandom(11);
    scorer.drawBase(user, query, rng);
    pcg = new Pcg64(SeedSequence.of(13));
    words = new long[N];
    normals = new double[N];
    weights = new double[] {1.0, -0.5, 0.25, 2.0, 0.5, -1.0, 0.0, 0.75, -0.25, 1.5};
    boosts = Templates.all(world.catalog(), s.action().aMax(), s.templates().popularAmplitude())[4];
  }

  /** 10,000 PCG64 words. */
  @Benchmark
  public long pcgWords() {
    pcg.fill(words, N);
    return words[N - 1];
  }

  /** 10,000 standard normals (scaled as the base scores' noise). */
  @Benchmark
  public double noise() {
    rng.fillNormal(normals, N, 0.0, 0.05);
    return normals[N - 1];
  }

  /** The scoring pass of one episode (relevance, noise, personalisation). */
  @Benchmark
  public double relevance() {
    scorer.drawBase(user, query, rng);
    return scorer.base(N - 1);
  }

  /** The top-20 by base score plus features times boost weights. */
  @Benchmark
  public int[] rankByWeights() {
    return scorer.rankByWeights(user, query, weights, 20);
  }

  /** The top-20 by base score plus a template's boosts. */
  @Benchmark
  public int[] rankByBoosts() {
    return scorer.rankByBoosts(boosts, 20);
  }
}
