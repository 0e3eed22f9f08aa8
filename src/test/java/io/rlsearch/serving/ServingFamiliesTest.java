package io.rlsearch.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.agents.bandit.LinearThompson;
import io.rlsearch.agents.bandit.NeuralEnsembleSnapshot;
import io.rlsearch.agents.continuous.GaussianPolicySnapshot;
import io.rlsearch.agents.nn.Mlp;
import io.rlsearch.agents.slate.ClickModel;
import io.rlsearch.agents.slate.DiffRankSnapshot;
import io.rlsearch.agents.slate.SlateQSnapshot;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.experiments.Task;
import io.rlsearch.experiments.TemplateBandits;
import io.rlsearch.learn.MlpInit;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every family of policy that acts on a context binds to the world schema by name and ranks requests. */
class ServingFamiliesTest {
  private static final SimSettings SIM = ZoosimConfig.load(Optional.empty());
  /** The world schema as serve starts with it: the boost-weight task's 17 context features and the extras. */
  private static final ServingSchema WORLD_ALL = ServingSchema.world(SIM);
  /** A service's schema with the boost-weight task's 17 context features only (no true sensitivities). */
  private static final ServingSchema WORLD = new ServingSchema(ServingPolicies.bareContext(WORLD_ALL),
      WORLD_ALL.candidate(), Map.of(), WORLD_ALL.reward(), WORLD_ALL.limits());
  /** That schema plus the user's true sensitivities (what the slate and rich template policies read). */
  private static final ServingSchema WITH_TRUE = new ServingSchema(concat(WORLD.context(),
      PolicyForm.TRUE_SENSITIVITIES), WORLD.candidate(), Map.of(), WORLD.reward(), WORLD.limits());

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** A request of {@code n} candidates with seeded context, base scores and features under {@code s}. */
  private static RankRequest request(ServingSchema s, int n, int k, long seed) {
    return io.rlsearch.testing.RandomRequests.of(s, n, k, seed);
  }

  /** The request's value of feature {@code name} of the schema (context). */
  private static double ctx(RankRequest r, ServingSchema s, String name) {
    return r.context()[s.context().indexOf(name)];
  }

  private static void assertPermutationSubset(Ranked out, RankRequest r) {
    assertEquals(r.k(), out.order().length);
    Set<Integer> seen = new HashSet<>();
    for (int i : out.order()) {
      assertTrue(i >= 0 && i < r.size(), "index " + i);
      assertTrue(seen.add(i), "repeats " + i);
    }
    double[] s = out.scores();
    for (int i = 1; i < s.length; i++) {
      assertTrue(s[i - 1] >= s[i], "scores descend: " + Arrays.toString(s));
    }
    assertTrue(out.propensity() > 0 && Double.isFinite(out.propensity()));
  }

  /** Scores of a boost rule: base + w . f over the form's candidate features, by name. */
  private static void assertBoostScores(Ranked out, RankRequest r, ServingSchema s, List<String> cand, double[] w) {
    for (int m = 0; m < out.order().length; m++) {
      int i = out.order()[m];
      double want = r.baseScore(i);
      for (int j = 0; j < cand.size(); j++) {
        want += w[j] * r.feature(i, s.candidate().indexOf(cand.get(j)));
      }
      assertEquals(want, out.scores()[m], 1e-12);
    }
  }

