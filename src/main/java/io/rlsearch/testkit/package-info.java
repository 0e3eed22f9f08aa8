/**
 * A test kit for users' agents: a tiny deterministic world ({@link io.rlsearch.testkit.TinyWorld}), a
 * harness that drives an agent through the real runtime on the Pekko TestKit
 * ({@link io.rlsearch.testkit.AgentHarness}: population, environment shards, policy server with live
 * policy swaps, learner, replay and evaluator, exchanging messages through Pekko Streams), and
 * assertions on what came out ({@link io.rlsearch.testkit.RunAssertions}): nothing lost, a CM2 floor
 * held, no request failing across a swap.
 *
 * <p>It needs {@code org.apache.pekko:pekko-actor-testkit-typed_2.13} on the test class path (the
 * library declares it optional). Assertions throw {@link java.lang.AssertionError} with a message
 * naming what failed, so they work under any test framework. docs/testing.md has a worked example.
 */
package io.rlsearch.testkit;
