/** Benchmarks: the episode driver that {@code bench env} times and its JMH benchmark. */
package io.rlsearch.app.bench;