  @Test
  void aGaussianWeightPolicyRanksByItsSampledWeightsWithTheirDensity() {
    Mlp mu = MlpInit.torchDefault(new int[] {WORLD.context().size(), 16, 10}, Mlp.Activation.TANH, 3);
    GaussianPolicySnapshot g = new GaussianPolicySnapshot("reinforce", 4, mu, new double[10]);
    PolicyForm form = PolicyForm.of(Task.BoostWeights.battle(), SIM);
    assertEquals(WORLD.context(), form.context(), "the weight task reads the world schema itself");
    ServingPolicy p = ServingPolicies.bind(new ServingPolicies.Trained(g, form), WORLD);
    RankRequest r = request(WORLD, 30, 10, 1);
    Ranked out = p.rank(r, new NumpyRandom(9));
    assertPermutationSubset(out, r);
    Decision d = g.act(r.context(), new NumpyRandom(9));
    double[] w = d.action();
    for (int j = 0; j < w.length; j++) {
      w[j] = Math.max(-3, Math.min(3, w[j]));
    }
    assertBoostScores(out, r, WORLD, form.candidate(), w);
    assertEquals("weights", out.propensityOf());
    assertEquals(d.propensity(), out.propensity(), 0.0, "the density of the sampled weights");
    assertTrue(out.explored(), "a Gaussian sample is not its mean");

    // By name: a schema listing the same features in another order ranks the same request the same way.
    List<String> rev = new ArrayList<>(WORLD.context());
    java.util.Collections.reverse(rev);
    List<String> revCand = new ArrayList<>(WORLD.candidate());
    java.util.Collections.reverse(revCand);
    ServingSchema shuffled = new ServingSchema(rev, revCand, Map.of(), WORLD.reward(), WORLD.limits());
    double[] ctx2 = new double[rev.size()];
    for (int j = 0; j < ctx2.length; j++) {
      ctx2[j] = ctx(r, WORLD, rev.get(j));
    }
    double[][] f2 = new double[r.size()][revCand.size()];
    for (int i = 0; i < r.size(); i++) {
      for (int j = 0; j < revCand.size(); j++) {
        f2[i][j] = r.feature(i, WORLD.candidate().indexOf(revCand.get(j)));
      }
    }
    RankRequest r2 = new RankRequest(Optional.empty(), Optional.empty(), ctx2, r.ids(), r.baseScores(), f2, r.k());
    Ranked out2 = ServingPolicies.bind(new ServingPolicies.Trained(g, form), shuffled).rank(r2, new NumpyRandom(9));
    assertArrayEquals(out.order(), out2.order());
    assertArrayEquals(out.scores(), out2.scores(), 1e-12);
  }

  private static UpdateRule trained(AgentBuilder b, int arms, int dim, boolean bias, long seed) {
    UpdateRule rule = b.create(arms, dim);
    NumpyRandom g = new NumpyRandom(seed);
    for (int t = 0; t < 300; t++) {
      double[] x = new double[dim];
      for (int j = 0; j < dim; j++) {
        x[j] = g.standardNormal();
      }
      if (bias) {
        x[dim - 1] = 1;
      }
      int a = t % arms;
      rule.observe(x, Decision.arm(a, 1.0 / arms), x[0] * (a - 3) + 0.1 * g.standardNormal());
    }
    return rule;
  }

  @Test
  void aDiscretePolicyOverTheBattlesTemplateArmsRanksWithItsArmsWeights() {
    Task.BoostWeights task = Task.BoostWeights.battleTemplates();
    PolicyForm form = PolicyForm.of(task, SIM);
    PolicySnapshot s = trained(BanditAgents.thompson(LinearThompson.Settings.defaults(), 16), 8,
        WORLD.context().size(), false, 2).snapshot(1);
    ServingPolicy p = ServingPolicies.bind(new ServingPolicies.Trained(s, form), WORLD);
    RankRequest r = request(WORLD, 20, 5, 3);
    Ranked out = p.rank(r, new NumpyRandom(4));
    assertPermutationSubset(out, r);
    Decision d = s.act(r.context(), new NumpyRandom(4));
    assertEquals(d.arm(), out.decision().arm());
    assertBoostScores(out, r, WORLD, form.candidate(), task.armWeights().get(d.arm()));
    assertEquals("arm", out.propensityOf());
    assertEquals(d.propensity(), out.propensity(), 0.0);
    assertTrue(out.propensity() <= 1);
  }

