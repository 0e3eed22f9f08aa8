package io.rlsearch.learn;

import java.util.Locale;

/**
 * Where the shared learner's networks live: {@code auto} (a GPU when PyTorch sees one, the CPU
 * otherwise), {@code cpu}, or {@code gpu} (refused when none is visible).
 *
 * <p>The default build bundles PyTorch's CPU library; a GPU needs the {@code cuda} Maven profile, which
 * swaps in DJL's CUDA build of the same PyTorch version. Results on a GPU are not bit-identical to the
 * CPU's (different kernels sum in different orders).
 */
public enum LearnerDevice {
  AUTO, CPU, GPU;

  /** The name in settings and on the command line. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code auto|cpu|gpu}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static LearnerDevice parse(String s) {
    for (LearnerDevice d : values()) {
      if (d.cliName().equals(s)) {
        return d;
      }
    }
    throw new IllegalArgumentException("device must be auto, cpu or gpu; got '" + s + "'");
  }
}
