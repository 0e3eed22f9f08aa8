/**
 * The agent SPI the runtime drives, the same for every algorithm: an {@link io.rlsearch.agents.spi.AgentBuilder}
 * makes an {@link io.rlsearch.agents.spi.UpdateRule} (the learner's mutable state and update math), which
 * publishes immutable, versioned {@link io.rlsearch.agents.spi.PolicySnapshot}s that shards act with.
 *
 * <p>Snapshots are immutable and thread-safe (they may be shared by several actors); randomness in
 * {@code act} comes only from the stream passed in, derived by the caller from the episode id, so an
 * action does not depend on which actor or thread computed it.
 */
package io.rlsearch.agents.spi;
