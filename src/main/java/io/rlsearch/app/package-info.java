/**
 * Entry points: the picocli command line ({@link io.rlsearch.app.Main}). The composition root: the
 * only place that reads files and the clock, builds settings and wires components together.
 */
package io.rlsearch.app;
