package io.rlsearch.serving;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Joins feedback to served decisions in bounded memory. A decision waits at most {@code window}
 * nanoseconds and at most {@code capacity} decisions wait: beyond, the oldest is evicted; both are
 * counted, and returned so the caller can log them. A joined decision's id is remembered (in the same
 * bound) so a second feedback is told apart (duplicate) from one for an id never served or long gone
 * (unknown). Time is given by the caller. Not thread-safe: one owner (an actor).
 *
 * <p>A request id keys its request's exploration draws, so two requests of one id explore alike: a
 * decision registered while the join still holds another of the same request id (waiting, or joined
 * and remembered) is counted ({@link Counts#reusedRequestIds}). The count needs no memory beyond the
 * join's own bound; a request id given again after its earlier decision left the join is not seen.
 */
public final class FeedbackJoin {
  /** What a feedback met. */
  public sealed interface Result {}

  /** Joined to its decision. */
  public record Matched(Joined joined) implements Result {}

  /** No such decision waits: never served, expired or evicted. */
  public record Unknown(String decisionId) implements Result {}

  /** The decision already had its feedback. */
  public record Duplicate(String decisionId) implements Result {}

  /**
   * Counts.
   *
   * @param open decisions waiting now
   * @param opened decisions registered
   * @param joined feedbacks joined
   * @param expired decisions whose window passed without feedback
   * @param evicted decisions pushed out, still waiting, because {@code capacity} were waiting
   * @param unknown feedbacks for no waiting decision
   * @param duplicate second feedbacks for a decision
   * @param reusedRequestIds decisions registered with the request id of a decision the join still held
   */
  public record Counts(long open, long opened, long joined, long expired, long evicted, long unknown,
      long duplicate, long reusedRequestIds) {}

  /**
   * A held decision. Once joined only its id stays (to answer a second feedback 409 until the window
   * passes): the decision itself, a slate's candidates with it, is let go.
   */
  private static final class Entry {
    PendingDecision decision;
    final Optional<String> requestId;
    final long openedAt;
    boolean joined;

    Entry(PendingDecision decision, long openedAt) {
      this.decision = decision;
      this.requestId = decision.requestId();
      this.openedAt = openedAt;
    }
  }

  private final int capacity;
  private final long window;
  private final ServingSchema.Reward reward;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
  /** How many held entries carry each request id (at most one key per held entry). */
  private final HashMap<String, Integer> requestIds = new HashMap<>();
  private long reused;
  private long waiting;
  private long opened;
  private long joined;
  private long expired;
  private long evicted;
  private long unknown;
  private long duplicate;

  /**
   * A join of at most {@code capacity} decisions, each waiting at most {@code windowNanos}, scoring
   * feedback with {@code reward}.
   */
  public FeedbackJoin(int capacity, long windowNanos, ServingSchema.Reward reward) {
    if (capacity < 1 || windowNanos < 1) {
      throw new IllegalArgumentException("a feedback join needs capacity >= 1 and a window > 0");
    }
    this.capacity = capacity;
    this.window = windowNanos;
    this.reward = Objects.requireNonNull(reward, "reward");
  }

  /**
   * Registers {@code d}, served at {@code now}; returns the decisions that expired or were evicted
   * without feedback in doing so (oldest first).
   */
  public List<PendingDecision> open(PendingDecision d, long now) {
    List<PendingDecision> gone = expire(now);
    if (entries.containsKey(d.decisionId())) {
      throw new IllegalArgumentException("decision id " + d.decisionId() + " is already registered");
    }
    while (entries.size() >= capacity) {
      Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
      Entry e = it.next().getValue();
      it.remove();
      released(e.requestId);
      if (!e.joined) {
        waiting--;
        evicted++;
        gone.add(e.decision);
      }
    }
    entries.put(d.decisionId(), new Entry(d, now));
    waiting++;
    opened++;
    if (d.requestId().isPresent() && requestIds.merge(d.requestId().get(), 1, Integer::sum) > 1) {
      reused++;
    }
    return gone;
  }

  /** Entries that still hold their whole decision (the others, joined, keep their id alone). */
  long holdingDecisions() {
    long n = 0;
    for (Entry e : entries.values()) {
      if (e.decision != null) {
        n++;
      }
    }
    return n;
  }

  /** Forgets a request id's hold by a decision that leaves the join. */
  private void released(Optional<String> requestId) {
    requestId.ifPresent(id -> requestIds.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1));
  }

  /**
   * Joins {@code f} to its decision at {@code now}.
   *
   * @throws BadInput (nothing changed) if its reward is not finite ({@link #score})
   */
  public Result join(Feedback f, long now) {
    Entry e = entries.get(f.decisionId());
    if (e == null || now - e.openedAt > window) {
      unknown++;
      return new Unknown(f.decisionId());
    }
    if (e.joined) {
      duplicate++;
      return new Duplicate(f.decisionId());
    }
    // Scored before anything changes: a refused feedback leaves its decision waiting.
    double r = score(f, reward);
    e.joined = true;
    PendingDecision d = e.decision;
    e.decision = null;
    waiting--;
    joined++;
    return new Matched(new Joined(d, f, r));
  }

  /**
   * The reward of {@code f} under {@code r}, checked: finite prices and margins can still sum (or be
   * weighted) past the double range.
   *
   * @throws BadInput a 400 naming the purchases when their totals or the reward are not finite
   */
  public static double score(Feedback f, ServingSchema.Reward r) {
    double gmv = f.gmv();
    double cm2 = f.cm2();
    double v = f.reward(r);
    if (!Double.isFinite(gmv) || !Double.isFinite(cm2) || !Double.isFinite(v)) {
      throw BadInput.of("'purchases': their total price (" + gmv + "), total margin (" + cm2 + ") or reward (" + v
          + ") is not a finite number; prices and margins must sum within the range of a double");
    }
    return v;
  }

  /** Drops what has waited longer than the window at {@code now}; returns the expired decisions. */
  public List<PendingDecision> expire(long now) {
    List<PendingDecision> gone = new ArrayList<>();
    Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Entry e = it.next().getValue();
      if (now - e.openedAt <= window) {
        break;
      }
      it.remove();
      released(e.requestId);
      if (!e.joined) {
        waiting--;
        expired++;
        gone.add(e.decision);
      }
    }
    return gone;
  }

  /** The counts so far. */
  public Counts counts() {
    return new Counts(waiting, opened, joined, expired, evicted, unknown, duplicate, reused);
  }
}
