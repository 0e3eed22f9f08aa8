package io.rlsearch.core;

/**
 * The result of {@link SearchEnv#step}: Gymnasium's five-tuple.
 *
 * @param observation the next observation ({@link Observation#EMPTY} when the env does not reset itself)
 * @param reward the scalar reward
 * @param terminated whether the episode ended
 * @param truncated whether it was cut short (never, in zoosim)
 * @param info what happened
 */
public record Step(Observation observation, double reward, boolean terminated, boolean truncated, StepInfo info) {}
