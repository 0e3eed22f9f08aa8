package io.rlsearch.core;

/**
 * A Gym-style search-ranking environment: the interface the actor runtime drives.
 *
 * <p>Implementations own their random stream; the same construction seed and the same sequence of
 * calls give the same observations, rewards and infos. Not thread-safe: one owner per instance.
 */
public interface SearchEnv {
  /** Starts an episode and returns its first observation. */
  Observation reset();

  /** Applies an action. */
  Step step(Action action);

  /** Dimension of {@link Observation#features()}. */
  int observationDim();

  /** Dimension of an {@link Action}. */
  int actionDim();

  /** Lower bound of every action component ({@code -inf} when unbounded). */
  double actionLow();

  /** Upper bound of every action component ({@code +inf} when unbounded). */
  double actionHigh();
}
