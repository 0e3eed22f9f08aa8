package io.rlsearch.sim;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API {@link ScoringKernel} on 256-bit vectors: four products at a time in double lanes over
 * the catalog's tiled embeddings ({@code Catalog.embTiles}, read as half tiles of four products).
 *
 * <p>Each lane performs exactly the scalar kernel's operations in the same order: float32 inputs widened
 * to double (exact), products (exact), the four dimension chains added in the same order, the same
 * division and the same float32 roundings (a double-to-float conversion and back). Selections compare
 * four scores to the current threshold at once and offer the lanes that pass one by one in catalog
 * order, so ties and thresholds behave as in the scalar loop. The last partial group of four runs the
 * scalar code. {@link VectorScoring512} is the same kernel on 512-bit vectors. Needs
 * {@code --add-modules jdk.incubator.vector} at compile and run time; loaded only through
 * {@link ScoringKernel#preferred}.
 *
 * <p>Floats are loaded and rounded through 256-bit float vectors (their low four lanes), never 128-bit
 * ones, although four lanes would do: every FloatVector in the process has one shape. HotSpot profiles
 * the Vector API's shared code per method, so a second shape anywhere (this kernel once used 128-bit
 * floats) makes the neural networks' 256-bit kernel polymorphic, and C2 then boxes its vectors on every
 * operation. The catalog's tiles end with spare floats for the last load; loads from a caller's array
 * stop a vector's width before its end and leave the rest to the scalar code.
 */
final class VectorScoring implements ScoringKernel, ScoringKernel.VectorCapable {
  private static final VectorSpecies<Double> D = DoubleVector.SPECIES_256;
  private static final VectorSpecies<Float> F = FloatVector.SPECIES_256;
  private static final int L = 4;
  /** The tiles' stride between dimensions (a tile holds {@code Catalog.TILE} products). */
  private static final int STRIDE = Catalog.TILE;
  /**
   * Products per call of a vector loop. A loop that runs long inside one call is compiled on-stack
   * (OSR), and on JDK 17 such compilations of Vector API loops intermittently keep boxing every vector
   * (70 times slower, from one JVM launch to the next); loops of a few hundred iterations called many
   * times are compiled as whole methods, which the JIT intrinsifies reliably.
   */
  private static final int CHUNK = 256;

  @Override
  public int bits() {
    return 256;
  }

  @Override
  public boolean usable() {
    return DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 256 && Catalog.TILE % L == 0;
  }

  @Override
  public void relevance(Catalog cat, float[] phi, double qNorm, double wSem, double[] lexW, float[] theta,
      double[] base, double[] sem, double[] pers) {
    int full = cat.n / L * L;
    for (int from = 0; from < full; from += CHUNK) {
      int to = Math.min(full, from + CHUNK);
      // the raw dot products park in sem and pers until finish() rounds them
      dots(cat.embTiles, phi, sem, from, to);
      if (theta != null) {
        dots(cat.embTiles, theta, pers, from, to);
      }
      finish(cat, qNorm, wSem, lexW, base, sem, theta == null ? null : pers, from, to);
    }
    ScalarScoring.relevanceRange(cat, phi, qNorm, wSem, lexW, theta, base, sem, pers, full, cat.n);
  }

