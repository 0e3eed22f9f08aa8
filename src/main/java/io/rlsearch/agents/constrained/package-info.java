/**
 * Business constraints, framework-free: constraint records and the Lagrangian dual variables of the
 * primal-dual constrained agent (CMDP, spec 7.11).
 */
package io.rlsearch.agents.constrained;
