package io.rlsearch.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.random.NumpyRandom;
import org.junit.jupiter.api.Test;

/**
 * The reference's behaviour and click-model tests (tests/ch02): position bias, the PBM
 * specialisation of the cascade, and the satisfaction effect on examination.
 *
 * <p>Tolerances are the reference's; with n sessions a click rate's standard error is at most
 * 0.5 / sqrt(n) (0.0071 at 5,000 and 0.0035 at 20,000 sessions), so 0.03 and 0.02 are more than
 * four standard errors and these fixed-seed tests are not flaky.
 */
class BehaviorTest {
  private static double[] clickRates(SimSettings s, long seed, int sessions, boolean randomRanking) {
    NumpyRandom rng = new NumpyRandom(seed);
    World world = World.generate(s, rng);
    EpisodeScorer scorer = new EpisodeScorer(world, s.topK());
    Behavior behavior = new Behavior(world);
    int n = world.catalog().size();
    int k = s.topK();
    double[] clicks = new double[k];
    for (int e = 0; e < sessions; e++) {
      User u = world.sampleUser(rng);
      Query q = world.sampleQuery(u, rng);
      scorer.drawBase(q, rng);
      int[] ranking = new int[k];
      if (randomRanking) {
        for (int j = 0; j < k; j++) {
          ranking[j] = (int) rng.integers(0, n);
        }
      } else {
        ranking = scorer.baseline(k);
      }
      SessionOutcome out = behavior.simulate(u, q, ranking, scorer.sem, rng);
      for (int j = 0; j < out.length(); j++) {
        clicks[j] += out.clicks()[j];
      }
    }
    for (int j = 0; j < k; j++) {
      clicks[j] /= sessions;
    }
    return clicks;
  }

  @Test
  void positionRewardsSumToTheSessionReward() {
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 200 }");
    NumpyRandom rng = new NumpyRandom(17);
    World world = World.generate(s, rng);
    EpisodeScorer scorer = new EpisodeScorer(world, s.topK());
    Behavior behavior = new Behavior(world);
    RewardFunction reward = new RewardFunction(world);
    int bought = 0;
    for (int e = 0; e < 300; e++) {
      User u = world.sampleUser(rng);
      Query q = world.sampleQuery(u, rng);
      scorer.drawBase(q, rng);
      int[] ranking = scorer.baseline(s.topK());
      SessionOutcome out = behavior.simulate(u, q, ranking, scorer.sem, rng);
      double[] r = reward.positionRewards(ranking, out);
      double sum = 0;
      for (int j = 0; j < r.length; j++) {
        sum += r[j];
        if (out.buys()[j] == 0 && out.clicks()[j] == 0) {
          assertEquals(0.0, r[j], 0.0, "a position without click or purchase contributes nothing");
        }
      }
      bought += out.totalBuys();
      assertEquals(reward.scalar(reward.breakdown(ranking, out)), sum, 1e-9);
    }
    assertTrue(bought > 10, "purchases happened: " + bought);
  }

  @Test
  void clickRateFallsWithPosition() {
    // tests/ch02/test_behavior.py: 64 products, top_k 5, no satisfaction dynamics, category queries
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 64 }, top_k = 5,"
        + " behavior { exam_sensitivity = 0.0, satisfaction_decay = 0.0, satisfaction_gain = 0.0 },"
        + " queries { query_type_mix = [1.0, 0.0, 0.0] }");
    double[] ctr = clickRates(s, 123, 5000, true);
    for (int j = 1; j < ctr.length; j++) {
      assertTrue(ctr[j] <= ctr[j - 1] + 0.03, "position " + j + ": " + ctr[j] + " > " + ctr[j - 1]);
    }
    assertTrue(ctr[0] > ctr[4] + 0.03, "pos0 " + ctr[0] + " vs pos4 " + ctr[4]);
  }

  @Test
  void cascadeSpecialisesToThePositionBasedModel() {
    // tests/ch02/test_click_model_identities.py (a): utility = alpha_rel * cos only, no purchases, no
    // satisfaction; then CTR_k = prod_{j<=k} sigmoid(pos_bias_j) * mean sigmoid(cos) at position k.
    SimSettings s = ZoosimConfig.fromString("catalog { n_products = 200 }, top_k = 5,"
        + " behavior { alpha_price = 0, alpha_pl = 0, alpha_cat = 0, sigma_u = 0, exam_sensitivity = 0,"
        + " satisfaction_gain = 0, satisfaction_decay = 0, beta0 = -100 },"
        + " queries { query_type_mix = [1.0, 0.0, 0.0] }");
    NumpyRandom rng = new NumpyRandom(7);
    World world = World.generate(s, rng);
    EpisodeScorer scorer = new EpisodeScorer(world, 5);
    Behavior behavior = new Behavior(world);
    double[] bias = s.behavior().posBias()[0];
    int sessions = 20000;
    double[] clicks = new double[5];
    double[] expected = new double[5];
    for (int e = 0; e < sessions; e++) {
      User u = world.sampleUser(rng);
      Query q = world.sampleQuery(u, rng);
      scorer.drawBase(q, rng);
      int[] ranking = scorer.baseline(5);
      SessionOutcome out = behavior.simulate(u, q, ranking, scorer.sem, rng);
      double reach = 1;
      for (int j = 0; j < 5; j++) {
        reach *= Stats.sigmoid(bias[j]);
        expected[j] += reach * Stats.sigmoid(scorer.semantic(ranking[j]));
        clicks[j] += out.clicks()[j];
      }
    }
    for (int j = 0; j < 5; j++) {
      assertEquals(expected[j] / sessions, clicks[j] / sessions, 0.02, "position " + j);
    }
  }

  @Test
  void satisfactionRaisesExamination() {
    // tests/ch02 (c): with exam_sensitivity 0.2 instead of 0, clicks deep in the list become more
    // likely when clicks raise satisfaction (attractive items: high relevance weight, no price term).
    String common = "catalog { n_products = 200 }, top_k = 5, queries { query_type_mix = [1.0, 0.0, 0.0] },"
        + " behavior { alpha_rel = 6.0, alpha_price = 0, alpha_pl = 0, alpha_cat = 0, sigma_u = 0,"
        + " satisfaction_gain = 5.0, beta0 = -100, exam_sensitivity = %s }";
    double[] off = clickRates(ZoosimConfig.fromString(String.format(common, "0.0")), 11, 5000, false);
    double[] on = clickRates(ZoosimConfig.fromString(String.format(common, "0.2")), 11, 5000, false);
    assertTrue(on[2] > off[2] + 0.1, "position 2 click rate " + on[2] + " vs " + off[2]);
  }

  @Test
  void segmentFrequenciesMatchTheMix() {
    // tests/ch02/test_segment_sampling.py: 20,000 users, seed 21, L-inf gap < 0.03
    SimSettings s = SimSettings.defaults();
    NumpyRandom rng = new NumpyRandom(21);
    World world = new World(s, Catalog.generate(ZoosimConfig.fromString("catalog { n_products = 10 }").catalog(),
        new NumpyRandom(1)));
    double[] freq = new double[4];
    for (int i = 0; i < 20000; i++) {
      freq[world.sampleUser(rng).segment()] += 1.0 / 20000;
    }
    for (int k = 0; k < 4; k++) {
      assertEquals(s.users().segmentMix()[k], freq[k], 0.03);
    }
  }
}
