/**
 * Off-policy estimators for logged slate data with positions, as the Open Bandit Pipeline defines
 * them (Saito et al. 2021): IPW, self-normalised IPW, sub-Gaussian IPW, the direct method, doubly
 * robust, self-normalised DR, Switch-DR and DR with optimistic shrinkage. The target policy gives a
 * probability per (action, position); weights are that probability over the logged propensity.
 * Also the cross-fitted reward models (logistic, and random forests trained with Tribuo) on
 * scikit-learn's shuffled KFold split, the Bernoulli TS target distribution from the dataset's
 * priors by Monte Carlo, and percentile bootstrap intervals of the estimates. Pure and
 * deterministic: every random draw comes from a given seed.
 */
package io.rlsearch.eval.ope.obd;
