/**
 * Exposure fairness of rankings and utility parity across segments, framework-free: the
 * metrics the constrained agents and the reports use.
 */
package io.rlsearch.eval.fairness;
