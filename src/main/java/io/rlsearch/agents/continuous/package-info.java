/**
 * Continuous boost-weight policies: the cross-entropy method (CEM) action search and the
 * Q-ensemble policy that uses it. Pure: networks are evaluated from exported weights.
 */
package io.rlsearch.agents.continuous;
