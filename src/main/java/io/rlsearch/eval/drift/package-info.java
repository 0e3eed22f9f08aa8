/**
 * Change detectors for monitored streams (reward, GMV, CM2): CUSUM and Page-Hinkley, each in the
 * textbook form (baseline from the samples before the current one, sums restarted after an alarm) and, behind
 * a switch, exactly as the reference codes them.
 */
package io.rlsearch.eval.drift;
