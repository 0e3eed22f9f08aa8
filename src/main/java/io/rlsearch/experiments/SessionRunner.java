package io.rlsearch.experiments;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.Transition;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.Templates;
import io.rlsearch.sim.World;

/**
 * The pure core of an environment shard: given an arrival, draw the session's base scores and build
 * the context ({@link #prepare}); given the policy's decision, simulate the session and make the
 * transition ({@link #finish}). Holds {@code slots} sessions at once (a shard's batch), each with its
 * own scratch; one runner per shard.
 */
public final class SessionRunner {
  private final TemplateEpisode[] episodes;
  private final RunStreams streams;
  private final Population.Arrival[] current;
  private final NumpyRandom[] sessionRng;
  private final double[][] context;

  /** A runner for one session at a time. */
  public SessionRunner(World world, TemplateBandits.FeatureMode features, RunStreams streams) {
    this(world, features, streams, 1);
  }

  /** A runner over {@code world}'s templates with {@code features}, holding {@code slots} sessions. */
  public SessionRunner(World world, TemplateBandits.FeatureMode features, RunStreams streams, int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1, got " + slots);
    }
    float[][] boosts = Templates.all(world.catalog(), world.settings().action().aMax(),
        world.settings().templates().popularAmplitude());
    this.episodes = new TemplateEpisode[slots];
    for (int i = 0; i < slots; i++) {
      episodes[i] = new TemplateEpisode(world, boosts, features, TemplateBandits.Estimator.CH06);
    }
    this.streams = streams;
    this.current = new Population.Arrival[slots];
    this.sessionRng = new NumpyRandom[slots];
    this.context = new double[slots][];
  }

  /** Sessions held at once. */
  public int slots() {
    return episodes.length;
  }

  /** Context dimension (bias included). */
  public int contextDim() {
    return episodes[0].contextDim();
  }

  /** Number of arms (templates). */
  public int arms() {
    return Templates.NAMES.size();
  }

  /** Starts {@code a}'s session: draws its base scores from the session stream; returns the context. */
  public double[] prepare(Population.Arrival a) {
    return prepare(0, a);
  }

  /** Starts {@code a}'s session in slot {@code slot}; returns the context. */
  public double[] prepare(int slot, Population.Arrival a) {
    current[slot] = a;
    sessionRng[slot] = streams.session(a.user(), a.session());
    episodes[slot].prepare(a.profile(), a.query(), sessionRng[slot]);
    context[slot] = episodes[slot].context();
    return context[slot].clone();
  }

  /** Plays the decision on the prepared session and returns the transition. */
  public Transition finish(Decision d, String agent, long version) {
    return finish(0, d, agent, version);
  }

  /** Plays the decision on slot {@code slot}'s session and returns the transition. */
  public Transition finish(int slot, Decision d, String agent, long version) {
    Population.Arrival a = current[slot];
    if (a == null) {
      throw new IllegalStateException("finish() without prepare() in slot " + slot);
    }
    TemplateEpisode.Played p = episodes[slot].play(d.arm(), sessionRng[slot]);
    Transition t = new Transition(a.episode(), a.user(), a.session(), agent, version, context[slot], d.arm(),
        d.propensity(), p.reward(), p.parts(), p.orders(), episodes[slot].impressions(), p.satisfaction(),
        a.profile().segment());
    current[slot] = null;
    return t;
  }
}
