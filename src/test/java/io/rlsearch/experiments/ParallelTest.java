package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;

/** Parallel's chunk bounds, where the chunks run, and how a failure comes back. */
class ParallelTest {
  private static final String POOL = "rlsearch-study";

  @Test
  void emptyChunksAreDropped() {
    // 2 items in 4 chunks: chunk c covers floor(2c/4) .. floor(2(c+1)/4): [0,0) [0,1) [1,1) [1,2)
    List<int[]> b = Parallel.bounds(2, 4);
    assertEquals(2, b.size());
    assertArrayEquals(new int[] {0, 1}, b.get(0));
    assertArrayEquals(new int[] {1, 2}, b.get(1));
    assertEquals(0, Parallel.bounds(0, 3).size());
    List<int[]> seven = Parallel.bounds(7, 3);
    assertArrayEquals(new int[] {0, 2}, seven.get(0));
    assertArrayEquals(new int[] {2, 4}, seven.get(1));
    assertArrayEquals(new int[] {4, 7}, seven.get(2));
  }

  /** The names of the threads that ran each chunk, in chunk order; whether each was a daemon. */
  private static String[] threads(int n, int chunks, int threads, boolean[] daemon) {
    List<int[]> parts = Parallel.bounds(n, chunks);
    String[] names = new String[parts.size()];
    Parallel.forChunks(n, chunks, threads, (from, to) -> {
      for (int i = 0; i < parts.size(); i++) {
        if (parts.get(i)[0] == from && parts.get(i)[1] == to) {
          names[i] = Thread.currentThread().getName();
          daemon[i] = Thread.currentThread().isDaemon();
        }
      }
    });
    return names;
  }

  @Test
  void oneThreadRunsEveryChunkOnTheCaller() {
    String me = Thread.currentThread().getName();
    assertArrayEquals(new String[] {me, me, me}, threads(3, 3, 1, new boolean[3]));
    assertArrayEquals(new String[] {me, me, me}, threads(3, 3, 0, new boolean[3]));
  }

  @Test
  void oneChunkRunsOnTheCallerWhateverTheThreads() {
    String me = Thread.currentThread().getName();
    assertArrayEquals(new String[] {me}, threads(5, 1, 4, new boolean[1]));
    assertArrayEquals(new String[] {me}, threads(1, 3, 4, new boolean[1]), "two of the three chunks are empty");
  }

  @Test
  void twoChunksOnTwoThreadsRunOnTheStudysDaemonThreads() {
    boolean[] daemon = new boolean[2];
    assertArrayEquals(new String[] {POOL, POOL}, threads(4, 2, 2, daemon));
    assertTrue(daemon[0] && daemon[1], "the pool's threads must not keep the JVM alive");
  }

  @Test
  void aChunksFailureComesBackAsRaised() {
    IllegalStateException boom = new IllegalStateException("chunk 1");
    IllegalStateException got = assertThrows(IllegalStateException.class, () -> Parallel.forChunks(4, 2, 2,
        (from, to) -> {
          if (from == 2) {
            throw boom;
          }
        }));
    assertSame(boom, got);
  }

  private static <T> FutureTask<T> ran(Callable<T> c) {
    FutureTask<T> f = new FutureTask<>(c);
    f.run();
    return f;
  }

  @Test
  void awaitGivesTheValue() {
    assertEquals("v", Parallel.await(ran(() -> "v")));
    assertNull(Parallel.await(ran(() -> null)));
  }

  @Test
  void awaitUnwrapsCompletionExceptionsDownToTheFailure() {
    IllegalArgumentException cause = new IllegalArgumentException("bad");
    FutureTask<Object> f = ran(() -> {
      throw new CompletionException(new CompletionException(cause));
    });
    assertSame(cause, assertThrows(IllegalArgumentException.class, () -> Parallel.await(f)));
    // a completion exception with no cause is itself the failure
    CompletionException bare = new CompletionException("bare", null);
    assertSame(bare, assertThrows(CompletionException.class, () -> Parallel.await(ran(() -> {
      throw bare;
    }))));
  }

  @Test
  void awaitRethrowsAnErrorAndWrapsACheckedException() {
    Error err = new Error("fatal");
    assertSame(err, assertThrows(Error.class, () -> Parallel.await(ran(() -> {
      throw err;
    }))));
    Exception checked = new Exception("checked");
    IllegalStateException wrapped = assertThrows(IllegalStateException.class, () -> Parallel.await(ran(() -> {
      throw checked;
    })));
    assertSame(checked, wrapped.getCause());
  }

  @Test
  void anInterruptedAwaitKeepsTheInterrupt() {
    FutureTask<String> never = new FutureTask<>(() -> "never run");
    Thread.currentThread().interrupt();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> Parallel.await(never));
    boolean kept = Thread.interrupted(); // clears it for the next test
    assertEquals("interrupted", e.getMessage());
    assertTrue(kept, "the interrupt must stay set");
    assertFalse(Thread.currentThread().isInterrupted());
  }
}
