package io.rlsearch.actors.serve;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A bound on the messages sent to one actor and not yet taken by it, counted in front of its mailbox:
 * a sender takes a place with {@link #offer()} before it tells, and the receiver gives it back as it
 * takes the message. A message that finds no place is not sent: it is counted as dropped, never queued,
 * so a receiver that lags (a slow disk, a long estimate) holds at most {@code capacity} messages and
 * the senders never wait. A message stamped with {@link #now()} when sent and taken more than
 * {@code lateAfter} later is counted as late. Thread-safe; shared by the senders and the receiver.
 */
public final class Backlog {
  /**
   * The backlog's figures.
   *
   * @param queued messages sent and not yet taken
   * @param capacity the most that may wait
   * @param dropped messages not sent because the backlog was full
   * @param late stamped messages taken more than the late threshold after they were sent
   * @param maxWaitMs the longest a stamped message waited, in milliseconds
   */
  public record Counts(int queued, int capacity, long dropped, long late, double maxWaitMs) {}

  private final int capacity;
  private final long lateAfterNanos;
  private final LongSupplier clock;
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong late = new AtomicLong();
  private final AtomicLong maxWaitNanos = new AtomicLong();

  /**
   * A backlog of at most {@code capacity} messages; a stamped message taken more than {@code lateAfter}
   * after it was sent is late. {@code clock} gives nanoseconds (the stamps and the waits).
   */
  public Backlog(int capacity, Duration lateAfter, LongSupplier clock) {
    if (capacity < 1) {
      throw new IllegalArgumentException("a backlog holds at least 1 message, got " + capacity);
    }
    this.capacity = capacity;
    this.lateAfterNanos = lateAfter.toNanos();
    this.clock = clock;
  }

  /** Takes a place for one message; false (and counted as dropped) when {@code capacity} wait already. */
  public boolean offer() {
    if (waiting.incrementAndGet() > capacity) {
      waiting.decrementAndGet();
      dropped.incrementAndGet();
      return false;
    }
    return true;
  }

  /** The clock's time, to stamp a message with when it is sent. */
  public long now() {
    return clock.getAsLong();
  }

  /** The receiver took a message (unstamped). */
  public void taken() {
    waiting.decrementAndGet();
  }

  /**
   * The receiver took a message stamped {@code sentNanos} (by {@link #now()}): counted late if it waited
   * longer than the threshold.
   */
  public void taken(long sentNanos) {
    waiting.decrementAndGet();
    long waited = clock.getAsLong() - sentNanos;
    if (waited > lateAfterNanos) {
      late.incrementAndGet();
    }
    maxWaitNanos.accumulateAndGet(waited, Math::max);
  }

  /** Messages dropped so far. */
  public long dropped() {
    return dropped.get();
  }

  /** The figures now. */
  public Counts counts() {
    return new Counts(Math.max(0, waiting.get()), capacity, dropped.get(), late.get(), maxWaitNanos.get() / 1e6);
  }
}
