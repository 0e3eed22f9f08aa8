package io.rlsearch.app.bench;

import io.rlsearch.core.Action;
import io.rlsearch.core.SearchEnv;
import io.rlsearch.core.Step;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.core.random.SeedSequence;
import io.rlsearch.sim.GymEnv;
import io.rlsearch.sim.MultiSessionEnv;
import io.rlsearch.sim.SearchSimulator;
import io.rlsearch.sim.SlateEnv;
import io.rlsearch.sim.World;
import java.util.Locale;

/**
 * Runs whole episodes of one environment kind with uniformly random actions: the unit that
 * {@code bench env} and the JMH benchmark time.
 *
 * <p>An episode is {@code reset} plus steps until {@code terminated}: one step for the single-step
 * envs, sessions until churn for {@code multi}. Actions come from the driver's own stream, so the
 * env's draws are exactly those of a real run.
 */
public final class EnvDriver {
  /** The environment kinds. */
  public enum Kind {
    SEARCH, GYM, GYM_RICH, SLATE, MULTI;

    /** The command-line name ({@code gym-rich}). */
    public String cliName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The kind of a command-line name. */
    public static Kind parse(String s) {
      for (Kind k : values()) {
        if (k.cliName().equals(s)) {
          return k;
        }
      }
      throw new IllegalArgumentException("unknown env '" + s + "'; accepted: search, gym, gym-rich, slate, multi");
    }
  }

  private final Kind kind;
  private final SearchEnv env;
  private final NumpyRandom actions;
  private final double[] a;
  private final double low;
  private final double high;
  private long steps;

  /** A driver for {@code kind} over {@code world}, with env stream and action stream derived from {@code seed}. */
  public EnvDriver(Kind kind, World world, SeedSequence seed) {
    NumpyRandom envRng = new NumpyRandom(seed.child(0));
    this.env = switch (kind) {
      case SEARCH -> new SearchSimulator(world, envRng);
      case GYM -> new GymEnv(world, envRng, false);
      case GYM_RICH -> new GymEnv(world, envRng, true);
      case SLATE -> new SlateEnv(world, envRng, 50);
      case MULTI -> new MultiSessionEnv(world, envRng);
    };
    this.actions = new NumpyRandom(seed.child(1));
    this.a = new double[env.actionDim()];
    boolean bounded = Double.isFinite(env.actionLow());
    this.low = bounded ? env.actionLow() : -1;
    this.high = bounded ? env.actionHigh() : 1;
    if (kind == Kind.GYM || kind == Kind.GYM_RICH) {
      env.reset(); // Gym envs reset themselves inside step; only the first episode needs this
    }
    this.kind = kind;
  }

  /** Runs one episode and returns its total reward. */
  public double episode() {
    if (kind != Kind.GYM && kind != Kind.GYM_RICH) {
      env.reset();
    }
    double total = 0;
    Step s;
    do {
      for (int i = 0; i < a.length; i++) {
        a[i] = actions.uniform(low, high);
      }
      s = env.step(new Action(a));
      total += s.reward();
      steps++;
    } while (!s.terminated());
    return total;
  }

  /** Steps taken so far (sessions, for the multi-session env). */
  public long steps() {
    return steps;
  }
}
