package io.rlsearch.experiments;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rlsearch.core.RewardBreakdown;
import io.rlsearch.core.random.NumpyRandom;
import io.rlsearch.serving.Feedback;
import io.rlsearch.serving.RankRequest;
import io.rlsearch.serving.ServingSchema;
import io.rlsearch.sim.Behavior;
import io.rlsearch.sim.Catalog;
import io.rlsearch.sim.ContextFeatures;
import io.rlsearch.sim.EpisodeScorer;
import io.rlsearch.sim.Query;
import io.rlsearch.sim.RewardFunction;
import io.rlsearch.sim.SessionOutcome;
import io.rlsearch.sim.User;
import io.rlsearch.sim.World;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * The simulated world as a search service: request {@code i} under a seed is what a search service
 * would send the ranking API for the world's user {@code i}, and what that user then did with the
 * ranking it got back is the feedback the service would report. No HTTP, deterministic.
 *
 * <p>Request {@code i} draws its user and query from the population's stream of user {@code i}
 * ({@link Population#firstSession}) and its base scores from that user's first session stream
 * ({@link RunStreams#session}), as the simulated serving path does; the candidates are the top
 * {@code candidates} products by base score, each with the 10 boost features of
 * {@link EpisodeScorer#featureRow} under the world schema's names; the context is the 17 features of
 * {@link ContextFeatures#richEstimated} ({@link ServingSchema#world}). The user then browses the
 * returned ranking with the world's behaviour model, on the same session stream, and the simulator
 * judges: {@link Outcome#reward} is the world's reward of what the user did, whatever the server
 * computes from the feedback.
 */
public final class SimulatedRequests {
  /** Candidates per request unless told otherwise. */
  public static final int DEFAULT_CANDIDATES = 100;

  private final World world;
  private final RunStreams streams;
  private final int candidates;
  private final int k;
  private final ServingSchema schema;
  private final EpisodeScorer scorer;
  private final ContextFeatures contexts;
  private final Behavior behavior;
  private final RewardFunction rewardFn;

  /**
   * Requests on {@code world} under {@code seed}, each with the top {@code candidates} products by base
   * score and asking for the best {@code k} (at most {@code candidates}).
   */
  public SimulatedRequests(World world, long seed, int candidates, int k) {
    this.world = Objects.requireNonNull(world, "world");
    if (candidates < 1 || candidates > world.catalog().size()) {
      throw new IllegalArgumentException("candidates must be in 1.." + world.catalog().size() + " (the catalog),"
          + " got " + candidates);
    }
    if (k < 1 || k > candidates) {
      throw new IllegalArgumentException("k must be in 1.." + candidates + " (the candidates), got " + k);
    }
    this.streams = new RunStreams(seed);
    this.candidates = candidates;
    this.k = k;
    this.schema = ServingSchema.world(world.settings());
    this.scorer = new EpisodeScorer(world, world.settings().topK());
    this.contexts = new ContextFeatures(world);
    this.behavior = new Behavior(world);
    this.rewardFn = new RewardFunction(world);
  }

  /** Requests with {@link #DEFAULT_CANDIDATES} candidates, asking for the world's top k (the positions a user browses). */
  public SimulatedRequests(World world, long seed) {
    this(world, seed, Math.min(DEFAULT_CANDIDATES, world.catalog().size()),
        Math.min(world.settings().topK(), Math.min(DEFAULT_CANDIDATES, world.catalog().size())));
  }

  /** The schema the requests follow: the world's. */
  public ServingSchema schema() {
    return schema;
  }

  /** Candidates per request. */
  public int candidates() {
    return candidates;
  }

  /** The {@code k} each request asks for. */
  public int k() {
    return k;
  }

  /** The request id of request {@code i}. */
  public static String requestId(long i) {
    return "sim-" + i;
  }

  /** The user key of request {@code i} (its simulated user). */
  public static String userKey(long i) {
    return "sim-user-" + i;
  }

  /**
   * Request {@code i}: its user, query, base scores, context and candidates. Holds this object's
   * scratch while it is built: one thread at a time (the sessions it returns are independent).
   */
  public synchronized Session session(long i) {
    if (i < 0 || i > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("request index must be in 0.." + Integer.MAX_VALUE + ", got " + i);
    }
    Population.Arrival a = Population.firstSession(world, streams, i);
    NumpyRandom rng = streams.session(a.user(), a.session());
    scorer.drawBase(a.profile(), a.query(), rng);
    double[] est = contexts.richEstimated(a.profile(), a.query(), scorer);
    // then the world schema's extras: the true sensitivities and their Chapter-6 estimate
    double[] ch06 = contexts.ch06RichEstimated(a.profile(), a.query(), scorer);
    int head = est.length - 10;
    double[] x = java.util.Arrays.copyOf(est, est.length + 4);
    x[est.length] = a.profile().thetaPrice();
    x[est.length + 1] = a.profile().thetaPl();
    x[est.length + 2] = ch06[head];
    x[est.length + 3] = ch06[head + 1];
    int[] top = scorer.baseline(candidates);
    double[] base = new double[top.length];
    double[] cos = new double[top.length];
    double[][] feats = new double[top.length][10];
    for (int j = 0; j < top.length; j++) {
      base[j] = scorer.base(top[j]);
      cos[j] = scorer.semantic(top[j]);
      scorer.featureRow(a.profile(), a.query(), top[j], feats[j]);
    }
    return new Session(i, a.profile(), a.query(), x, top, base, cos, feats, rng);
  }

  /**
   * What the simulated user did with a ranking, and what the simulator makes of it.
   *
   * @param clicks the clicked candidate ids, in ranking order
   * @param purchases the purchases (price, margin = the product's CM2, whether it is strategic)
   * @param reward the world's reward of the session (the judge's)
   * @param breakdown its parts: GMV, CM2, strategic purchases, clicks
   * @param satisfaction the user's final satisfaction
   */
  public record Outcome(List<String> clicks, List<Feedback.Purchase> purchases, double reward,
      RewardBreakdown breakdown, double satisfaction) {
    public Outcome {
      clicks = List.copyOf(clicks);
      purchases = List.copyOf(purchases);
    }

    /** The feedback a search service sends for decision {@code decisionId}. */
    public Feedback feedback(String decisionId) {
      return new Feedback(decisionId, clicks, purchases, OptionalDouble.empty());
    }
  }

  private static double[] pick(List<String> want, List<String> have, double[] values, ServingSchema target,
      String kind) {
    double[] out = new double[want.size()];
    for (int j = 0; j < out.length; j++) {
      int at = have.indexOf(want.get(j));
      if (at >= 0) {
        out[j] = values[at];
      } else if (target.defaults().containsKey(want.get(j))) {
        out[j] = target.defaults().get(want.get(j));
      } else {
        throw new IllegalArgumentException("the simulated users cannot send the " + kind + " feature '" + want.get(j)
            + "': it is not one of the world's and the schema gives it no default");
      }
    }
    return out;
  }

  /** One simulated request, waiting for its ranking. */
  public final class Session {
    private final long index;
    private final User user;
    private final Query query;
    private final double[] context;
    private final int[] products;
    private final double[] base;
    private final double[] cosines;
    private final double[][] features;
    private final NumpyRandom rng;
    private final Map<String, Integer> byId;
    private boolean responded;

    private Session(long index, User user, Query query, double[] context, int[] products, double[] base,
        double[] cosines, double[][] features, NumpyRandom rng) {
      this.index = index;
      this.user = user;
      this.query = query;
      this.context = context;
      this.products = products;
      this.base = base;
      this.cosines = cosines;
      this.features = features;
      this.rng = rng;
      this.byId = new HashMap<>(products.length * 2);
      for (int j = 0; j < products.length; j++) {
        byId.put(Integer.toString(products[j]), j);
      }
    }

    /** The request's index. */
    public long index() {
      return index;
    }

    /** Its request id. */
    public String requestId() {
      return SimulatedRequests.requestId(index);
    }

    /** Its user key. */
    public String userKey() {
      return SimulatedRequests.userKey(index);
    }

    /** How many it asks for. */
    public int k() {
      return k;
    }

    /** The context features by the schema's names, in its order. */
    public Map<String, Double> context() {
      return named(schema.context(), context);
    }

    /** The candidates' ids (product ids), by base score, best first. */
    public List<String> ids() {
      List<String> out = new ArrayList<>(products.length);
      for (int p : products) {
        out.add(Integer.toString(p));
      }
      return out;
    }

    /** Candidate {@code j}'s base score. */
    public double baseScore(int j) {
      return base[j];
    }

    /** Candidate {@code j}'s features by the schema's names, in its order. */
    public Map<String, Double> features(int j) {
      return named(schema.candidate(), features[j]);
    }

    /** Candidates. */
    public int size() {
      return products.length;
    }

    /** The request as {@code POST /v1/rank} takes it. */
    public ObjectNode body() {
      ObjectNode b = JsonNodeFactory.instance.objectNode();
      b.put("request_id", requestId());
      b.put("user_key", userKey());
      ObjectNode ctx = b.putObject("context");
      context().forEach(ctx::put);
      ArrayNode cs = b.putArray("candidates");
      for (int j = 0; j < products.length; j++) {
        ObjectNode c = cs.addObject();
        c.put("id", Integer.toString(products[j]));
        c.put("base_score", base[j]);
        ObjectNode f = c.putObject("features");
        features(j).forEach(f::put);
      }
      b.put("k", k);
      return b;
    }

    /** The request under the world schema, as the data plane parses {@link #body()} (what an in-process ranking reads). */
    public RankRequest request() {
      return request(schema);
    }

    /**
     * The request under {@code target}, built without JSON: each of its features taken by name from
     * this request's (the world's), else its stated default. The same request as {@link #request()}
     * under the world schema.
     *
     * @throws IllegalArgumentException naming a feature of {@code target} that is neither the world's
     *     nor defaulted (the simulated users cannot send it)
     */
    public RankRequest request(ServingSchema target) {
      double[] ctx = pick(target.context(), schema.context(), context, target, "context");
      double[][] f = new double[products.length][];
      String[] ids = new String[products.length];
      for (int j = 0; j < products.length; j++) {
        f[j] = pick(target.candidate(), schema.candidate(), features[j], target, "candidate");
        ids[j] = Integer.toString(products[j]);
      }
      return new RankRequest(java.util.Optional.of(requestId()), java.util.Optional.of(userKey()), ctx, ids,
          base.clone(), f, Math.min(k, products.length));
    }

    /**
     * The user browses {@code ranking} (candidate ids, best first) with the world's behaviour model on
     * the session's stream; the simulator scores what it did. Once per session.
     *
     * @throws IllegalArgumentException if an id is not one of this request's candidates or repeats
     * @throws IllegalStateException on a second call
     */
    public synchronized Outcome respond(List<String> ranking) {
      if (responded) {
        throw new IllegalStateException("request " + requestId() + " already has its outcome");
      }
      if (ranking.isEmpty()) {
        throw new IllegalArgumentException("request " + requestId() + ": the ranking is empty");
      }
      Catalog cat = world.catalog();
      int[] order = new int[ranking.size()];
      double[] cos = new double[cat.size()];
      boolean[] seen = new boolean[products.length];
      for (int r = 0; r < order.length; r++) {
        Integer j = byId.get(ranking.get(r));
        if (j == null) {
          throw new IllegalArgumentException("request " + requestId() + ": the ranking holds '" + ranking.get(r)
              + "', not one of its candidates");
        }
        if (seen[j]) {
          throw new IllegalArgumentException("request " + requestId() + ": the ranking holds '" + ranking.get(r)
              + "' twice");
        }
        seen[j] = true;
        order[r] = products[j];
        cos[products[j]] = cosines[j];
      }
      responded = true;
      SessionOutcome out = behavior.simulate(user, query, order, cos, rng);
      RewardBreakdown parts = rewardFn.breakdown(order, out);
      int[] clicked = out.clicks();
      int[] bought = out.buys();
      List<String> clicks = new ArrayList<>();
      List<Feedback.Purchase> purchases = new ArrayList<>();
      for (int r = 0; r < clicked.length; r++) {
        if (clicked[r] != 0) {
          clicks.add(ranking.get(r));
        }
        if (bought[r] != 0) {
          int p = order[r];
          purchases.add(new Feedback.Purchase(ranking.get(r), cat.price(p), cat.cm2(p), cat.strategic(p)));
        }
      }
      return new Outcome(clicks, purchases, rewardFn.scalar(parts), parts, out.satisfaction());
    }
  }

  private static Map<String, Double> named(List<String> names, double[] values) {
    if (names.size() != values.length) {
      throw new IllegalStateException("the world schema names " + names.size() + " features; the world gives "
          + values.length);
    }
    Map<String, Double> m = new LinkedHashMap<>();
    for (int j = 0; j < values.length; j++) {
      m.put(names.get(j), values[j]);
    }
    return Collections.unmodifiableMap(m);
  }
}
