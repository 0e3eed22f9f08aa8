/**
 * Slate policies, framework-free: the user-choice (click) model, choice-weighted slate values and
 * the SlateQ policy that ranks candidates by them (Ie et al., 2019), and the reference's simplified
 * slate regression. The networks are trained in {@code learn}; acting here is pure Java.
 */
package io.rlsearch.agents.slate;
