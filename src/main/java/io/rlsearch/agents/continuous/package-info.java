/**
 * Continuous boost-weight policies: the cross-entropy method (CEM) action search and the
 * Q-ensemble policy that uses it (spec 7.4-7.5). Pure: networks are evaluated from exported weights.
 */
package io.rlsearch.agents.continuous;
