/**
 * Pure-Java inference of small multi-layer perceptrons: the weights a learner exports, evaluated
 * without DJL. For one sample of a small network this is several times faster than a native call,
 * and it lets policy snapshots stay plain immutable Java that any actor may use.
 */
package io.rlsearch.agents.nn;
