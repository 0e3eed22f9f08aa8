/**
 * Guardrails around a learning policy: drift-triggered fallback to a safe policy, probing back,
 * stability monitoring and a CM2 floor (with the floor the reference declares but never enforces).
 */
package io.rlsearch.agents.safety;
