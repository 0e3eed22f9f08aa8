package io.rlsearch.experiments;

import io.rlsearch.sim.ContextFeatures;
import io.rlsearch.sim.Templates;
import java.util.List;
import java.util.Objects;

/**
 * What an environment shard asks a policy to decide, and what the policy sees.
 *
 * <ul>
 *   <li>{@link BoostTemplates}: one of the 8 Chapter-6 boost templates, with the Chapter-6 script's
 *       context features (bias appended): the template bandits' task.
 *   <li>{@link BoostWeights}: a vector of 10 boost weights in {@code [-aMax, aMax]} (the Gym env's
 *       action), with the zoosim package's context features; a discrete agent picks one of
 *       {@code armWeights}: the Battle Royale's task.
 *   <li>{@link Slate}: one score per candidate for the top {@code candidates} products by base
 *       relevance (the slate env); the policy sees the 8-d context followed by the
 *       candidates' z-scored boost features, and the user browses the candidates in score order.
 * </ul>
 */
public sealed interface Task {
  /** Arms a discrete agent chooses from. */
  int arms();

  /** Dimension of a continuous action (0 when only arms exist). */
  int actionDim();

  /** A short description for reports. */
  String describe();

  /** The Chapter-6 boost templates. */
  record BoostTemplates(TemplateBandits.FeatureMode features) implements Task {
    public BoostTemplates {
      Objects.requireNonNull(features, "features");
    }

    @Override
    public int arms() {
      return Templates.NAMES.size();
    }

    @Override
    public int actionDim() {
      return 0;
    }

    @Override
    public String describe() {
      return "8 boost templates, " + features.cliName() + " features";
    }
  }

  /**
   * Boost weights.
   *
   * @param features the zoosim context features (simple 7-d, rich 17-d, rich_est 17-d)
   * @param aMax the action box
   * @param armWeights the weight vector of each arm, for discrete agents
   */
  record BoostWeights(ContextFeatures.Mode features, double aMax, List<double[]> armWeights) implements Task {
    public BoostWeights {
      Objects.requireNonNull(features, "features");
      if (!(aMax > 0)) {
        throw new IllegalArgumentException("a_max must be > 0, got " + aMax);
      }
      armWeights = armWeights.stream().map(double[]::clone).toList();
      for (double[] w : armWeights) {
        if (w.length != 10) {
          throw new IllegalArgumentException("arm weights need 10 values, got " + w.length);
        }
      }
    }

    @Override
    public List<double[]> armWeights() {
      return armWeights.stream().map(double[]::clone).toList();
    }

    @Override
    public int arms() {
      return armWeights.size();
    }

    @Override
    public int actionDim() {
      return 10;
    }

    @Override
    public String describe() {
      return "10 boost weights in [-" + aMax + ", " + aMax + "], " + features.name().toLowerCase(java.util.Locale.ROOT)
          + " features";
    }

    /**
     * The Battle Royale's task: rich-estimated 17-d observations, a_max 3.0, and, for the discrete
     * agents, the Chapter-6 templates carried over to boost weights on the standardised product
     * features: Neutral (all 0), Positive CM2 (+3 on cm2), Private Label (+3 on is_pl), Personal (+3 on
     * the user-product affinity, in place of Strategic, which has no boost feature), Popular (+3 on
     * bestseller), Premium (+3 on price), Budget (-3 on price), Discount (+3 on discount). The reference
     * gave its LinUCB four vectors (Neutral and +3 on cm2, discount or is_pl), which leave out the price
     * and affinity directions where much of this world's reward lies.
     */
    public static BoostWeights battleTemplates() {
      int[][] axes = {{}, {0, 1}, {2, 1}, {3, 1}, {4, 1}, {5, 1}, {5, -1}, {1, 1}};
      List<double[]> arms = new java.util.ArrayList<>();
      for (int[] ax : axes) {
        double[] w = new double[10];
        if (ax.length > 0) {
          w[ax[0]] = 3.0 * ax[1];
        }
        arms.add(w);
      }
      return new BoostWeights(ContextFeatures.Mode.RICH_EST, 3.0, arms);
    }

    /** Names of {@link #battleTemplates()}'s arms, in order. */
    public static final List<String> BATTLE_ARMS = List.of("Neutral", "Positive CM2", "Private Label", "Personal",
        "Popular", "Premium", "Budget", "Discount");

    /**
     * The reference's Battle Royale task: the same observations and box, and its LinUCB's four weight
     * templates: Neutral, "Revenue" (3 on cm2), "Conversion" (3 on discount), "OwnBrand" (3 on is_pl).
     * The serving path, pareto and the offline studies act on it.
     */
    public static BoostWeights battle() {
      double[] neutral = new double[10];
      double[] revenue = new double[10];
      revenue[0] = 3.0;
      double[] conversion = new double[10];
      conversion[1] = 3.0;
      double[] ownBrand = new double[10];
      ownBrand[2] = 3.0;
      return new BoostWeights(ContextFeatures.Mode.RICH_EST, 3.0, List.of(neutral, revenue, conversion, ownBrand));
    }
  }

  /**
   * Slates: score {@code candidates} candidates (the slate env's task).
   *
   * @param candidates candidates per session (the reference's 50)
   * @param itemDim features per candidate (the 10 boost features)
   */
  record Slate(int candidates, int itemDim) implements Task {
    public Slate {
      if (candidates < 2 || itemDim < 1) {
        throw new IllegalArgumentException("a slate task needs >= 2 candidates and >= 1 feature, got " + candidates
            + " and " + itemDim);
      }
    }

    /** The reference's slate env: 50 candidates of 10 features. */
    public static Slate reference() {
      return new Slate(50, 10);
    }

    @Override
    public int arms() {
      return 0;
    }

    @Override
    public int actionDim() {
      return candidates;
    }

    @Override
    public String describe() {
      return "scores for " + candidates + " candidates (" + itemDim + " features each), slate env context";
    }
  }
}
