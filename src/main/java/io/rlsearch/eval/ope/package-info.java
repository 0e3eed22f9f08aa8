/**
 * Off-policy evaluation over logged decisions: the record every policy logs, its JSON Lines file,
 * and the estimators (IPS with optional clipping, SNIPS, PDIS, DM, DR, SWITCH-DR) with the fitted-Q
 * evaluation model they share.
 *
 * <p>Estimators see decisions and a target policy's probabilities, never the simulator. Every
 * estimate carries a 95% confidence interval and its weight diagnostics (effective sample size,
 * largest weight), so a reader can tell a trustworthy estimate from a lucky one.
 */
package io.rlsearch.eval.ope;
