package io.rlsearch.agents.nn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernel asks for 256-bit vectors: exactly 256 (AVX2) is enough, narrower is not. Asked
 * of the kernel directly (the choice {@link DenseKernel#preferred} keeps is made once per JVM).
 */
class VectorDenseUsableTest {
  private static final int BITS = FloatVector.SPECIES_PREFERRED.vectorBitSize();

  @Test
  void exactly256BitVectorsAreEnough() {
    assumeTrue(BITS == 256, "this machine's vectors are " + BITS + " bits");
    assertTrue(new VectorDense().usable());
  }

  @Test
  void widerVectorsAreEnough() {
    assumeTrue(BITS > 256, "this machine's vectors are " + BITS + " bits");
    assertTrue(new VectorDense().usable());
  }

  @Test
  void narrowerVectorsAreNot() {
    assumeTrue(BITS < 256, "this machine's vectors are " + BITS + " bits");
    assertFalse(new VectorDense().usable());
  }
}
