/**
 * Studies that put the simulator, the agents and the evaluators together: the Chapter-6 template
 * bandit protocol, the off-policy evaluation study and the Chapter-10 drift scenario.
 *
 * <p>Pure and deterministic like the packages they combine (no Pekko, no DJL): every stream is
 * seeded from the study's settings, and where independent phases run in parallel on an executor
 * passed in, each owns its own stream and scratch, so the result does not depend on the executor.
 */
package io.rlsearch.experiments;
