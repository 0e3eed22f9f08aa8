/**
 * Seeded random streams that reproduce the Python reference bit for bit: numpy's
 * {@link io.rlsearch.core.random.SeedSequence}, {@link io.rlsearch.core.random.Pcg64} and
 * {@link io.rlsearch.core.random.NumpyRandom} (its {@code Generator}), numpy's legacy
 * {@code RandomState} ({@link io.rlsearch.core.random.Mt19937} and
 * {@link io.rlsearch.core.random.LegacyRandom}), and torch's CPU generator
 * {@link io.rlsearch.core.random.TorchRandom}.
 *
 * <p>Every generator is owned by one component and passed in explicitly; independent streams are
 * derived by spawn key ({@code SeedSequence.child(i)}), never by sharing one generator. Golden
 * fixtures from numpy and torch (tools/fixtures) pin the behaviour in tests.
 */
package io.rlsearch.core.random;