  /**
   * The dot products v . e_i of products [from, to) (whole tiles) into {@code out}: four chains over
   * dimensions d = j (mod 4), summed (c0 + c1) + (c2 + c3), as the scalar kernel. One vector per call
   * (not the query and the user together) keeps the live vectors near the register count, which the
   * JIT compiles the same way every launch.
   */
  private static void dots(float[] emb, float[] v, double[] out, int from, int to) {
    final DoubleVector v0 = DoubleVector.broadcast(D, (double) v[0]);
    final DoubleVector v1 = DoubleVector.broadcast(D, (double) v[1]);
    final DoubleVector v2 = DoubleVector.broadcast(D, (double) v[2]);
    final DoubleVector v3 = DoubleVector.broadcast(D, (double) v[3]);
    final DoubleVector v4 = DoubleVector.broadcast(D, (double) v[4]);
    final DoubleVector v5 = DoubleVector.broadcast(D, (double) v[5]);
    final DoubleVector v6 = DoubleVector.broadcast(D, (double) v[6]);
    final DoubleVector v7 = DoubleVector.broadcast(D, (double) v[7]);
    final DoubleVector v8 = DoubleVector.broadcast(D, (double) v[8]);
    final DoubleVector v9 = DoubleVector.broadcast(D, (double) v[9]);
    final DoubleVector v10 = DoubleVector.broadcast(D, (double) v[10]);
    final DoubleVector v11 = DoubleVector.broadcast(D, (double) v[11]);
    final DoubleVector v12 = DoubleVector.broadcast(D, (double) v[12]);
    final DoubleVector v13 = DoubleVector.broadcast(D, (double) v[13]);
    final DoubleVector v14 = DoubleVector.broadcast(D, (double) v[14]);
    final DoubleVector v15 = DoubleVector.broadcast(D, (double) v[15]);
    for (int i = from; i < to; i += L) {
      // the half tile of products i..i+3: tile i / TILE, lanes i % TILE ..
      final int o = i / Catalog.TILE * Catalog.TILE * Catalog.DIM + i % Catalog.TILE;
      DoubleVector e0 = (DoubleVector) FloatVector.fromArray(F, emb, o)
          .convertShape(VectorOperators.F2D, D, 0);
      DoubleVector a0 = v0.mul(e0);
      DoubleVector e1 = (DoubleVector) FloatVector.fromArray(F, emb, o + STRIDE)
          .convertShape(VectorOperators.F2D, D, 0);
      DoubleVector a1 = v1.mul(e1);
      DoubleVector e2 = (DoubleVector) FloatVector.fromArray(F, emb, o + STRIDE * 2)
          .convertShape(VectorOperators.F2D, D, 0);
      DoubleVector a2 = v2.mul(e2);
      DoubleVector e3 = (DoubleVector) FloatVector.fromArray(F, emb, o + STRIDE * 3)
          .convertShape(VectorOperators.F2D, D, 0);
      DoubleVector a3 = v3.mul(e3);
      DoubleVector e4 = (DoubleVector) FloatVector.fromArray(F, emb, o + STRIDE * 4)
          .convertShape(VectorOperators.F2D, D, 0);
      a0 = a0.add(v4.mul(e4));
      DoubleVector e5 = (DoubleVector) FloatVector.fromArray(F, emb, o + STRIDE * 5)
          .convertShape(VectorOperators.F2D, D, 0);
      a1 = a1.add(v5.mul(e5));
      DoubleVector e6 = (DoubleVector) FloatVector.fromArray(F, emb, o + STRIDE * 6)
          .convertShape(VectorOperators.F2D, D, 0);
      a2 = a2.add(v6.mul(e6));
      DoubleVector e7 = (DoubleVector) FloatVector.fromArray(F, emb, o + STRIDE * 7)
          .convertShape(VectorOperators.F2D, D, 0);
      a3 = a3.add(v7.mul(e7));
      DoubleVector e8 = (DoubleVector) FloatVector.fromArray(F, emb, o + STRIDE * 8)
          .convertShape(VectorOperators.F2D, D, 0);
      a0 = a0.add(v8.mul(e8));
      DoubleVector e9 = (DoubleVector) FloatVector.fromArray(F, emb, o + STRIDE * 9)
          .convertShape(VectorOperators.F2D, D, 0);
      a1 = a1.add(v9.mul(e9));
      DoubleVector e10 = (DoubleVector) FloatVector.fromArray(F, emb, o + STRIDE * 10)
          .convertShape(VectorOperators.F2D, D, 0);
      a2 = a2.add(v10.mul(e10));
      DoubleVector e11 = (DoubleVector) FloatVector.fromArray(F, emb, o + STRIDE * 11)
          .convertShape(VectorOperators.F2D, D, 0);
      a3 = a3.add(v11.mul(e11));
      DoubleVector e12 = (DoubleVector) FloatVector.fromArray(F, emb, o + STRIDE * 12)
          .convertShape(VectorOperators.F2D, D, 0);
      a0 = a0.add(v12.mul(e12));
      DoubleVector e13 = (DoubleVector) FloatVector.fromArray(F, emb, o + STRIDE * 13)
          .convertShape(VectorOperators.F2D, D, 0);
      a1 = a1.add(v13.mul(e13));
      DoubleVector e14 = (DoubleVector) FloatVector.fromArray(F, emb, o + STRIDE * 14)
          .convertShape(VectorOperators.F2D, D, 0);
      a2 = a2.add(v14.mul(e14));
      DoubleVector e15 = (DoubleVector) FloatVector.fromArray(F, emb, o + STRIDE * 15)
          .convertShape(VectorOperators.F2D, D, 0);
      a3 = a3.add(v15.mul(e15));
      a0.add(a1).add(a2.add(a3)).intoArray(out, i);
    }
  }

