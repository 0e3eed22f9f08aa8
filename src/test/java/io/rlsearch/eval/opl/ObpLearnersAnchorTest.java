package io.rlsearch.eval.opl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.eval.logs.TeamLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * rlsearch's learners beside the Open Bandit Pipeline's on synthetic data whose truth is known
 * ({@code src/test/resources/opl/obp_synthetic_*}, made by {@code tools/obp/learners.py} after OBP's
 * {@code examples/opl}): OBP's SyntheticBanditDataset with 10 actions, 5 context features, a logistic
 * reward and its default behaviour {@code softmax(-3 q)}; 5,000 logged rounds to learn from and 5,000
 * test contexts with their expected reward per action. Both sides train on the whole log, with their
 * documented defaults; a greedy policy's true value is {@code mean_i q(x_i, pi(x_i))} over the test
 * contexts.
 */
class ObpLearnersAnchorTest {
  private static final Path DIR = Path.of("src/test/resources/opl");
  /** The {@code learn} command's default seed. */
  private static final long SEED = 2025;

  private static JsonNode obp;
  private static double[][] testContext;
  /** {@code [row][fixture action index]}. */
  private static double[][] q;
  private static BanditData train;

  @BeforeAll
  static void read() throws IOException {
    obp = new ObjectMapper().readTree(DIR.resolve("obp_synthetic_learners.json").toFile());
    TeamLog log = TeamLog.read(DIR.resolve(obp.at("/train/file").asText()));
    assertTrue(log.badRows().isEmpty(), log.badRows().describe());
    train = BanditData.ofTeam(log);
    List<String> lines = Files.readAllLines(DIR.resolve(obp.at("/test/file").asText()), StandardCharsets.UTF_8);
    List<String> header = Arrays.asList(lines.get(0).split(","));
    int nActions = obp.at("/protocol/n_actions").asInt();
    int[] ctxCol = new int[train.dim()];
    for (int j = 0; j < ctxCol.length; j++) {
      ctxCol[j] = header.indexOf(TeamLog.CONTEXT_PREFIX + train.featureNames().get(j));
      assertTrue(ctxCol[j] >= 0, "test file has no column for " + train.featureNames().get(j));
    }
    int[] qCol = new int[nActions];
    for (int a = 0; a < nActions; a++) {
      qCol[a] = header.indexOf("q_" + obp.at("/protocol/action_ids/" + a).asText());
      assertTrue(qCol[a] >= 0, "test file has no expected reward for action " + a);
    }
    int n = lines.size() - 1;
    testContext = new double[n][ctxCol.length];
    q = new double[n][nActions];
    for (int i = 0; i < n; i++) {
      String[] f = lines.get(i + 1).split(",");
      for (int j = 0; j < ctxCol.length; j++) {
        testContext[i][j] = Double.parseDouble(f[ctxCol[j]]);
      }
      for (int a = 0; a < nActions; a++) {
        q[i][a] = Double.parseDouble(f[qCol[a]]);
      }
    }
  }

  /** The fixture's index of each of the policy's (the log's) actions, through the action ids. */
  private static int[] fixtureIndex(List<String> policyActionIds) {
    List<String> fixtureIds = new ArrayList<>();
    obp.at("/protocol/action_ids").forEach(n -> fixtureIds.add(n.asText()));
    int[] index = new int[policyActionIds.size()];
    for (int k = 0; k < index.length; k++) {
      index[k] = fixtureIds.indexOf(policyActionIds.get(k));
      assertTrue(index[k] >= 0, "action id " + policyActionIds.get(k) + " is not in the fixture");
    }
    return index;
  }

  /** The true value of {@code policy}'s greedy choice on each test context. */
  private static double[] perRow(LinearPolicy policy) {
    int[] index = fixtureIndex(policy.actionIds());
    double[] v = new double[q.length];
    for (int i = 0; i < q.length; i++) {
      v[i] = q[i][index[policy.greedy(testContext[i], 0)]];
    }
    return v;
  }

  /** The true value on each test context of a fixture policy's recorded greedy actions (one digit a row). */
  private static double[] perRow(String fixturePolicy) {
    String actions = obp.at("/policies/" + fixturePolicy + "/actions").asText();
    assertEquals(q.length, actions.length());
    double[] v = new double[q.length];
    for (int i = 0; i < q.length; i++) {
      v[i] = q[i][actions.charAt(i) - '0'];
    }
    return v;
  }

