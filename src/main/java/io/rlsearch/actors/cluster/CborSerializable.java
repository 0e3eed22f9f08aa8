package io.rlsearch.actors.cluster;

/**
 * Marks a message that may cross nodes: bound to Jackson CBOR in {@code actors/cluster.conf} (Java
 * serialization is off). The transitions and agent states inside them are bound by class there too.
 */
public interface CborSerializable {}
