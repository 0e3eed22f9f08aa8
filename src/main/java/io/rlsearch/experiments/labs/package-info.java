/**
 * The book's labs, each a protocol with its seeds and settings run on our world and reported beside
 * the figures the book records ({@link io.rlsearch.experiments.labs.LabReport}). Pure and
 * deterministic: no Pekko, no DJL, no clock; the {@code lab} command only renders.
 */
package io.rlsearch.experiments.labs;
