/**
 * Value types and the central interface: {@link io.rlsearch.core.SearchEnv} with its
 * {@link io.rlsearch.core.Observation}, {@link io.rlsearch.core.Action}, {@link io.rlsearch.core.Step}
 * and {@link io.rlsearch.core.StepInfo}.
 *
 * <p>No Pekko, no DJL, nothing else from the project. Records copy their arrays in and out, so a
 * value handed to another thread or actor cannot change under it.
 */
package io.rlsearch.core;
