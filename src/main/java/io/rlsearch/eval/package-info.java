/**
 * Pure evaluation: summaries with confidence intervals, paired comparisons; later off-policy
 * estimators, drift detectors and guardrails. No Pekko, no DJL; nothing here draws randomness.
 */
package io.rlsearch.eval;
