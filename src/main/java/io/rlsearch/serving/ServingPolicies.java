package io.rlsearch.serving;

import io.rlsearch.agents.spi.Decision;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.eval.ope.LoggedDecision;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Binds policy snapshots to a schema so they rank real requests.
 *
 * <p>A policy reads its context and candidate features by name ({@link PolicyForm}), so a schema may
 * carry more features than a policy reads, in any order; a feature it reads and the schema lacks
 * refuses the bind with one line naming it.
 *
 * <ul>
 *   <li>A boost-weight policy (continuous, or discrete over arm weight vectors such as the templates)
 *       scores candidate {@code i} as {@code base_score_i + sum_j w_j f_ij}, the simulated world's
 *       ranking rule. Propensity: a continuous action's density ({@code weights}), a chosen arm's
 *       probability ({@code arm}).
 *   <li>A slate policy scores each candidate with its per-candidate network from the context head and
 *       the candidate's features z-scored across the request's candidates (as the slate environment
 *       z-scores its candidates), so a request may carry any number of candidates. DiffRank's
 *       exploration adds {@code T x Gumbel(0, 1)} noise to the scores: Plackett-Luce sampling with
 *       logits {@code s / T}, so its propensity is the returned top-k ranking's Plackett-Luce
 *       probability ({@code ranking}). SlateQ's exploration adds N(0, 1) noise to every score with
 *       probability epsilon; the returned ranking's probability has no closed form, so its propensity
 *       is the probability of the branch it took ({@code exploration}): {@code 1 - epsilon} when it
 *       ranked by its scores (the ranking's own probability lies between that and 1) and
 *       {@code epsilon} when it perturbed them (the ranking's own probability is below that). A slate
 *       policy without exploration has propensity 1 ({@code deterministic}).
 * </ul>
 * {@code explored} says whether the policy without exploration ({@link PolicySnapshot#greedy}) would
 * have returned something else.
 */
public final class ServingPolicies {
  private ServingPolicies() {}

  /**
   * A boost-weight policy's form: what it reads and how its decision becomes weights.
   *
   * @param context the context features it reads, in its order
   * @param candidate the candidate features its weights apply to, in order
   * @param aMax the action box (a continuous action is clipped to it)
   * @param arms the weight vector of each arm, for a policy that picks arms (empty otherwise)
   */
  public record WeightForm(List<String> context, List<String> candidate, double aMax, List<double[]> arms) {
    public WeightForm {
      context = List.copyOf(context);
      candidate = List.copyOf(candidate);
      arms = arms.stream().map(double[]::clone).toList();
      if (!(aMax > 0)) {
        throw new IllegalArgumentException("a_max must be > 0, got " + aMax);
      }
      for (double[] a : arms) {
        if (a.length != candidate.size()) {
          throw new IllegalArgumentException("an arm's weight vector needs " + candidate.size() + " values, got "
              + a.length);
        }
      }
    }
  }

  /** Binds {@code p}, of form {@code form}, to {@code schema}. */
  public static ServingPolicy bindWeights(PolicySnapshot p, WeightForm form, ServingSchema schema) {
    Objects.requireNonNull(p, "policy");
    int[] ctx = indices("context", form.context(), schema.context(), p.agent());
    int[] cand = indices("candidate", form.candidate(), schema.candidate(), p.agent());
    return new WeightPolicy(p, p.greedy(), form.context(), form.candidate(), form.aMax(), form.arms(), Inputs.all(ctx),
        cand);
  }

  /**
   * The positions in {@code schema} of the features a policy reads.
   *
   * @throws IllegalArgumentException one line naming the first feature the schema lacks
   */
  public static int[] indices(String kind, List<String> reads, List<String> schema, String agent) {
    int[] out = new int[reads.size()];
    for (int j = 0; j < out.length; j++) {
      out[j] = schema.indexOf(reads.get(j));
      if (out[j] < 0) {
        throw new IllegalArgumentException("the policy of '" + agent + "' reads the " + kind + " feature '"
            + reads.get(j) + "', which the serving schema does not have (it was trained under another schema)");
      }
    }
    return out;
  }

  /** The top {@code k} indices of {@code scores}, best first; ties go to the earlier candidate. */
  public static int[] topK(double[] scores, int k) {
    Integer[] idx = new Integer[scores.length];
    for (int i = 0; i < idx.length; i++) {
      idx[i] = i;
    }
    Arrays.sort(idx, (a, b) -> {
      int c = Double.compare(scores[b], scores[a]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    int[] out = new int[Math.min(k, scores.length)];
    for (int i = 0; i < out.length; i++) {
      out[i] = idx[i];
    }
    return out;
  }

  /** {@code x} gathered at {@code idx}. */
  static double[] gather(double[] x, int[] idx) {
    double[] out = new double[idx.length];
    for (int j = 0; j < idx.length; j++) {
      out[j] = x[idx[j]];
    }
    return out;
  }

  /**
   * A snapshot with the form of the task it was trained on (what a checkpoint's policy is, loaded for
   * serving): {@link #bind} reads its features by the form's names. It acts, as a snapshot, as the
   * policy it wraps.
   *
   * @param policy the snapshot
   * @param form what it reads and how it ranks
   */
  public record Trained(PolicySnapshot policy, PolicyForm form) implements PolicySnapshot {
    public Trained {
      Objects.requireNonNull(policy, "policy");
      Objects.requireNonNull(form, "form");
      if (policy instanceof Trained) {
        throw new IllegalArgumentException("a trained snapshot wraps a bare one");
      }
    }

    @Override
    public String agent() {
      return policy.agent();
    }

    @Override
    public long version() {
      return policy.version();
    }

    /**
     * Acts on an input already in the form's order ({@link Ranked#policyInput}); a slate policy's
     * input is its context head followed by the candidates' rows.
     *
     * @throws IllegalArgumentException for a context too short for the form (another task's)
     */
    @Override
    public Decision act(double[] x, NumpyRandom rng) {
      if (x.length < form.context().size() || (form.kind() == PolicyForm.Kind.BOOST
          && x.length != form.context().size())) {
        throw new IllegalArgumentException("the policy of '" + policy.agent() + "' reads " + form.context().size()
            + " context inputs (" + String.join(", ", form.context()) + "), got " + x.length + " values");
      }
      return policy.act(x, rng);
    }

    @Override
    public PolicySnapshot greedy() {
      PolicySnapshot g = policy.greedy();
      return g == policy ? this : new Trained(g, form);
    }
  }

  /**
   * Binds {@code p} to {@code schema}. A {@link Trained} snapshot reads the features of its form. A
   * bare snapshot is taken as a boost-weight policy trained under this very schema (the built-ins,
   * a version learned from the schema's own traffic): it reads every context feature of the schema, in
   * order, and weighs the schema's candidate features with weights in [-3, 3]; a discrete one picks
   * among the battle's eight template arms ({@link io.rlsearch.experiments.Task.BoostWeights#battleTemplates},
   * weight vectors over the world's 10 boost features, placed by name; a schema without all ten gives
   * a bare discrete policy no arms). A bare slate snapshot is refused: its features depend on its
   * task's world, so it is bound as a {@link Trained} one.
   *
   * @throws IllegalArgumentException one line naming the first feature the policy reads and the
   *     schema lacks, or what does not fit
   */
  public static ServingPolicy bind(PolicySnapshot p, ServingSchema schema) {
    Objects.requireNonNull(p, "policy");
    if (p instanceof Trained t) {
      return bind(t.policy(), t.form(), schema);
    }
    if (p instanceof io.rlsearch.agents.slate.SlateQSnapshot
        || p instanceof io.rlsearch.agents.slate.DiffRankSnapshot) {
      throw new IllegalArgumentException("the policy of '" + p.agent() + "' is a slate scorer without its form: bind"
          + " it with the features of its task (ServingPolicies.Trained, PolicyForm.of)");
    }
    List<double[]> arms = new java.util.ArrayList<>();
    if (schema.candidate().containsAll(ServingSchema.WORLD_CANDIDATE)) {
      for (double[] w : io.rlsearch.experiments.Task.BoostWeights.battleTemplates().armWeights()) {
        double[] a = new double[schema.candidate().size()];
        for (int j = 0; j < w.length; j++) {
          a[schema.candidate().indexOf(ServingSchema.WORLD_CANDIDATE.get(j))] = w[j];
        }
        arms.add(a);
      }
    }
    return bindWeights(p, new WeightForm(bareContext(schema), schema.candidate(), 3.0, arms), schema);
  }

  /**
   * The boost weights, over {@link ServingPolicy#candidateFeatures()} in that order, with which
   * {@code p} without exploration ({@link PolicySnapshot#greedy}) scores the candidates of a request of
   * context {@code r}: candidate {@code i} then scores {@code base_score_i + sum_j w_j f_ij}. Empty for
   * a policy whose scores are not a linear boost of the candidate features (the slate agents). The
   * weights are those {@link ServingPolicy#rank} applies: a continuous action clipped to the action
   * box, or the chosen arm's vector. {@code rng} is what the policy without exploration draws from, if
   * it draws at all ({@link ServingPolicy#rank} gives it {@code new NumpyRandom(0)}); a policy that
   * still draws is one that has no greedy choice, such as {@code random}.
   */
  public static java.util.Optional<double[]> greedyWeights(ServingPolicy p, RankRequest r, NumpyRandom rng) {
    if (!(p instanceof WeightPolicy w)) {
      return java.util.Optional.empty();
    }
    double[] x = w.ctx().read(r);
    return java.util.Optional.of(w.weights(w.greedy().act(x, rng)).clone());
  }

  /**
   * The context features a snapshot without a form reads (a built-in, or a version learned online):
   * the schema's, without the world's {@link ServingSchema#WORLD_EXTRAS}, which only policies trained on
   * them read. Under the world schema these are the boost-weight task's 17 features.
   */
  public static List<String> bareContext(ServingSchema schema) {
    return schema.context().stream().filter(n -> !ServingSchema.WORLD_EXTRAS.contains(n)).toList();
  }

  /**
   * Binds {@code p}, of form {@code form}, to {@code schema}.
   *
   * @throws IllegalArgumentException one line naming the first feature the policy reads and the
   *     schema lacks, or a slate snapshot whose networks do not fit the form
   */
  public static ServingPolicy bind(PolicySnapshot p, PolicyForm form, ServingSchema schema) {
    Objects.requireNonNull(p, "policy");
    if (p instanceof Trained t) {
      p = t.policy();
    }
    Inputs ctx = Inputs.of(form, schema, p.agent());
    int[] cand = indices("candidate", form.candidate(), schema.candidate(), p.agent());
    if (form.kind() == PolicyForm.Kind.BOOST) {
      return new WeightPolicy(p, p.greedy(), form.contextFeatures(), form.candidate(), form.aMax(), form.arms(), ctx,
          cand);
    }
    Scorer scorer = Scorer.of(p, ctx.size(), cand.length);
    return new SlatePolicy(p, form, ctx, cand, scorer, schema.candidate());
  }

  /** Where each context input of a policy comes from: a schema position, or a constant. */
  private record Inputs(int[] idx, double[] constant) {
    static Inputs of(PolicyForm form, ServingSchema schema, String agent) {
      List<String> c = form.context();
      int[] idx = new int[c.size()];
      double[] k = new double[c.size()];
      for (int j = 0; j < idx.length; j++) {
        if (PolicyForm.isConstant(c.get(j))) {
          idx[j] = -1;
          k[j] = PolicyForm.constant(c.get(j));
        } else {
          idx[j] = indices("context", List.of(c.get(j)), schema.context(), agent)[0];
        }
      }
      return new Inputs(idx, k);
    }

    static Inputs all(int[] idx) {
      return new Inputs(idx, new double[idx.length]);
    }

    int size() {
      return idx.length;
    }

    double[] read(RankRequest r) {
      double[] ctx = r.context();
      double[] out = new double[idx.length];
      for (int j = 0; j < out.length; j++) {
        out[j] = idx[j] < 0 ? constant[j] : ctx[idx[j]];
      }
      return out;
    }
  }

  private record WeightPolicy(PolicySnapshot policy, PolicySnapshot greedy, List<String> context,
      List<String> candidate, double aMax, List<double[]> arms, Inputs ctx, int[] cand) implements ServingPolicy {
    @Override
    public String agent() {
      return policy.agent();
    }

    @Override
    public List<String> contextFeatures() {
      return context;
    }

    @Override
    public List<String> candidateFeatures() {
      return candidate;
    }

    private double[] weights(Decision d) {
      if (d.continuous()) {
        double[] a = d.action();
        if (a.length != cand.length) {
          throw new IllegalStateException("the policy of '" + policy.agent() + "' gave " + a.length
              + " weights; its form has " + cand.length);
        }
        for (int j = 0; j < a.length; j++) {
          if (Double.isNaN(a[j])) {
            throw new IllegalStateException("the policy of '" + policy.agent() + "' gave a NaN weight");
          }
          a[j] = Math.max(-aMax, Math.min(aMax, a[j]));
        }
        return a;
      }
      if (d.arm() >= arms.size()) {
        throw new IllegalStateException("the policy of '" + policy.agent() + "' chose arm " + d.arm() + "; its form"
            + " has " + arms.size());
      }
      return arms.get(d.arm());
    }

    @Override
    public Ranked rank(RankRequest r, NumpyRandom rng) {
      double[] x = ctx.read(r);
      Decision d = policy.act(x, rng);
      double[] w = weights(d);
      boolean explored = false;
      if (greedy != policy) {
        Decision g = greedy.act(x, new NumpyRandom(0));
        explored = d.continuous() ? !Arrays.equals(weights(g), w) : g.arm() != d.arm();
      }
      int n = r.size();
      double[] score = new double[n];
      for (int i = 0; i < n; i++) {
        double s = r.baseScore(i);
        for (int j = 0; j < cand.length; j++) {
          s += w[j] * r.feature(i, cand[j]);
        }
        score[i] = s;
      }
      int[] order = topK(score, r.k());
      double[] out = new double[order.length];
      for (int i = 0; i < order.length; i++) {
        out[i] = score[order[i]];
      }
      return new Ranked(order, out, explored, d.propensity(), d.continuous() ? "weights" : "arm", d, x);
    }
  }

  /** A slate agent's per-candidate scoring and exploration. */
  private sealed interface Scorer {
    /** The scores without exploration of {@code n} candidates: {@code head} then each row. */
    double[] scores(float[] head, float[][] rows);

    static Scorer of(PolicySnapshot p, int headDim, int itemDim) {
      if (p instanceof io.rlsearch.agents.slate.SlateQSnapshot q) {
        fits(p, q.contextDim(), q.itemDim(), headDim, itemDim);
        return new SlateQ(q.mode(), q.q(), q.choice(), q.epsilon());
      }
      if (p instanceof io.rlsearch.agents.slate.DiffRankSnapshot d) {
        fits(p, d.contextDim(), d.itemDim(), headDim, itemDim);
        return new DiffRank(d.scorer(), d.temperature());
      }
      throw new IllegalArgumentException("the policy of '" + p.agent() + "' is not a slate scorer (slateq,"
          + " slateq_simplified or diffrank): it cannot score each candidate");
    }

    private static void fits(PolicySnapshot p, int netHead, int netItem, int headDim, int itemDim) {
      if (netHead != headDim || netItem != itemDim) {
        throw new IllegalArgumentException("the policy of '" + p.agent() + "' scores " + netHead + " context and "
            + netItem + " candidate values; its form names " + headDim + " and " + itemDim);
      }
    }

    /** Each row's input: the head then the row. */
    static float[] batch(float[] head, float[][] rows) {
      int in = head.length + (rows.length == 0 ? 0 : rows[0].length);
      float[] x = new float[rows.length * in];
      for (int i = 0; i < rows.length; i++) {
        System.arraycopy(head, 0, x, i * in, head.length);
        System.arraycopy(rows[i], 0, x, i * in + head.length, rows[i].length);
      }
      return x;
    }
  }

  private record SlateQ(io.rlsearch.agents.slate.SlateQSnapshot.Mode mode, io.rlsearch.agents.nn.Mlp q,
      io.rlsearch.agents.slate.ClickModel choice, double epsilon) implements Scorer {
    @Override
    public double[] scores(float[] head, float[][] rows) {
      float[] qv = q.forwardBatch(Scorer.batch(head, rows), rows.length);
      double[] out = new double[rows.length];
      double[] h = new double[head.length];
      for (int j = 0; j < h.length; j++) {
        h[j] = head[j];
      }
      double[] row = new double[rows.length == 0 ? 0 : rows[0].length];
      for (int i = 0; i < out.length; i++) {
        if (mode == io.rlsearch.agents.slate.SlateQSnapshot.Mode.SIMPLIFIED) {
          out[i] = qv[i];
        } else {
          for (int j = 0; j < row.length; j++) {
            row[j] = rows[i][j];
          }
          out[i] = choice.clickProbability(choice.logit(h, row, 0), 0) * qv[i];
        }
      }
      return out;
    }
  }

  private record DiffRank(io.rlsearch.agents.nn.Mlp scorer, double temperature) implements Scorer {
    @Override
    public double[] scores(float[] head, float[][] rows) {
      float[] s = scorer.forwardBatch(Scorer.batch(head, rows), rows.length);
      double[] out = new double[rows.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = s[i];
      }
      return out;
    }
  }

  /** {@code schemaCandidate}: the schema's candidate features, the logged rows' columns. */
  private record SlatePolicy(PolicySnapshot policy, PolicyForm form, Inputs ctx, int[] cand, Scorer scorer,
      List<String> schemaCandidate) implements ServingPolicy {
    @Override
    public String agent() {
      return policy.agent();
    }

    @Override
    public List<String> contextFeatures() {
      return form.contextFeatures();
    }

    @Override
    public List<String> candidateFeatures() {
      return form.candidate();
    }

    @Override
    public Ranked rank(RankRequest r, NumpyRandom rng) {
      double[] x = ctx.read(r);
      float[] head = new float[x.length];
      for (int j = 0; j < x.length; j++) {
        head[j] = (float) x[j];
      }
      double[] s = scorer.scores(head, slateRows(r, cand));
      int n = s.length;
      int k = r.k();
      int[] greedyOrder = topK(s, k);
      double[] fin = s.clone();
      double propensity = 1.0;
      String of = "deterministic";
      if (scorer instanceof DiffRank d && d.temperature() > 0) {
        for (int i = 0; i < n; i++) {
          double u = Math.max(rng.random(), 1e-300);
          fin[i] += d.temperature() * -Math.log(-Math.log(u));
        }
        propensity = plackettLuce(s, d.temperature(), topK(fin, k));
        of = "ranking";
      } else if (scorer instanceof SlateQ q && q.epsilon() > 0) {
        boolean explore = rng.random() < q.epsilon();
        if (explore) {
          for (int i = 0; i < n; i++) {
            fin[i] += rng.standardNormal();
          }
        }
        propensity = explore ? q.epsilon() : 1 - q.epsilon();
        of = "exploration";
      }
      int[] order = topK(fin, k);
      double[] out = new double[order.length];
      for (int i = 0; i < order.length; i++) {
        out[i] = fin[order[i]];
      }
      // The log keeps the candidates as the request gave them (every schema feature, in its order, not the
      // z-scored rows the policy read), so another slate policy can be evaluated on the decision.
      LoggedDecision.Slate slate = new LoggedDecision.Slate(schemaCandidate, Arrays.asList(r.ids()),
          r.baseScores(), r.features(), order);
      return new Ranked(order, out, !Arrays.equals(order, greedyOrder), propensity, of,
          Decision.continuous(fin, propensity), x, java.util.Optional.of(slate));
    }
  }

  /**
   * The candidates' features as the slate environment gives them to its policies: each feature
   * z-scored across the request's candidates (population standard deviation plus 1e-6), in float32.
   * The world's candidate features are the raw boost features standardised by fixed affine maps, so
   * z-scoring them across the candidates gives the environment's rows (up to the 1e-6 guard).
   */
  public static float[][] slateRows(RankRequest r, int[] cand) {
    int n = r.size();
    float[][] rows = new float[n][cand.length];
    for (int j = 0; j < cand.length; j++) {
      double mean = 0;
      for (int i = 0; i < n; i++) {
        mean += r.feature(i, cand[j]);
      }
      mean /= n;
      double var = 0;
      for (int i = 0; i < n; i++) {
        double d = r.feature(i, cand[j]) - mean;
        var += d * d;
      }
      double std = Math.sqrt(var / n) + 1e-6;
      for (int i = 0; i < n; i++) {
        rows[i][j] = (float) ((r.feature(i, cand[j]) - mean) / std);
      }
    }
    return rows;
  }

  /**
   * The Plackett-Luce probability, with logits {@code s / t}, of drawing {@code order} (distinct
   * indices into {@code s}) as the first {@code order.length} places: {@code prod_m exp(s_(o_m) / t) /
   * sum_(i not in o_1..o_(m-1)) exp(s_i / t)}. Computed in log space (a suffix log-sum-exp), so long
   * rankings and wide scores stay exact; a probability below the smallest double is reported as
   * {@link Double#MIN_VALUE}.
   */
  public static double plackettLuce(double[] s, double t, int[] order) {
    if (!(t > 0)) {
      throw new IllegalArgumentException("the temperature must be > 0, got " + t);
    }
    boolean[] chosen = new boolean[s.length];
    for (int o : order) {
      if (chosen[o]) {
        throw new IllegalArgumentException("a ranking holds distinct candidates; " + o + " repeats");
      }
      chosen[o] = true;
    }
    double rest = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < s.length; i++) {
      if (!chosen[i]) {
        rest = logAddExp(rest, s[i] / t);
      }
    }
    double logP = 0;
    double suffix = rest;
    for (int m = order.length - 1; m >= 0; m--) {
      double a = s[order[m]] / t;
      suffix = logAddExp(suffix, a);
      logP += a - suffix;
    }
    double p = Math.exp(logP);
    return p > 0 ? Math.min(p, 1.0) : Double.MIN_VALUE;
  }

  private static double logAddExp(double a, double b) {
    if (a == Double.NEGATIVE_INFINITY) {
      return b;
    }
    if (b == Double.NEGATIVE_INFINITY) {
      return a;
    }
    double m = Math.max(a, b);
    return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
  }
}
