/**
 * Policy-gradient math shared by REINFORCE and PPO, framework-free: advantage estimation (GAE and its
 * off-policy form with truncated importance weights) and the clipped surrogate's per-sample weights.
 */
package io.rlsearch.agents.pg;
