/**
 * Pekko Streams graphs of the runtime: sessions pulled from the population, balanced over the
 * environment shards, merged, and broadcast with backpressure to every consumer of transitions.
 */
package io.rlsearch.streams;
