/**
 * Ranking policies and the update math of every learner, framework-free.
 *
 * <p>Pure, synchronous and deterministic: no Pekko, no DJL; every random draw comes from a
 * generator passed in. The actor runtime wraps these classes unchanged. {@code agents} may use
 * {@code core} and {@code eval}; it does not know the simulator ({@code sim}): agents see feature
 * vectors and rewards.
 */
package io.rlsearch.agents;