  /**
   * The per-product rest of the relevance pass over the parked dot products: {@code sem} holds
   * q . e on entry and the float32 cosine on exit; {@code pers}, when not null, theta . e and then its
   * float32 rounding.
   */
  private static void finish(Catalog cat, double qNorm, double wSem, double[] lexW, double[] base, double[] sem,
      double[] pers, int from, int to) {
    final double[] norm = cat.embNormFloor;
    final int[] category = cat.category;
    final DoubleVector qn = DoubleVector.broadcast(D, qNorm);
    final DoubleVector ws = DoubleVector.broadcast(D, wSem);
    for (int i = from; i < to; i += L) {
      DoubleVector q = DoubleVector.fromArray(D, sem, i).div(qn.mul(DoubleVector.fromArray(D, norm, i)));
      DoubleVector cos = (DoubleVector) q.convertShape(VectorOperators.D2F, F, 0).convertShape(VectorOperators.F2D, D, 0);
      cos.intoArray(sem, i);
      ws.mul(cos).add(DoubleVector.fromArray(D, lexW, 0, category, i)).add(DoubleVector.fromArray(D, base, i))
          .intoArray(base, i);
    }
    if (pers != null) {
      for (int i = from; i < to; i += L) {
        ((DoubleVector) DoubleVector.fromArray(D, pers, i).convertShape(VectorOperators.D2F, F, 0)
            .convertShape(VectorOperators.F2D, D, 0)).intoArray(pers, i);
      }
    }
  }

  @Override
  public void rankByWeights(double[] base, double[] pers, double pm, double[][] cols, double[] c, TopK top,
      TopK baseTop, int n) {
    final int full = n / L * L;
    final double[] lanes = new double[L];
    for (int from = 0; from < full; from += CHUNK) {
      weightsChunk(base, pers, pm, cols, c, top, baseTop, lanes, from, Math.min(full, from + CHUNK));
    }
    ScalarScoring.rankByWeightsRange(base, pers, pm, cols, c, top, baseTop, full, n);
  }

