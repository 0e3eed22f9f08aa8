package io.rlsearch.serving;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.experiments.Task;
import io.rlsearch.experiments.TemplateBandits;
import io.rlsearch.sim.ContextFeatures;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.Templates;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a trained policy reads, by name, and how its decision ranks candidates: the form a policy has
 * because of the task it was trained on.
 *
 * <p>A context input is a feature name, or a constant the serving adapter fills itself, written
 * {@code =V}: the Chapter-6 contexts' bias ({@code =1}), the slate environment's one-hot slots that
 * its {@code slate_context_onehots_zero} quirk always leaves at zero ({@code =0}). Feature names
 * whose meaning differs from the world schema's features carry their own names, so that binding such
 * a policy to a schema without them is refused rather than fed the wrong numbers:
 * {@code true_price_sensitivity} and {@code true_private_label_affinity} are the user's sensitivities
 * themselves (the world schema's {@code price_sensitivity} and {@code private_label_affinity} are the
 * boost-weight task's estimate {@code clip(round(1.4 theta) / 2, -3, 3)});
 * {@code ch06_price_sensitivity} and {@code ch06_private_label_affinity} are the Chapter-6 estimate
 * {@code clip(round(4 x 0.9 (0.6 theta + 0.4 segment mean)) / 4, -3.5, 3.5)}.
 *
 * @param kind how the decision ranks
 * @param context the context inputs, in the policy's order
 * @param candidate the candidate features it reads, in its order
 * @param aMax the action box of a continuous boost-weight action (clipped to it)
 * @param arms for {@link Kind#BOOST}, the weight vector (over {@code candidate}) of each arm a discrete
 *     policy picks (empty for a continuous one)
 */
public record PolicyForm(Kind kind, List<String> context, List<String> candidate, double aMax, List<double[]> arms) {
  /** How a decision ranks. */
  public enum Kind {
    /**
     * Boost weights: candidate {@code i} scores {@code base_score_i + sum_j w_j f_ij}, with {@code w}
     * the continuous action or the chosen arm's weight vector.
     */
    BOOST,
    /**
     * A per-candidate scorer (the slate agents): each candidate's features, z-scored across the
     * request's candidates, are scored with the context; the base score is not added.
     */
    SLATE
  }

  /** The user's sensitivities themselves (the oracle the rich and slate contexts carry). */
  public static final List<String> TRUE_SENSITIVITIES = List.of("true_price_sensitivity",
      "true_private_label_affinity");

  /** The Chapter-6 estimate of the user's sensitivities (the template bandits' rich_est context). */
  public static final List<String> CH06_SENSITIVITIES = List.of("ch06_price_sensitivity",
      "ch06_private_label_affinity");

  /** The candidate features the Chapter-6 templates boost (see {@link #templateArms}). */
  public static final List<String> TEMPLATE_CANDIDATE = List.of("cm2", "discount", "private_label", "bestseller",
      "price", "litter_cm2");

  private static final ObjectMapper JSON = new ObjectMapper();

  public PolicyForm {
    Objects.requireNonNull(kind, "kind");
    context = List.copyOf(context);
    candidate = List.copyOf(candidate);
    arms = arms.stream().map(double[]::clone).toList();
    if (!(aMax > 0)) {
      throw new IllegalArgumentException("a_max must be > 0, got " + aMax);
    }
    if (candidate.isEmpty()) {
      throw new IllegalArgumentException("a policy reads at least one candidate feature");
    }
    for (String c : context) {
      if (isConstant(c)) {
        constant(c);
      }
    }
    for (double[] a : arms) {
      if (a.length != candidate.size()) {
        throw new IllegalArgumentException("an arm's weight vector needs " + candidate.size() + " values, got "
            + a.length);
      }
    }
    if (kind == Kind.SLATE && !arms.isEmpty()) {
      throw new IllegalArgumentException("a slate policy has no arms");
    }
  }

  @Override
  public List<double[]> arms() {
    return arms.stream().map(double[]::clone).toList();
  }

  /** Whether context input {@code name} is a constant ({@code =V}). */
  public static boolean isConstant(String name) {
    return name.startsWith("=");
  }

  /** The value of constant input {@code name} ({@code =V}). */
  public static double constant(String name) {
    try {
      double v = Double.parseDouble(name.substring(1));
      if (Double.isFinite(v)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException("a constant context input is written =V with V a finite number, got '" + name
        + "'");
  }

  /** The named context features it reads (its constants left out), in its order. */
  public List<String> contextFeatures() {
    return context.stream().filter(c -> !isConstant(c)).toList();
  }

  /** This form with other names (as a checkpoint records them); the counts must match. */
  public PolicyForm withNames(List<String> ctx, List<String> cand) {
    if (ctx.size() != context.size() || cand.size() != candidate.size()) {
      throw new IllegalArgumentException("the recorded features (" + ctx.size() + " context, " + cand.size()
          + " candidate) do not fit the policy's task (" + context.size() + " context, " + candidate.size()
          + " candidate)");
    }
    return new PolicyForm(kind, ctx, cand, aMax, arms);
  }

  /** The segment and query-type one-hots' names, as the world schema has them. */
  public static List<String> oneHots(SimSettings s) {
    List<String> out = new ArrayList<>();
    for (String seg : s.users().segments()) {
      out.add("segment_" + seg);
    }
    for (String q : s.queries().queryTypes()) {
      out.add("query_" + q);
    }
    return out;
  }

  /** The boost-weight task's context of {@code mode} (the zoosim features), by name. */
  public static List<String> weightContext(ContextFeatures.Mode mode, SimSettings s) {
    return switch (mode) {
      case SIMPLE -> oneHotsAnd(s, null);
      case RICH -> oneHotsAnd(s, TRUE_SENSITIVITIES);
      case RICH_EST -> oneHotsAnd(s, List.of("price_sensitivity", "private_label_affinity"));
    };
  }

  /** The template task's Chapter-6 context of {@code mode}, by name: bias last. */
  public static List<String> templateContext(TemplateBandits.FeatureMode mode, SimSettings s) {
    List<String> out = switch (mode) {
      case SIMPLE -> oneHotsAnd(s, null);
      case RICH -> oneHotsAnd(s, TRUE_SENSITIVITIES);
      case RICH_EST -> oneHotsAnd(s, CH06_SENSITIVITIES);
    };
    out.add("=1");
    return out;
  }

  /** The one-hots, then (unless {@code sensitivities} is null) the two sensitivities and the 8 aggregates. */
  private static List<String> oneHotsAnd(SimSettings s, List<String> sensitivities) {
    List<String> out = new ArrayList<>(oneHots(s));
    if (sensitivities != null) {
      out.addAll(sensitivities);
      out.addAll(ServingSchema.WORLD_AGGREGATES);
    }
    return out;
  }

  /**
   * The slate task's context head, by name: with the {@code slate_context_onehots_zero} quirk (on by
   * default) six slots always 0, then the user's true sensitivities; without it the segment and
   * query-type one-hots, then the true sensitivities.
   */
  public static List<String> slateContext(SimSettings s) {
    List<String> out = new ArrayList<>();
    if (s.quirks().slateContextOnehotsZero()) {
      for (int i = 0; i < 6; i++) {
        out.add("=0");
      }
    } else {
      out.addAll(oneHots(s));
    }
    out.addAll(TRUE_SENSITIVITIES);
    return out;
  }

  /**
   * The eight Chapter-6 templates (in {@link Templates#NAMES} order) as boost vectors over
   * {@link #TEMPLATE_CANDIDATE}: Neutral 0; Positive CM2 +3 on cm2; Private Label +3 on private_label;
   * Popular +3 on bestseller; Premium +3 on price; Budget -3 on price; Discount +3 on discount;
   * Strategic +3 on litter_cm2 (the world's strategic category is litter, and litter_cm2 is the one
   * candidate feature that singles it out). In the simulator a template adds a fixed boost to the
   * products past a threshold; served, it weighs the standardised feature, as the battle's templates.
   */
  public static List<double[]> templateArms() {
    int[][] axes = {{}, {0, 1}, {2, 1}, {3, 1}, {4, 1}, {4, -1}, {1, 1}, {5, 1}};
    if (axes.length != Templates.NAMES.size()) {
      throw new IllegalStateException("one vector per template");
    }
    List<double[]> arms = new ArrayList<>();
    for (int[] ax : axes) {
      double[] w = new double[TEMPLATE_CANDIDATE.size()];
      if (ax.length > 0) {
        w[ax[0]] = 3.0 * ax[1];
      }
      arms.add(w);
    }
    return arms;
  }

  /**
   * The form of a policy trained on {@code task} in a world of settings {@code s}: the boost-weight
   * task's zoosim context and the 10 boost features (its arms for a discrete agent); the template
   * task's Chapter-6 context with its bias and the templates as boost vectors; the slate task's
   * context head and the 10 boost features.
   */
  public static PolicyForm of(Task task, SimSettings s) {
    if (task instanceof Task.BoostWeights bw) {
      return new PolicyForm(Kind.BOOST, weightContext(bw.features(), s), ServingSchema.WORLD_CANDIDATE, bw.aMax(),
          bw.armWeights());
    }
    if (task instanceof Task.BoostTemplates t) {
      return new PolicyForm(Kind.BOOST, templateContext(t.features(), s), TEMPLATE_CANDIDATE, 3.0, templateArms());
    }
    Task.Slate sl = (Task.Slate) task;
    if (sl.itemDim() != ServingSchema.WORLD_CANDIDATE.size()) {
      throw new IllegalArgumentException("a slate task of the world has " + ServingSchema.WORLD_CANDIDATE.size()
          + " item features, got " + sl.itemDim());
    }
    return new PolicyForm(Kind.SLATE, slateContext(s), ServingSchema.WORLD_CANDIDATE, 3.0, List.of());
  }

  /** Names as a checkpoint's config records them: a JSON array of strings. */
  public static String encode(List<String> names) {
    try {
      return JSON.writeValueAsString(names);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a list of strings is JSON", e);
    }
  }

  /**
   * Names recorded by {@link #encode}.
   *
   * @throws IllegalArgumentException one line, for a value that is not a JSON array of strings
   */
  public static List<String> decode(String recorded) {
    JsonNode n;
    try {
      n = JSON.readTree(recorded);
    } catch (JsonProcessingException e) {
      n = null;
    }
    if (n == null || !n.isArray()) {
      throw new IllegalArgumentException("recorded feature names must be a JSON array of strings, got '"
          + oneLine(recorded) + "'");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : n) {
      if (!e.isTextual() || e.asText().isEmpty()) {
        throw new IllegalArgumentException("recorded feature names must be non-empty strings, got " + oneLine(
            e.toString()));
      }
      out.add(e.asText());
    }
    return out;
  }

  private static String oneLine(String s) {
    String t = s.replaceAll("\\s+", " ");
    return t.length() > 80 ? t.substring(0, 80) + "..." : t;
  }
}
