package io.rlsearch.sim;

/**
 * The hot loops of an episode's scoring pass: relevance over the whole catalog, and the top-k
 * selections by boost weights, by per-product boosts and by base score alone.
 *
 * <p>Two implementations: {@link ScalarScoring} (plain Java, everywhere) and {@code VectorScoring}
 * (the JDK's incubating Vector API, four products a lane group). They perform the same IEEE operations
 * in the same order for every product, so their results are identical bit for bit; only the speed
 * differs. {@link #preferred} picks the vector one when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} (the {@code rlsearch} launcher does) and the machine has
 * 256-bit vectors, unless {@code -Drlsearch.simd=false}.
 */
interface ScoringKernel {

  /**
   * For products {@code [0, n)}: {@code sem[i] = (float) (q . e_i / (qNorm * max(|e_i|, 1e-8)))},
   * {@code base[i] = (wSem * sem[i] + lexW[category[i]]) + base[i]} (base holds the noise on entry) and,
   * when {@code theta} is not null, {@code pers[i] = (float) (theta . e_i)}. Dot products are
   * accumulated in double in four chains over dimensions {@code d = j (mod 4)}, summed
   * {@code (c0 + c1) + (c2 + c3)}.
   */
  void relevance(Catalog cat, float[] phi, double qNorm, double wSem, double[] lexW, float[] theta,
      double[] base, double[] sem, double[] pers);

  /**
   * Offers every product to {@code top} with score
   * {@code base[i] + (c[0] x0 + c[1] x1 + c[2] x2 + c[3] (pers[i] - pm) + c[4] x4 + c[5] x5 + c[6] x6)}
   * (summed left to right; {@code cols} holds x0..x6 with index 3 unused) and, when {@code baseTop} is
   * not null, to {@code baseTop} with score {@code base[i]}, in catalog order. Both selectors are
   * cleared by the caller.
   */
  void rankByWeights(double[] base, double[] pers, double pm, double[][] cols, double[] c, TopK top,
      TopK baseTop, int n);

  /** Offers every product to {@code top} with score {@code base[i] + boosts[i]}, in catalog order. */
  void rankByBoosts(double[] base, float[] boosts, TopK top, int n);

  /** Offers every product to {@code top} with score {@code base[i]}, in catalog order. */
  void rankByBase(double[] base, TopK top, int n);

  /** The fastest kernel this JVM can run. */
  static ScoringKernel preferred() {
    return Holder.PREFERRED;
  }

  /** The plain-Java kernel. */
  static ScoringKernel scalar() {
    return ScalarScoring.INSTANCE;
  }

  /** The Vector API kernel, or empty when this JVM cannot run it. */
  static java.util.Optional<ScoringKernel> vector() {
    return Holder.VECTOR;
  }

  /** Chooses once per JVM (a property of the runtime, not of any result). */
  final class Holder {
    static final java.util.Optional<ScoringKernel> VECTOR = loadVector();
    static final ScoringKernel PREFERRED = !"false".equals(System.getProperty("rlsearch.simd"))
        ? VECTOR.orElse(ScalarScoring.INSTANCE) : ScalarScoring.INSTANCE;

    private Holder() {}

    private static java.util.Optional<ScoringKernel> loadVector() {
      if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
        return java.util.Optional.empty();
      }
      try {
        // loaded reflectively: the class links against the incubator module, absent without the flag
        Class<?> k = Class.forName("io.rlsearch.sim.VectorScoring");
        ScoringKernel v = (ScoringKernel) k.getDeclaredConstructor().newInstance();
        return ((VectorCapable) v).usable() ? java.util.Optional.of(v) : java.util.Optional.empty();
      } catch (ReflectiveOperationException | LinkageError e) {
        return java.util.Optional.empty();
      }
    }
  }

  /** A kernel that may not run well on every machine. */
  interface VectorCapable {
    /** Whether this machine runs it natively (256-bit double vectors). */
    boolean usable();
  }
}