  private static void weightsChunk(double[] base, double[] pers, double pm, double[][] cols, double[] c, TopK top,
      TopK baseTop, double[] lanes, int from, int to) {
    final double[] x0 = cols[0];
    final double[] x1 = cols[1];
    final double[] x2 = cols[2];
    final double[] x4 = cols[4];
    final double[] x5 = cols[5];
    final double[] x6 = cols[6];
    final DoubleVector c0 = DoubleVector.broadcast(D, c[0]);
    final DoubleVector c1 = DoubleVector.broadcast(D, c[1]);
    final DoubleVector c2 = DoubleVector.broadcast(D, c[2]);
    final DoubleVector c3 = DoubleVector.broadcast(D, c[3]);
    final DoubleVector c4 = DoubleVector.broadcast(D, c[4]);
    final DoubleVector c5 = DoubleVector.broadcast(D, c[5]);
    final DoubleVector c6 = DoubleVector.broadcast(D, c[6]);
    final DoubleVector vpm = DoubleVector.broadcast(D, pm);
    double thr = top.threshold();
    double bthr = baseTop != null ? baseTop.threshold() : Double.POSITIVE_INFINITY;
    for (int i = from; i < to; i += L) {
      DoubleVector b = DoubleVector.fromArray(D, base, i);
      DoubleVector s = b.add(c0.mul(DoubleVector.fromArray(D, x0, i))
          .add(c1.mul(DoubleVector.fromArray(D, x1, i)))
          .add(c2.mul(DoubleVector.fromArray(D, x2, i)))
          .add(c3.mul(DoubleVector.fromArray(D, pers, i).sub(vpm)))
          .add(c4.mul(DoubleVector.fromArray(D, x4, i)))
          .add(c5.mul(DoubleVector.fromArray(D, x5, i)))
          .add(c6.mul(DoubleVector.fromArray(D, x6, i))));
      VectorMask<Double> hit = s.compare(VectorOperators.GT, thr);
      VectorMask<Double> bhit = b.compare(VectorOperators.GT, bthr);
      if (hit.or(bhit).anyTrue()) {
        // lane by lane in catalog order, the thresholds moving as the scalar loop moves them (the
        // lanes are read back through an array: lane(i) with a variable i is not intrinsified on 17)
        s.intoArray(lanes, 0);
        for (int l = 0; l < L; l++) {
          double sl = lanes[l];
          if (sl > thr) {
            top.offer(i + l, sl);
            thr = top.threshold();
          }
          if (base[i + l] > bthr) {
            baseTop.offer(i + l, base[i + l]);
            bthr = baseTop.threshold();
          }
        }
      }
    }
  }

  @Override
  public void rankByBoosts(double[] base, float[] boosts, TopK top, int n) {
    // whole groups whose float load (F.length() floats) stays inside boosts
    final int full = Math.max(0, n - (F.length() - L)) / L * L;
    final double[] lanes = new double[L];
    for (int from = 0; from < full; from += CHUNK) {
      boostsChunk(base, boosts, top, lanes, from, Math.min(full, from + CHUNK));
    }
    ScalarScoring.rankByBoostsRange(base, boosts, top, full, n);
  }

  private static void boostsChunk(double[] base, float[] boosts, TopK top, double[] lanes, int from, int to) {
    double thr = top.threshold();
    for (int i = from; i < to; i += L) {
      DoubleVector s = DoubleVector.fromArray(D, base, i)
          .add((DoubleVector) FloatVector.fromArray(F, boosts, i).convertShape(VectorOperators.F2D, D, 0));
      if (s.compare(VectorOperators.GT, thr).anyTrue()) {
        s.intoArray(lanes, 0);
        for (int l = 0; l < L; l++) {
          double sl = lanes[l];
          if (sl > thr) {
            top.offer(i + l, sl);
            thr = top.threshold();
          }
        }
      }
    }
  }

  @Override
  public void rankByBase(double[] base, TopK top, int n) {
    final int full = n / L * L;
    for (int from = 0; from < full; from += CHUNK) {
      baseChunk(base, top, from, Math.min(full, from + CHUNK));
    }
    ScalarScoring.rankByBaseRange(base, top, full, n);
  }

  private static void baseChunk(double[] base, TopK top, int from, int to) {
    double thr = top.threshold();
    for (int i = from; i < to; i += L) {
      if (DoubleVector.fromArray(D, base, i).compare(VectorOperators.GT, thr).anyTrue()) {
        for (int l = 0; l < L; l++) {
          if (base[i + l] > thr) {
            top.offer(i + l, base[i + l]);
            thr = top.threshold();
          }
        }
      }
    }
  }
}
