package io.rlsearch.experiments;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.sim.Query;
import io.rlsearch.sim.User;

/** One session of a {@link Task}: draws, context, and playing a decision. Holds scratch; one owner. */
interface SessionEpisode {
  /** The outcome of playing a decision. */
  record Played(double reward, RewardBreakdown parts, int orders, double satisfaction, int[] slate, int[] clicked,
      int[] bought, double rankChange) {
    Played(double reward, RewardBreakdown parts, io.rlsearch.sim.SessionOutcome out) {
      this(reward, parts, out.totalBuys(), out.satisfaction(), null, out.clicks(), out.buys(), Double.NaN);
    }

    Played(double reward, RewardBreakdown parts, io.rlsearch.sim.SessionOutcome out, double rankChange) {
      this(reward, parts, out.totalBuys(), out.satisfaction(), null, out.clicks(), out.buys(), rankChange);
    }
  }

  /** Takes the user and query and draws the session's base scores from {@code rng}. */
  void prepare(User u, Query q, NumpyRandom rng);

  /** The context of the prepared session. */
  double[] context();

  /** Context dimension. */
  int contextDim();

  /** Positions shown. */
  int impressions();

  /** Plays {@code d} on the prepared session, drawing the user's behaviour from {@code rng}. */
  Played play(Decision d, NumpyRandom rng);
}
