package io.rlsearch.agents.bandit;

/**
 * A learning policy over {@code arms()} discrete arms with linear context features.
 *
 * <p>{@link #select} picks an arm for a context (it may advance internal state such as the step
 * counter or a sampler); {@link #update} feeds back the reward of a played arm. Not thread-safe.
 */
public interface ContextualBandit {
  /** Number of arms. */
  int arms();

  /** Context dimension. */
  int dim();

  /** The arm to play for context {@code x}. */
  int select(double[] x);

  /** Learns from playing {@code arm} in context {@code x} and receiving {@code reward}. */
  void update(int arm, double[] x, double reward);

  /** The posterior-mean (greedy) score of every arm for {@code x}: what the policy believes. */
  double[] meanScores(double[] x);

  /** Counters and per-arm state summaries. */
  BanditDiagnostics diagnostics();
}
