/**
 * zoosim, the e-commerce search world (docs/world.md): settings, catalog, users,
 * queries, base relevance, boost features, the utility-based cascade, reward, retention, templates,
 * and four environments (single-step, Gym, slate, multi-session).
 *
 * <p>Pure and deterministic: every random draw comes from a {@code NumpyRandom} passed in, in the
 * reference's order, so one seed reproduces the reference's world. Hot paths use primitive columns
 * ({@link io.rlsearch.sim.Catalog}) and per-environment scratch buffers
 * ({@link io.rlsearch.sim.EpisodeScorer}); worlds are immutable and shareable, environments are not
 * thread-safe. Reference behaviour that looks unintended is reproduced behind the switches of
 * {@link io.rlsearch.sim.SimSettings.Quirks}.
 */
package io.rlsearch.sim;
