/**
 * Linear contextual bandits over a discrete set of arms (the Chapter-6 template bandits):
 * {@link io.rlsearch.agents.bandit.LinUcb}, {@link io.rlsearch.agents.bandit.LinearThompson}, and the
 * fixed and exploring arm policies used for logging and off-policy evaluation.
 *
 * <p>Each arm's ridge state lives in {@link io.rlsearch.agents.bandit.RidgeArm} as a Cholesky factor
 * updated by rank one; no matrix is inverted in a step.
 */
package io.rlsearch.agents.bandit;
