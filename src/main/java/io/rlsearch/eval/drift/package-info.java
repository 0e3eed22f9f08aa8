/**
 * Change detectors for monitored streams (reward, GMV, CM2): CUSUM and Page-Hinkley, each in the
 * textbook form (baseline from the samples before the current one, sums restarted after an alarm) and, behind
 * a switch, exactly as the reference codes them (spec 8.2, 12.2 item 8).
 */
package io.rlsearch.eval.drift;
