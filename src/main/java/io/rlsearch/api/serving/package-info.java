/**
 * The serving commands: {@code serve} (the serving path with its HTTP control surface, driven by an
 * open-loop traffic generator) and {@code swap-test} (the scripted swap experiment), with the policy
 * catalogue they draw versions from.
 */
package io.rlsearch.api.serving;
