package io.rlsearch.serving;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import io.rlsearch.sim.SimSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a search service's requests carry and how their feedback is scored: the context features and
 * the candidate features the policies read, by name and in order; what happens when one is missing
 * (refused with a 400 naming it, or replaced by a stated default); the reward computed from feedback;
 * and the data plane's limits.
 *
 * <p>The default schema is the simulated world's: the 17 context features of the boost-weight task
 * (segment and query-type one-hots, the user's estimated price and private-label sensitivities, and
 * eight standardised aggregates of the top results by base score), then the four {@link #WORLD_EXTRAS}
 * (the true sensitivities and their Chapter-6 estimate), and the 10 boost features of a product, with
 * the world's reward weights. Every built-in and trained policy of the world serves under it.
 *
 * @param context the context features, in the order the policies read them
 * @param candidate the candidate features, in the order the policies read them
 * @param defaults features that may be missing, with the value used then (any other missing feature
 *     is refused)
 * @param reward how feedback becomes a reward
 * @param limits the data plane's limits
 */
public record ServingSchema(List<String> context, List<String> candidate, Map<String, Double> defaults,
    Reward reward, Limits limits) {

  /** The candidate features of the simulated world: a product's 10 boost features, standardised. */
  public static final List<String> WORLD_CANDIDATE = List.of("cm2", "discount", "private_label", "personalisation",
      "bestseller", "price", "litter_cm2", "discount_x_price_sensitivity", "private_label_x_affinity",
      "bestseller_x_specificity");

  /** The eight top-result aggregates closing the world's context, standardised. */
  public static final List<String> WORLD_AGGREGATES = List.of("top_price_mean", "top_price_std", "top_cm2_mean",
      "top_discount_mean", "top_private_label_share", "top_strategic_share", "top_bestseller_mean",
      "top_relevance_mean");

  /**
   * The simulated world's four context features that a policy of the boost-weight task does not read:
   * the user's true sensitivities (the oracle that the {@code rich} template bandits and the slate
   * agents were trained on) and the Chapter-6 estimate of them (the {@code rich_est} template
   * bandits'). The world schema carries them so that every policy trained on the world serves under
   * it; a real service configures a schema without them.
   */
  public static final List<String> WORLD_EXTRAS = List.of("true_price_sensitivity", "true_private_label_affinity",
      "ch06_price_sensitivity", "ch06_private_label_affinity");

  public ServingSchema {
    context = List.copyOf(context);
    candidate = List.copyOf(candidate);
    defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
    Objects.requireNonNull(reward, "reward");
    Objects.requireNonNull(limits, "limits");
    if (candidate.isEmpty()) {
      throw new IllegalArgumentException("serving.schema.candidate: a schema needs at least one candidate feature");
    }
    unique("serving.schema.context", context);
    unique("serving.schema.candidate", candidate);
    for (Map.Entry<String, Double> e : defaults.entrySet()) {
      if (!context.contains(e.getKey()) && !candidate.contains(e.getKey())) {
        throw new IllegalArgumentException("serving.schema.defaults: '" + e.getKey() + "' is not a context or"
            + " candidate feature of the schema");
      }
      if (e.getValue() == null || !Double.isFinite(e.getValue())) {
        throw new IllegalArgumentException("serving.schema.defaults." + e.getKey() + " must be a finite number, got "
            + e.getValue());
      }
    }
  }

  private static void unique(String where, List<String> names) {
    Set<String> seen = new HashSet<>();
    for (String n : names) {
      if (n == null || n.isBlank()) {
        throw new IllegalArgumentException(where + ": a feature name is empty");
      }
      if (!seen.add(n)) {
        throw new IllegalArgumentException(where + ": '" + n + "' appears twice");
      }
    }
  }

  /**
   * How feedback becomes a reward: {@code gmv * sum(price) + cm2 * sum(margin) + strategic * (strategic
   * purchases) + clicks * (clicks)}; an explicit reward in the feedback is taken as it is.
   *
   * @param name what the reward is called (gmv, cm2 or strategic for the world's mix)
   * @param gmv weight of the purchases' prices
   * @param cm2 weight of the purchases' margins
   * @param strategic weight of each strategic purchase
   * @param clicks weight of each click
   */
  public record Reward(String name, double gmv, double cm2, double strategic, double clicks) {
    public Reward {
      Objects.requireNonNull(name, "name");
      for (double w : new double[] {gmv, cm2, strategic, clicks}) {
        if (!Double.isFinite(w)) {
          throw new IllegalArgumentException("serving.schema.reward: weights must be finite, got " + w);
        }
      }
    }

    /** GMV: the sum of the purchases' prices. */
    public static Reward gmvOnly() {
      return new Reward("gmv", 1, 0, 0, 0);
    }

    /** CM2: the sum of the purchases' margins. */
    public static Reward cm2Only() {
      return new Reward("cm2", 0, 1, 0, 0);
    }

    /** The world's mix of GMV, CM2, strategic purchases and clicks. */
    public static Reward of(SimSettings.Reward w) {
      return new Reward("strategic", w.alphaGmv(), w.betaCm2(), w.gammaStrat(), w.deltaClicks());
    }

    /** The reward of {@code clicks} clicks and purchases of total price {@code gmv}, margin {@code cm2}. */
    public double of(double gmvSum, double cm2Sum, int strategicPurchases, int clickCount) {
      return gmv * gmvSum + cm2 * cm2Sum + strategic * strategicPurchases + clicks * clickCount;
    }
  }

  /**
   * The data plane's limits.
   *
   * @param maxCandidates most candidates in a request (more: 413)
   * @param maxBodyBytes largest request body (larger: 413)
   * @param feedbackWindow how long a decision waits for its feedback
   * @param openDecisions most decisions waiting for feedback; beyond, the oldest expires (counted)
   */
  public record Limits(int maxCandidates, long maxBodyBytes, Duration feedbackWindow, int openDecisions) {
    public Limits {
      if (maxCandidates < 1 || maxCandidates > 100_000) {
        throw new IllegalArgumentException("serving.max_candidates must be in 1..100000, got " + maxCandidates);
      }
      if (maxBodyBytes < 1024) {
        throw new IllegalArgumentException("serving.max_body must be at least 1 KiB, got " + maxBodyBytes);
      }
      Objects.requireNonNull(feedbackWindow, "feedbackWindow");
      if (feedbackWindow.isNegative() || feedbackWindow.isZero()) {
        throw new IllegalArgumentException("serving.feedback_window must be > 0, got " + feedbackWindow);
      }
      if (openDecisions < 1) {
        throw new IllegalArgumentException("serving.open_decisions must be >= 1, got " + openDecisions);
      }
    }

    /** 1,000 candidates, 4 MiB bodies, 30 minutes, 100,000 open decisions. */
    public static Limits defaults() {
      return new Limits(1000, 4L << 20, Duration.ofMinutes(30), 100_000);
    }
  }

  /** The simulated world's schema (see the class comment). */
  public static ServingSchema world(SimSettings s) {
    List<String> ctx = new ArrayList<>();
    for (String seg : s.users().segments()) {
      ctx.add("segment_" + seg);
    }
    for (String q : s.queries().queryTypes()) {
      ctx.add("query_" + q);
    }
    ctx.add("price_sensitivity");
    ctx.add("private_label_affinity");
    ctx.addAll(WORLD_AGGREGATES);
    ctx.addAll(WORLD_EXTRAS);
    return new ServingSchema(ctx, WORLD_CANDIDATE, Map.of(), Reward.of(s.reward()), Limits.defaults());
  }

  /**
   * The schema of {@code c}'s {@code serving} section over {@code base} (the world's): {@code
   * serving.schema.context} and {@code candidate} (lists of names), {@code serving.schema.defaults}
   * (name = value for the features that may be missing), {@code serving.schema.reward} (gmv, cm2,
   * strategic, or an object of weights gmv, cm2, strategic, clicks), {@code serving.max_candidates},
   * {@code serving.max_body} (bytes), {@code serving.feedback_window} (a duration),
   * {@code serving.open_decisions}. What is absent keeps the base's value.
   *
   * @throws IllegalArgumentException one line naming the key and what it accepts
   */
  public static ServingSchema fromConfig(Config c, ServingSchema base) {
    if (!c.hasPath("serving")) {
      return base;
    }
    try {
      Config s = c.getConfig("serving");
      List<String> ctx = base.context;
      List<String> cand = base.candidate;
      Map<String, Double> defaults = new LinkedHashMap<>(base.defaults);
      Reward reward = base.reward;
      if (s.hasPath("schema")) {
        Config sc = s.getConfig("schema");
        for (String k : sc.root().keySet()) {
          if (!Set.of("context", "candidate", "defaults", "reward").contains(k)) {
            throw new IllegalArgumentException("serving.schema." + k + " is not a key; accepted: context, candidate,"
                + " defaults, reward");
          }
        }
        if (sc.hasPath("context")) {
          ctx = sc.getStringList("context");
        }
        if (sc.hasPath("candidate")) {
          cand = sc.getStringList("candidate");
        }
        if (sc.hasPath("defaults")) {
          defaults.clear();
          Config d = sc.getConfig("defaults");
          for (String k : d.root().keySet()) {
            defaults.put(k, d.getDouble("\"" + k + "\""));
          }
        }
        if (sc.hasPath("reward")) {
          reward = reward(sc, base.reward);
        }
      }
      Limits l = base.limits;
      for (String k : s.root().keySet()) {
        if (!Set.of("schema", "max_candidates", "max_body", "feedback_window", "open_decisions", "learn")
            .contains(k)) {
          throw new IllegalArgumentException("serving." + k + " is not a key; accepted: schema, max_candidates,"
              + " max_body, feedback_window, open_decisions, learn");
        }
      }
      l = new Limits(s.hasPath("max_candidates") ? s.getInt("max_candidates") : l.maxCandidates(),
          s.hasPath("max_body") ? s.getBytes("max_body") : l.maxBodyBytes(),
          s.hasPath("feedback_window") ? s.getDuration("feedback_window") : l.feedbackWindow(),
          s.hasPath("open_decisions") ? s.getInt("open_decisions") : l.openDecisions());
      return new ServingSchema(ctx, cand, defaults, reward, l);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("serving: " + e.getMessage());
    }
  }

  private static Reward reward(Config sc, Reward base) {
    if (sc.getValue("reward").valueType() == ConfigValueType.STRING) {
      return switch (sc.getString("reward")) {
        case "gmv" -> Reward.gmvOnly();
        case "cm2" -> Reward.cm2Only();
        case "strategic" -> new Reward("strategic", base.gmv(), base.cm2(), base.strategic(), base.clicks());
        default -> throw new IllegalArgumentException("serving.schema.reward must be gmv, cm2, strategic or an"
            + " object of weights {gmv, cm2, strategic, clicks}; got '" + sc.getString("reward") + "'");
      };
    }
    Config r = sc.getConfig("reward");
    for (String k : r.root().keySet()) {
      if (!Set.of("gmv", "cm2", "strategic", "clicks").contains(k)) {
        throw new IllegalArgumentException("serving.schema.reward." + k + " is not a weight; accepted: gmv, cm2,"
            + " strategic, clicks");
      }
    }
    return new Reward("custom", r.hasPath("gmv") ? r.getDouble("gmv") : 0, r.hasPath("cm2") ? r.getDouble("cm2") : 0,
        r.hasPath("strategic") ? r.getDouble("strategic") : 0, r.hasPath("clicks") ? r.getDouble("clicks") : 0);
  }

  /** Whether a policy reading {@code ctx} and {@code cand} reads exactly this schema's features. */
  public boolean reads(List<String> ctx, List<String> cand) {
    return context.equals(ctx) && candidate.equals(cand);
  }

  /** The schema as {@code GET /v1/schema} returns it. */
  public Map<String, Object> view() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("context", context);
    m.put("candidate", candidate);
    m.put("defaults", defaults);
    m.put("missing", defaults.isEmpty() ? "refuse" : "refuse unless a default is given");
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("name", reward.name());
    r.put("gmv", reward.gmv());
    r.put("cm2", reward.cm2());
    r.put("strategic", reward.strategic());
    r.put("clicks", reward.clicks());
    m.put("reward", r);
    Map<String, Object> lim = new LinkedHashMap<>();
    lim.put("max_candidates", limits.maxCandidates());
    lim.put("max_body", limits.maxBodyBytes());
    lim.put("feedback_window_seconds", limits.feedbackWindow().toSeconds());
    lim.put("open_decisions", limits.openDecisions());
    m.put("limits", lim);
    return m;
  }
}
