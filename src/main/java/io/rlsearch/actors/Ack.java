package io.rlsearch.actors;

/** The acknowledgement a stream-fed actor sends for each element (backpressure: one element at a time). */
public enum Ack { INSTANCE }
