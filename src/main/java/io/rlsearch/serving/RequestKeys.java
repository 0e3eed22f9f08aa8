package io.rlsearch.serving;

import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.core.random.SeedSequence;
import java.nio.charset.StandardCharsets;

/**
 * What a real request's key decides, the same in every process: the 64-bit hash that chooses its
 * version during a canary, and the random stream its policy draws from. A request served over HTTP
 * and the same request ranked in-process (same seed, same key) get the same decision.
 */
public final class RequestKeys {
  private RequestKeys() {}

  /** FNV-1a over the key's UTF-8 bytes, then SplitMix64's finaliser (so short keys spread). */
  public static long hash64(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    long z = h + 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * The policy's stream for the request keyed {@code key} under root seed {@code seed}: child 5 of the
   * root, then the key's hash in two 31-bit halves (children 1..4 are the simulated runs' streams).
   */
  public static NumpyRandom policyStream(long seed, String key) {
    long h = hash64(key);
    int hi = (int) ((h >>> 33) & 0x7fffffff);
    int lo = (int) ((h >>> 2) & 0x7fffffff);
    return new NumpyRandom(SeedSequence.of(seed).child(5).child(hi).child(lo));
  }
}
