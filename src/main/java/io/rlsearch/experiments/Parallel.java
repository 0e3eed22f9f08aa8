package io.rlsearch.experiments;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Work over a range split into a fixed number of contiguous chunks, run on a few threads. The chunks
 * do not depend on the number of threads, and each chunk writes only its own part of the result, so
 * a study gives the same numbers on one thread or many.
 */
final class Parallel {
  private Parallel() {}

  /** One chunk's work: items {@code from} (inclusive) to {@code to} (exclusive). */
  interface Chunk {
    void run(int from, int to);
  }

  /** The chunk bounds of {@code n} items in {@code chunks} parts (empty parts dropped). */
  static List<int[]> bounds(int n, int chunks) {
    List<int[]> out = new ArrayList<>();
    for (int c = 0; c < chunks; c++) {
      int from = (int) ((long) n * c / chunks);
      int to = (int) ((long) n * (c + 1) / chunks);
      if (to > from) {
        out.add(new int[] {from, to});
      }
    }
    return out;
  }

  /** Runs {@code work} over {@code n} items in {@code chunks} chunks on {@code threads} threads; rethrows a failure. */
  static void forChunks(int n, int chunks, int threads, Chunk work) {
    List<int[]> parts = bounds(n, chunks);
    if (threads <= 1 || parts.size() <= 1) {
      for (int[] p : parts) {
        work.run(p[0], p[1]);
      }
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, parts.size()), r -> {
      Thread t = new Thread(r, "rlsearch-study");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int[] p : parts) {
        fs.add(pool.submit(() -> work.run(p[0], p[1])));
      }
      for (Future<?> f : fs) {
        await(f);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * The future's value; its failure rethrown as it was raised (through any wrapping of completion
   * stages; a checked one wrapped), an interrupt kept.
   */
  static <T> T await(Future<T> f) {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      while (c instanceof java.util.concurrent.CompletionException && c.getCause() != null) {
        c = c.getCause();
      }
      if (c instanceof RuntimeException re) {
        throw re;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(c);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
