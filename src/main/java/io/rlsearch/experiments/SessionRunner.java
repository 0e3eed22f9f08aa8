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
  private final SessionEpisode[] episodes;
  private final Task task;
  private final RunStreams streams;
  private final Population.Arrival[] current;
  private final NumpyRandom[] sessionRng;
  private final double[][] context;

  /** A runner for one session at a time. */
  public SessionRunner(World world, Task task, RunStreams streams) {
    this(world, task, streams, 1);
  }

  /** A runner of {@code task} on {@code world}, holding {@code slots} sessions. */
  public SessionRunner(World world, Task task, RunStreams streams, int slots) {
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1, got " + slots);
    }
    this.task = task;
    this.episodes = new SessionEpisode[slots];
    if (task instanceof Task.BoostTemplates t) {
      float[][] boosts = Templates.all(world.catalog(), world.settings().action().aMax(),
          world.settings().templates().popularAmplitude());
      for (int i = 0; i < slots; i++) {
        episodes[i] = new TemplateEpisode(world, boosts, t.features(), TemplateBandits.Estimator.CH06);
      }
    } else if (task instanceof Task.Slate sl) {
      for (int i = 0; i < slots; i++) {
        episodes[i] = new SlateEpisode(world, sl);
      }
    } else {
      for (int i = 0; i < slots; i++) {
        episodes[i] = new WeightsEpisode(world, (Task.BoostWeights) task);
      }
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

  /** Number of arms a discrete agent chooses from. */
  public int arms() {
    return task.arms();
  }

  /** The task. */
  public Task task() {
    return task;
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
    SessionEpisode.Played p = episodes[slot].play(d, sessionRng[slot]);
    Transition t = new Transition(a.episode(), a.user(), a.session(), agent, version, context[slot], d.arm(),
        d.action(), d.propensity(), p.reward(), p.parts(), p.orders(), episodes[slot].impressions(), p.satisfaction(),
        a.profile().segment(), p.slate(), p.clicked(), p.bought(), p.rankChange(), p.exposurePl(), p.diversity(),
        p.positionRewards());
    current[slot] = null;
    return t;
  }
}