  @Test
  void templateBanditsReadTheChapter6ContextWithTheirBiasAndRankWithTheTemplatesVectors() {
    int dim = PolicyForm.oneHots(SIM).size() + 1;
    PolicyForm form = PolicyForm.of(new Task.BoostTemplates(TemplateBandits.FeatureMode.SIMPLE), SIM);
    assertEquals("=1", form.context().get(form.context().size() - 1), "the bias, filled by the adapter");
    Map<String, AgentBuilder> agents = new HashMap<>();
    agents.put("linucb", BanditAgents.linUcb(LinUcb.Settings.defaults(), true));
    agents.put("ts", BanditAgents.thompson(LinearThompson.Settings.defaults(), 16, true));
    agents.put("discounted_linucb", BanditAgents.adaptiveLinUcb("discounted_linucb", LinUcb.Settings.defaults(),
        new BanditAgents.Adaptation(0.999, 0, Optional.empty(), 1.0)));
    agents.put("sliding_ts", BanditAgents.adaptiveThompson("sliding_ts", LinearThompson.Settings.defaults(), 16,
        new BanditAgents.Adaptation(1.0, 200, Optional.empty(), 1.0)));
    for (Map.Entry<String, AgentBuilder> e : agents.entrySet()) {
      PolicySnapshot s = trained(e.getValue(), 8, dim, true, 5).snapshot(2);
      ServingPolicy p = ServingPolicies.bind(new ServingPolicies.Trained(s, form), WORLD);
      assertEquals(PolicyForm.oneHots(SIM), p.contextFeatures());
      Set<Integer> armsSeen = new HashSet<>();
      for (long seed = 0; seed < 40; seed++) {
        RankRequest r = request(WORLD, 12, 12, 100 + seed);
        Ranked out = p.rank(r, new NumpyRandom(seed));
        assertPermutationSubset(out, r);
        double[] x = new double[dim];
        for (int j = 0; j < dim - 1; j++) {
          x[j] = ctx(r, WORLD, form.context().get(j));
        }
        x[dim - 1] = 1;
        assertArrayEquals(x, out.policyInput(), e.getKey());
        Decision d = s.act(x, new NumpyRandom(seed));
        assertEquals(d.arm(), out.decision().arm(), e.getKey());
        assertBoostScores(out, r, WORLD, PolicyForm.TEMPLATE_CANDIDATE, PolicyForm.templateArms().get(d.arm()));
        assertEquals("arm", out.propensityOf());
        assertEquals(d.propensity(), out.propensity(), 0.0);
        assertEquals(s.greedy().act(x, new NumpyRandom(0)).arm() != d.arm(), out.explored(), e.getKey());
        armsSeen.add(d.arm());
      }
      assertTrue(armsSeen.size() >= 2, e.getKey() + " chose " + armsSeen);
      // Acting on another task's context (the boost-weight task's 17 values) is refused, not misread.
      ServingPolicies.Trained t = new ServingPolicies.Trained(s, form);
      IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
          () -> t.act(new double[WORLD.context().size()], new NumpyRandom(0)));
      assertTrue(wrong.getMessage().contains("reads " + dim + " context inputs"), wrong.getMessage());
    }
  }

  @Test
  void policiesReadingFeaturesWhoseMeaningDiffersAreRefusedByTheWorldSchemaWithOneLine() {
    int dim = PolicyForm.oneHots(SIM).size() + 2 + 8 + 1;
    PolicySnapshot s = trained(BanditAgents.linUcb(LinUcb.Settings.defaults(), true), 8, dim, true, 6).snapshot(1);
    for (TemplateBandits.FeatureMode m : List.of(TemplateBandits.FeatureMode.RICH,
        TemplateBandits.FeatureMode.RICH_EST)) {
      PolicyForm form = PolicyForm.of(new Task.BoostTemplates(m), SIM);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> ServingPolicies.bind(new ServingPolicies.Trained(s, form), WORLD));
      String want = m == TemplateBandits.FeatureMode.RICH ? "'true_price_sensitivity'" : "'ch06_price_sensitivity'";
      assertTrue(e.getMessage().contains("reads the context feature " + want), e.getMessage());
      assertEquals(1, e.getMessage().lines().count());
    }
    // A schema that carries the true sensitivities serves the rich template bandit.
    PolicyForm rich = PolicyForm.of(new Task.BoostTemplates(TemplateBandits.FeatureMode.RICH), SIM);
    RankRequest r = request(WITH_TRUE, 6, 3, 7);
    Ranked out = ServingPolicies.bind(new ServingPolicies.Trained(s, rich), WITH_TRUE).rank(r, new NumpyRandom(1));
    assertPermutationSubset(out, r);
    assertEquals(ctx(r, WITH_TRUE, "true_price_sensitivity"), out.policyInput()[PolicyForm.oneHots(SIM).size()]);
  }

  @Test
  void neuralBanditsRankWithTheTemplatesVectors() {
    int dim = PolicyForm.oneHots(SIM).size() + 1;
    PolicyForm form = PolicyForm.of(new Task.BoostTemplates(TemplateBandits.FeatureMode.SIMPLE), SIM);
    List<Mlp> members = new ArrayList<>();
    for (int m = 0; m < 3; m++) {
      members.add(MlpInit.torchDefault(new int[] {dim + 8, 16, 1}, Mlp.Activation.RELU, 10 + m));
    }
    PolicySnapshot ens = new NeuralEnsembleSnapshot(3, members, 1.0, 8);
    PolicySnapshot lin = io.rlsearch.agents.bandit.NeuralLinearSnapshot.uniform(0, 8, dim);
    for (PolicySnapshot s : List.of(ens, lin)) {
      ServingPolicy p = ServingPolicies.bind(new ServingPolicies.Trained(s, form), WORLD);
      RankRequest r = request(WORLD, 15, 4, 8);
      Ranked out = p.rank(r, new NumpyRandom(2));
      assertPermutationSubset(out, r);
      Decision d = s.act(out.policyInput(), new NumpyRandom(2));
      assertBoostScores(out, r, WORLD, PolicyForm.TEMPLATE_CANDIDATE, PolicyForm.templateArms().get(d.arm()));
      assertEquals("arm", out.propensityOf());
      assertEquals(s == lin ? 1.0 / 8 : 1.0, out.propensity(), 1e-15);
    }
  }

  private static final int HEAD = 8;
  private static final int ITEM = 10;

  private static ClickModel clickModel() {
    ClickModel c = new ClickModel(HEAD, ITEM, 10, 0.05, 0.0);
    NumpyRandom g = new NumpyRandom(11);
    for (int t = 0; t < 500; t++) {
      double[] ctx = new double[HEAD];
      double[] f = new double[ITEM];
      for (int j = 0; j < ITEM; j++) {
        f[j] = g.standardNormal();
      }
      ctx[6] = g.standardNormal();
      c.update(ctx, f, 0, t % 10, f[0] + ctx[6] > 0.5);
    }
    return c;
  }

  /** The slate environment's observation of {@code r}'s candidates for a policy of {@code n} candidates. */
  private static double[] slateObservation(Ranked out, RankRequest r) {
    int[] cand = new int[ITEM];
    for (int j = 0; j < ITEM; j++) {
      cand[j] = WITH_TRUE.candidate().indexOf(ServingSchema.WORLD_CANDIDATE.get(j));
    }
    float[][] rows = ServingPolicies.slateRows(r, cand);
    double[] x = new double[HEAD + r.size() * ITEM];
    double[] head = out.policyInput();
    for (int j = 0; j < HEAD; j++) {
      x[j] = (float) head[j];
    }
    for (int i = 0; i < r.size(); i++) {
      for (int j = 0; j < ITEM; j++) {
        x[HEAD + i * ITEM + j] = rows[i][j];
      }
    }
    return x;
  }

  @Test
  void slateAgentsReadTheirHeadByNameAndAreRefusedByTheWorldSchema() {
    PolicyForm form = PolicyForm.of(Task.Slate.reference(), SIM);
    assertEquals(HEAD, form.context().size());
    assertEquals(PolicyForm.TRUE_SENSITIVITIES, form.contextFeatures(), "six constant zeros, then the true thetas");
    Mlp net = MlpInit.torchDefault(new int[] {HEAD + ITEM, 16, 1}, Mlp.Activation.RELU, 12);
    PolicySnapshot q = new SlateQSnapshot(1, SlateQSnapshot.Mode.DECOMPOSED, net, clickModel(), 0.2, HEAD, ITEM, 50,
        10);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ServingPolicies.bind(new ServingPolicies.Trained(q, form), WORLD));
    assertTrue(e.getMessage().contains("'true_price_sensitivity'"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count());
    // A network of another width does not fit the form: refused at bind, not per request.
    PolicySnapshot narrow = new DiffRankSnapshot(1, MlpInit.torchDefault(new int[] {5 + ITEM, 4, 1},
        Mlp.Activation.RELU, 1), 1.0, 5, ITEM, 50);
    IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
        () -> ServingPolicies.bind(new ServingPolicies.Trained(narrow, form), WITH_TRUE));
    assertTrue(e2.getMessage().contains("scores 5 context and 10 candidate values"), e2.getMessage());
    // Without its form a slate scorer is refused, not taken for a boost-weight policy.
    IllegalArgumentException e3 = assertThrows(IllegalArgumentException.class, () -> ServingPolicies.bind(q, WORLD));
    assertTrue(e3.getMessage().contains("slate scorer without its form"), e3.getMessage());
  }

  @Test
  void slateQScoresEveryCandidateOfAnyRequestAsOnItsOwnSlateAndLogsItsExplorationBranch() {
    PolicyForm form = PolicyForm.of(Task.Slate.reference(), SIM);
    Mlp net = MlpInit.torchDefault(new int[] {HEAD + ITEM, 16, 1}, Mlp.Activation.RELU, 12);
    for (SlateQSnapshot.Mode mode : SlateQSnapshot.Mode.values()) {
      for (int n : new int[] {1, 3, 7}) {
        // A snapshot of n candidates scores the same request as the environment would give it: the
        // bound policy must agree with it, whatever the number of candidates it was trained on.
        SlateQSnapshot own = new SlateQSnapshot(1, mode, net, clickModel(), 0.0, HEAD, ITEM, n, 10);
        SlateQSnapshot trained50 = new SlateQSnapshot(1, mode, net, clickModel(), 0.0, HEAD, ITEM, 50, 10);
        RankRequest r = request(WITH_TRUE, n, n, 20 + n);
        Ranked out = ServingPolicies.bind(new ServingPolicies.Trained(trained50, form), WITH_TRUE)
            .rank(r, new NumpyRandom(1));
        assertPermutationSubset(out, r);
        assertEquals("deterministic", out.propensityOf());
        assertEquals(1.0, out.propensity());
        assertFalse(out.explored());
        double[] want = own.scores(slateObservation(out, r));
        for (int m = 0; m < n; m++) {
          assertEquals(want[out.order()[m]], out.scores()[m], 1e-5, mode + " n=" + n);
        }
        assertEquals(0.0, out.policyInput()[0]);
        assertEquals(ctx(r, WITH_TRUE, "true_price_sensitivity"), out.policyInput()[6]);
      }
    }
    // With epsilon: the propensity is the branch's probability, and the branch is taken that often.
    double eps = 0.3;
    SlateQSnapshot q = new SlateQSnapshot(1, SlateQSnapshot.Mode.DECOMPOSED, net, clickModel(), eps, HEAD, ITEM, 50,
        10);
    ServingPolicy p = ServingPolicies.bind(new ServingPolicies.Trained(q, form), WITH_TRUE);
    RankRequest r = request(WITH_TRUE, 6, 4, 30);
    int[] greedy = ServingPolicies.bind(new ServingPolicies.Trained(q.greedy(), form), WITH_TRUE)
        .rank(r, new NumpyRandom(0)).order();
    NumpyRandom stream = new NumpyRandom(31);
    int n = 4000;
    int explorations = 0;
    for (int t = 0; t < n; t++) {
      Ranked out = p.rank(r, stream);
      assertPermutationSubset(out, r);
      assertEquals("exploration", out.propensityOf());
      if (out.propensity() == eps) {
        explorations++;
      } else {
        assertEquals(1 - eps, out.propensity(), 1e-15);
        assertArrayEquals(greedy, out.order(), "the exploit branch returns the greedy ranking");
        assertFalse(out.explored());
      }
    }
    double sd = Math.sqrt(eps * (1 - eps) / n);
    assertEquals(eps, explorations / (double) n, 4.5 * sd, "the exploration branch's frequency");
  }

  @Test
  void diffRankLogsTheReturnedRankingsPlackettLuceProbabilityAndSamplesAtThatRate() {
    PolicyForm form = PolicyForm.of(Task.Slate.reference(), SIM);
    Mlp net = MlpInit.torchDefault(new int[] {HEAD + ITEM, 16, 1}, Mlp.Activation.RELU, 14);
    double temp = 0.5;
    DiffRankSnapshot d = new DiffRankSnapshot(2, net, temp, HEAD, ITEM, 50);
    RankRequest r = request(WITH_TRUE, 3, 3, 40);
    // The scores without noise, checked against the snapshot on the request's own 3-candidate slate.
    Ranked greedy = ServingPolicies.bind(new ServingPolicies.Trained(d.greedy(), form), WITH_TRUE)
        .rank(r, new NumpyRandom(0));
    assertEquals("deterministic", greedy.propensityOf());
    double[] s = new DiffRankSnapshot(2, net, 0.0, HEAD, ITEM, 3).scores(slateObservation(greedy, r));
    for (int m = 0; m < 3; m++) {
      assertEquals(s[greedy.order()[m]], greedy.scores()[m], 1e-5);
    }
    double spread = Arrays.stream(s).max().orElseThrow() - Arrays.stream(s).min().orElseThrow();
    assertTrue(spread > 0.05 * temp, "the scores differ enough for the rankings' probabilities to differ: " + spread);

    // The Plackett-Luce probabilities of the 6 full rankings, and of the 6 top-2 prefixes, sum to 1.
    int[][] perms = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
    double total = 0;
    double total2 = 0;
    for (int[] o : perms) {
      total += ServingPolicies.plackettLuce(s, temp, o);
      total2 += ServingPolicies.plackettLuce(s, temp, new int[] {o[0], o[1]});
    }
    assertEquals(1.0, total, 1e-12);
    assertEquals(1.0, total2, 1e-12);

    ServingPolicy p = ServingPolicies.bind(new ServingPolicies.Trained(d, form), WITH_TRUE);
    NumpyRandom stream = new NumpyRandom(41);
    int n = 20_000;
    Map<String, Integer> count = new HashMap<>();
    Map<String, Double> logged = new HashMap<>();
    int explored = 0;
    for (int t = 0; t < n; t++) {
      Ranked out = p.rank(r, stream);
      assertPermutationSubset(out, r);
      assertEquals("ranking", out.propensityOf());
      String key = Arrays.toString(out.order());
      count.merge(key, 1, Integer::sum);
      Double before = logged.put(key, out.propensity());
      assertTrue(before == null || before == out.propensity(), "one ranking, one propensity");
      explored += out.explored() ? 1 : 0;
      assertEquals(!Arrays.equals(out.order(), greedy.order()), out.explored());
    }
    assertEquals(6, count.size(), "every ranking is drawn: " + count);
    for (int[] o : perms) {
      String key = Arrays.toString(o);
      double pr = ServingPolicies.plackettLuce(s, temp, o);
      assertEquals(pr, logged.get(key), 1e-6 * pr + 1e-9, "the logged propensity of " + key);
      double sd = Math.sqrt(pr * (1 - pr) / n);
      assertEquals(pr, count.get(key) / (double) n, 4.5 * sd, "the frequency of " + key);
    }
    assertTrue(explored > 0);
  }

  @Test
  void thePlackettLuceProbabilityOfALongRankingStaysExactAndPositive() {
    double[] s = {2.0, 0.5, -1.0, 3.0};
    // By hand: order 3, 0, 1 at t = 1.
    double e0 = Math.exp(2.0);
    double e1 = Math.exp(0.5);
    double e2 = Math.exp(-1.0);
    double e3 = Math.exp(3.0);
    double want = e3 / (e0 + e1 + e2 + e3) * e0 / (e0 + e1 + e2) * e1 / (e1 + e2);
    assertEquals(want, ServingPolicies.plackettLuce(s, 1.0, new int[] {3, 0, 1}), 1e-15);
    // 2,000 candidates with wide scores, the whole ranking: far below a double; reported as the smallest.
    double[] wide = new double[2000];
    for (int i = 0; i < wide.length; i++) {
      wide[i] = (i % 7) * 50.0 - i * 0.01;
    }
    int[] order = new int[wide.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = order.length - 1 - i;
    }
    double p = ServingPolicies.plackettLuce(wide, 0.1, order);
    assertEquals(Double.MIN_VALUE, p);
    int[] best = ServingPolicies.topK(wide, 3);
    double pb = ServingPolicies.plackettLuce(wide, 100.0, best);
    assertTrue(pb > 0 && pb < 1, "a plausible top-3 of 2,000: " + pb);
  }

  @Test
  void zScoringTheWorldsCandidateFeaturesAcrossARequestGivesTheSlateEnvironmentsRows() {
    // The slate environment z-scores the raw boost features across its candidates; a request carries
    // the world's standardised features (fixed affine maps of the raw ones, sign-flipped by the user's
    // and query's signs for the three interactions), whose z-scores are the same.
    io.rlsearch.sim.World world = io.rlsearch.testing.Runs.smallWorld(3);
    NumpyRandom g = new NumpyRandom(17);
    int checked = 0;
    for (int session = 0; session < 20; session++) {
      io.rlsearch.sim.User u = world.sampleUser(g);
      io.rlsearch.sim.Query q = world.sampleQuery(u, g);
      io.rlsearch.sim.EpisodeScorer scorer = new io.rlsearch.sim.EpisodeScorer(world, 50);
      scorer.drawBase(u, q, g);
      int[] cands = scorer.baseline(50);
      int n = cands.length;
      double[][] std = new double[n][ITEM];
      double[][] raw = new double[n][ITEM];
      for (int i = 0; i < n; i++) {
        scorer.featureRow(u, q, cands[i], std[i]);
        scorer.rawFeatureRow(u, q, cands[i], raw[i]);
      }
      String[] ids = new String[n];
      for (int i = 0; i < n; i++) {
        ids[i] = "p" + i;
      }
      RankRequest r = new RankRequest(Optional.empty(), Optional.empty(), new double[WORLD.context().size()], ids,
          new double[n], std, n);
      int[] all = new int[ITEM];
      for (int j = 0; j < ITEM; j++) {
        all[j] = j;
      }
      float[][] served = ServingPolicies.slateRows(r, all);
      for (int j = 0; j < ITEM; j++) {
        double mean = 0;
        for (int i = 0; i < n; i++) {
          mean += raw[i][j];
        }
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++) {
          var += (raw[i][j] - mean) * (raw[i][j] - mean);
        }
        double sd = Math.sqrt(var / n);
        if (sd < 1e-3) {
          continue; // the 1e-6 guard dominates a feature that barely varies: both are near 0
        }
        for (int i = 0; i < n; i++) {
          double env = (float) ((raw[i][j] - mean) / (sd + 1e-6));
          assertEquals(env, served[i][j], 1e-4, "feature " + ServingSchema.WORLD_CANDIDATE.get(j));
          checked++;
        }
      }
    }
    assertTrue(checked > 20 * 50 * 8, "most features of most sessions were compared: " + checked);
  }
}
