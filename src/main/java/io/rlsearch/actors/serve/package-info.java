/**
 * The serving path: search requests ranked by the live policy version, with live swaps, canaries,
 * shadows, guardrails and automatic rollback.
 *
 * <p>{@link io.rlsearch.actors.serve.ServingRegistryActor} is the control plane (versions, which is
 * live, canary, shadow, known-good; events); it pushes immutable {@link io.rlsearch.actors.serve.Routing}
 * tables to the {@link io.rlsearch.actors.serve.ServeShardActor}s, which answer requests, and to the
 * {@link io.rlsearch.actors.serve.ServingMonitorActor}, which keeps per-version metrics, runs the
 * guardrails of {@link io.rlsearch.agents.safety.ServingGuard} and estimates shadows off-policy.
 */
package io.rlsearch.actors.serve;
