package io.rlsearch.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.eval.ope.LoggedDecision;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Feedback joins its decision once, within the window and the bound, and scores with the schema's reward. */
class FeedbackJoinTest {
  private static final ServingSchema.Reward REWARD = new ServingSchema.Reward("mix", 1.0, 0.5, 2.0, 0.1);

  private static PendingDecision pending(String id) {
    return new PendingDecision(id, Optional.empty(), "cm2", 2, List.of("a", "b"), new double[] {1, 0},
        Decision.arm(1, 0.25), "arm", false);
  }

  private static PendingDecision withRequest(String id, String requestId) {
    return new PendingDecision(id, Optional.of(requestId), "cm2", 2, List.of("a", "b"), new double[] {1, 0},
        Decision.arm(1, 0.25), "arm", false);
  }

  /**
   * A request id is the key of its exploration draws: one given again while the join still holds a
   * decision of it (waiting, or joined and kept for duplicates) is counted, within the join's bound.
   */
  @Test
  void aRequestIdGivenAgainWhileTheJoinHoldsADecisionOfItIsCounted() {
    FeedbackJoin j = new FeedbackJoin(3, 100, REWARD);
    j.open(withRequest("d1", "q-1"), 0);
    j.open(withRequest("d2", "q-2"), 1);
    assertEquals(0, j.counts().reusedRequestIds());
    j.open(withRequest("d3", "q-1"), 2);
    assertEquals(1, j.counts().reusedRequestIds(), "d1 waits with q-1");
    assertInstanceOf(FeedbackJoin.Matched.class, j.join(feedback("d1"), 3));
    // d4 evicts d1 (three are held); d3 still holds q-1.
    j.open(withRequest("d4", "q-1"), 4);
    assertEquals(2, j.counts().reusedRequestIds());
    j.expire(200);
    j.open(withRequest("d5", "q-1"), 201);
    j.open(pending("d6"), 202);
    assertEquals(2, j.counts().reusedRequestIds(), "none held q-1 any more; no request id is never counted");
    j.open(withRequest("d8", "q-1"), 204);
    assertEquals(3, j.counts().reusedRequestIds(), "d5 is still held: the bound is the join's, not a new one");
  }

  private static Feedback feedback(String id) {
    return new Feedback(id, List.of("a", "b"), List.of(new Feedback.Purchase("a", 10, 3, true)),
        OptionalDouble.empty());
  }

  @Test
  void aFeedbackJoinsOnceThenIsADuplicateAndAnUnknownIdIsUnknown() {
    FeedbackJoin j = new FeedbackJoin(10, 1_000, REWARD);
    j.open(pending("d1"), 0);
    FeedbackJoin.Matched m = assertInstanceOf(FeedbackJoin.Matched.class, j.join(feedback("d1"), 5));
    assertEquals(10 + 0.5 * 3 + 2.0 + 0.1 * 2, m.joined().reward(), 1e-12);
    LoggedDecision log = m.joined().logged(7);
    assertEquals(1, log.arm());
    assertEquals(0.25, log.propensity());
    assertEquals(10, log.outcome().gmv());
    assertEquals(1, log.outcome().orders());
    assertInstanceOf(FeedbackJoin.Duplicate.class, j.join(feedback("d1"), 6));
    assertInstanceOf(FeedbackJoin.Unknown.class, j.join(feedback("nope"), 6));
    assertEquals(new FeedbackJoin.Counts(0, 1, 1, 0, 0, 1, 1, 0), j.counts());
  }

  /** A joined decision is let go (a slate's candidates with it); its id alone answers a second feedback. */
  @Test
  void aJoinedDecisionKeepsOnlyItsIdUntilItsWindowPasses() {
    FeedbackJoin j = new FeedbackJoin(10, 1_000, REWARD);
    j.open(pending("d1"), 0);
    j.open(pending("d2"), 0);
    j.open(pending("d3"), 0);
    assertEquals(3, j.holdingDecisions());
    assertInstanceOf(FeedbackJoin.Matched.class, j.join(feedback("d1"), 5));
    assertInstanceOf(FeedbackJoin.Matched.class, j.join(feedback("d3"), 5));
    assertEquals(1, j.holdingDecisions(), "only the decision still waiting is held whole");
    assertInstanceOf(FeedbackJoin.Duplicate.class, j.join(feedback("d1"), 6));
    assertInstanceOf(FeedbackJoin.Duplicate.class, j.join(feedback("d3"), 6));
  }

  @Test
  void decisionsExpireAfterTheWindowAndTheOldestIsEvictedBeyondTheBound() {
    FeedbackJoin j = new FeedbackJoin(2, 100, REWARD);
    j.open(pending("d1"), 0);
    j.open(pending("d2"), 10);
    List<PendingDecision> gone = j.open(pending("d3"), 20);
    assertEquals(List.of("d1"), gone.stream().map(PendingDecision::decisionId).toList());
    assertInstanceOf(FeedbackJoin.Unknown.class, j.join(feedback("d1"), 21));
    assertInstanceOf(FeedbackJoin.Unknown.class, j.join(feedback("d2"), 111), "past its window");
    List<PendingDecision> expired = j.expire(200);
    assertEquals(List.of("d2", "d3"), expired.stream().map(PendingDecision::decisionId).toList());
    FeedbackJoin.Counts c = j.counts();
    assertEquals(0, c.open());
    assertEquals(1, c.evicted());
    assertEquals(2, c.expired());
  }

  @Test
  void anExplicitRewardReplacesTheSchemasAndBadFeedbackIsRefused() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Feedback f = Feedback.parse(json.readTree("{\"decision_id\": \"d\", \"reward\": 4.5, \"clicks\": [\"x\"]}"));
    assertEquals(4.5, f.reward(REWARD));
    assertTrue(assertThrows(BadInput.class, () -> Feedback.parse(json.readTree("{\"clicks\": []}"))).getMessage()
        .contains("'decision_id'"));
    assertTrue(assertThrows(BadInput.class, () -> Feedback.parse(json.readTree(
        "{\"decision_id\": \"d\", \"purchases\": [{\"id\": \"a\"}]}"))).getMessage().contains("'purchases[0].price'"));
    assertTrue(assertThrows(BadInput.class, () -> Feedback.parse(json.readTree(
        "{\"decision_id\": \"d\", \"reward\": \"big\"}"))).getMessage().contains("'reward' must be a finite"));
  }

  @Test
  void aFeedbackWhoseRewardOverflowsIsRefusedAndLeavesItsDecisionWaiting() {
    FeedbackJoin j = new FeedbackJoin(10, 1_000, REWARD);
    j.open(pending("d1"), 0);
    Feedback huge = new Feedback("d1", List.of(), List.of(new Feedback.Purchase("a", 1e308, 0, false),
        new Feedback.Purchase("b", 1e308, 0, false)), OptionalDouble.empty());
    BadInput e = assertThrows(BadInput.class, () -> j.join(huge, 1));
    assertEquals(400, e.status());
    assertTrue(e.getMessage().contains("purchases"), e.getMessage());
    assertEquals(new FeedbackJoin.Counts(1, 1, 0, 0, 0, 0, 0, 0), j.counts(), "nothing counted, still waiting");
    assertInstanceOf(FeedbackJoin.Matched.class, j.join(feedback("d1"), 2));
  }
}
