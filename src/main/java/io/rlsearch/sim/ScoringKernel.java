package io.rlsearch.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The hot loops of an episode's scoring pass: relevance over the whole catalog, and the top-k
 * selections by boost weights, by per-product boosts and by base score alone.
 *
 * <p>Three implementations: {@link ScalarScoring} (plain Java, everywhere), {@code VectorScoring} (the
 * JDK's incubating Vector API on 256-bit vectors, four products a lane group) and
 * {@code VectorScoring512} (512-bit vectors, eight). They perform the same IEEE operations in the same
 * order for every product, so their results are identical bit for bit; only the speed differs.
 * {@link #preferred} picks the widest vector kernel the machine runs natively when the JVM was started
 * with {@code --add-modules jdk.incubator.vector} (the {@code rlsearch} launcher does);
 * {@code -Drlsearch.simd=false} selects the scalar kernel and {@code -Drlsearch.simd=256} caps the
 * width at 256 bits.
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

  /** The widest Vector API kernel this JVM runs natively, or empty when it runs none. */
  static Optional<ScoringKernel> vector() {
    List<ScoringKernel> all = Holder.VECTOR;
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /** Every Vector API kernel this JVM runs natively, narrowest first (empty without the module). */
  static List<ScoringKernel> vectorKernels() {
    return Holder.VECTOR;
  }

  /** Chooses once per JVM (a property of the runtime, not of any result). */
  final class Holder {
    static final List<ScoringKernel> VECTOR = loadVector();
    static final ScoringKernel PREFERRED = choose(System.getProperty("rlsearch.simd", "true"));

    private Holder() {}

    private static ScoringKernel choose(String simd) {
      ScoringKernel chosen = ScalarScoring.INSTANCE;
      if (!"false".equals(simd)) {
        for (ScoringKernel k : VECTOR) {
          if (!"256".equals(simd) || ((VectorCapable) k).bits() <= 256) {
            chosen = k;
          }
        }
      }
      return chosen;
    }

    private static List<ScoringKernel> loadVector() {
      if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
        return List.of();
      }
      List<ScoringKernel> usable = new ArrayList<>();
      for (String name : new String[] {"io.rlsearch.sim.VectorScoring", "io.rlsearch.sim.VectorScoring512"}) {
        try {
          // loaded reflectively: the classes link against the incubator module, absent without the flag
          ScoringKernel v = (ScoringKernel) Class.forName(name).getDeclaredConstructor().newInstance();
          if (((VectorCapable) v).usable()) {
            usable.add(v);
          }
        } catch (ReflectiveOperationException | LinkageError e) {
          // this width is not available here; the narrower kernels and the scalar one remain
        }
      }
      return List.copyOf(usable);
    }
  }

  /** A kernel that may not run well on every machine. */
  interface VectorCapable {
    /** Whether this machine runs it natively (double vectors of {@link #bits} bits). */
    boolean usable();

    /** The width of its vectors in bits. */
    int bits();
  }
}
