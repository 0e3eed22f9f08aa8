package io.rlsearch.agents.spi;

import io.rlsearch.core.random.NumpyRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes the decisions of one policy snapshot for a batch of contexts: what the policy server runs
 * once per gathered batch (SEED-style central inference). Each context's random draws come from its
 * own stream, so a decision does not depend on which batch it was computed in, only (for engines
 * with another arithmetic) on float rounding.
 */
public interface InferenceEngine extends AutoCloseable {
  /** The engine's name ("java", "djl"). */
  String name();

  /** One decision per context, in order. */
  List<Decision> act(PolicySnapshot snapshot, double[][] contexts, NumpyRandom[] streams);

  /** Releases native resources. */
  @Override
  default void close() {}

  /** The snapshot's own (pure-Java) forward pass, context by context. */
  InferenceEngine JAVA = new InferenceEngine() {
    @Override
    public String name() {
      return "java";
    }

    @Override
    public List<Decision> act(PolicySnapshot snapshot, double[][] contexts, NumpyRandom[] streams) {
      List<Decision> out = new ArrayList<>(contexts.length);
      for (int i = 0; i < contexts.length; i++) {
        out.add(snapshot.act(contexts[i], streams[i]));
      }
      return out;
    }
  };
}
