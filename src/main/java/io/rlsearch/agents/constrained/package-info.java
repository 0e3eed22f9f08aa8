/**
 * Business constraints, framework-free: constraint records and the Lagrangian dual variables of the
 * primal-dual constrained agent (CMDP).
 */
package io.rlsearch.agents.constrained;
