/**
 * Off-policy estimators for logged slate data with positions, as the Open Bandit Pipeline defines
 * them (Saito et al. 2021): IPW, self-normalised IPW, sub-Gaussian IPW, the direct method, doubly
 * robust, self-normalised DR, Switch-DR and DR with optimistic shrinkage. The target policy gives a
 * probability per (action, position); weights are that probability over the logged propensity.
 * Also the Bernoulli TS target distribution from the dataset's priors by Monte Carlo, and percentile
 * bootstrap intervals of the estimates. Pure, deterministic plain Java.
 */
package io.rlsearch.eval.ope.obd;
