/**
 * Pekko typed behaviors that run training and retention pipelines; they wrap the pure components of
 * {@code sim}, {@code agents}, {@code eval}, {@code learn} and {@code experiments} and add only
 * messaging, lifecycle and supervision.
 *
 * <p>Each actor defines its protocol as a nested {@code sealed interface Command} of records; messages
 * are immutable (arrays copied) and carry no native resources. State that must survive a restart
 * (metrics, the population) lives in a pure object handed to the behavior's factory and owned by
 * that actor alone; a restarted actor acknowledges or re-sends the element it was handling, so a
 * failure neither stalls the stream nor loses a transition.
 */
package io.rlsearch.actors;
