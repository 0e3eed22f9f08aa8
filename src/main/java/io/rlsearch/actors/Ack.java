package io.rlsearch.actors;

/**
 * The acknowledgement a stream-fed actor sends for each element (backpressure: one element at a time).
 * Pekko's backpressured actor sink completes as soon as the stream's end has been handed on, so the
 * acknowledgement of the last element may find the stage gone: that is expected, and such an
 * acknowledgement is not reported as a dead letter.
 */
public enum Ack implements org.apache.pekko.actor.DeadLetterSuppression { INSTANCE }