  private static double mean(double[] v) {
    return Arrays.stream(v).average().orElseThrow();
  }

  /** The standard error of the mean of {@code v}: the sampling error over the test contexts. */
  private static double se(double[] v) {
    double m = mean(v);
    double ss = 0;
    for (double x : v) {
      ss += (x - m) * (x - m);
    }
    return Math.sqrt(ss / (v.length - 1) / v.length);
  }

  private static double[] minus(double[] a, double[] b) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      d[i] = a[i] - b[i];
    }
    return d;
  }

  @Test
  void theFixturesReadBackAsOpenBanditPipelineWroteThem() {
    assertEquals(obp.at("/train/rows").asInt(), train.size());
    assertEquals(obp.at("/protocol/n_actions").asInt(), train.nActions(), "every action appears in the log");
    assertEquals(1, train.nPositions());
    assertEquals(obp.at("/train/mean_reward").asDouble(), train.meanReward(), 1e-12);
    assertEquals(obp.at("/test/rows").asInt(), q.length);
    // The log names actions by first appearance, not a0..a9 in order: counts must follow the ids.
    int[] index = fixtureIndex(train.actionIds());
    int[] counts = new int[train.nActions()];
    for (int a : train.actions()) {
      counts[index[a]]++;
    }
    for (int a = 0; a < counts.length; a++) {
      assertEquals(obp.at("/train/action_counts/" + a).asInt(), counts[a], "logged count of fixture action " + a);
    }
    for (String p : List.of("obp_ipw_learner", "obp_nn_ipw", "obp_nn_dr", "optimum")) {
      assertEquals(obp.at("/policies/" + p + "/value").asDouble(), mean(perRow(p)), 1e-12, p);
    }
    double best = 0;
    for (double[] row : q) {
      best += Arrays.stream(row).max().orElseThrow();
    }
    assertEquals(obp.at("/policies/optimum/value").asDouble(), best / q.length, 1e-12);
  }

  @Test
  void bothLearnersReachTheOpenBanditPipelinesIpwLearner() {
    double[] obpIpw = perRow("obp_ipw_learner");
    double obpValue = mean(obpIpw);
    double behavior = obp.at("/policies/behavior/value").asDouble();
    double optimum = obp.at("/policies/optimum/value").asDouble();
    StringBuilder report = new StringBuilder();
    report.append(String.format(Locale.ROOT, "%-22s %.4f +- %.4f%n", "OBP IPWLearner", obpValue, se(obpIpw)));
    for (String p : List.of("obp_nn_ipw", "obp_nn_dr")) {
      report.append(String.format(Locale.ROOT, "%-22s %.4f +- %.4f (softmax %.4f)%n", p + " (greedy)",
          obp.at("/policies/" + p + "/value").asDouble(), obp.at("/policies/" + p + "/se").asDouble(),
          obp.at("/policies/" + p + "/stochastic_value").asDouble()));
    }
    for (String learner : PolicyLearner.LEARNERS) {
      LinearPolicy policy = PolicyLearner.fit(train, PolicyLearner.Settings.defaults(learner, SEED), Map.of());
      double[] v = perRow(policy);
      double value = mean(v);
      double[] diff = minus(v, obpIpw);
      // Both are evaluated on the same 5,000 contexts; what separates them beyond these contexts is
      // the sampling error of a value over them, for the difference as for either policy.
      double tolerance = 2 * Math.max(se(obpIpw), se(diff));
      report.append(String.format(Locale.ROOT, "%-22s %.4f +- %.4f (minus OBP IPWLearner %+.4f +- %.4f;"
          + " tolerance %.4f)%n", "rlsearch " + learner, value, se(v), mean(diff), se(diff), tolerance));
      assertTrue(value >= obpValue - tolerance, learner + ": true value " + value + " below OBP's IPWLearner "
          + obpValue + " by more than " + tolerance + "\n" + report);
      assertTrue(value > behavior + 0.5 * (optimum - behavior), learner + " closes less than half of the gap"
          + " from the behaviour (" + behavior + ") to the optimum (" + optimum + "): " + value);
    }
    report.append(String.format(Locale.ROOT, "%-22s %.4f%n%-22s %.4f%n", "behaviour", behavior, "optimum", optimum));
    System.out.print(report);
  }
}
