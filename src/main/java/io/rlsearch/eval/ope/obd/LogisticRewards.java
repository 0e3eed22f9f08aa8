package io.rlsearch.eval.ope.obd;

/**
 * Cross-fitted logistic reward estimates: one model per (fold, position), each an intercept and
 * coefficients over the features {@code [context of the round, action context of the action]}.
 * Round {@code i} is predicted by the models of its own fold {@code foldOfRound[i]} (fitted on the
 * other folds), as the Open Bandit Pipeline's {@code RegressionModel.fit_predict} does.
 */
public final class LogisticRewards implements EstimatedRewards {
  private final double[][] intercept;
  private final double[][][] coef;
  private final double[][] context;
  private final double[][] actionContext;
  private final int[] foldOfRound;

  /**
   * @param intercept [fold][position]
   * @param coef [fold][position][feature], context features first, then action-context features
   * @param context [round][feature]
   * @param actionContext [action][feature]
   * @param foldOfRound the fold whose models predict each round
   */
  public LogisticRewards(double[][] intercept, double[][][] coef, double[][] context, double[][] actionContext,
      int[] foldOfRound) {
    if (foldOfRound.length != context.length) {
      throw new IllegalArgumentException(
          "fold assignment has " + foldOfRound.length + " rounds, context has " + context.length);
    }
    int width = context.length == 0 ? 0 : context[0].length;
    int actionWidth = actionContext.length == 0 ? 0 : actionContext[0].length;
    for (double[][] fold : coef) {
      for (double[] c : fold) {
        if (c.length != width + actionWidth) {
          throw new IllegalArgumentException("a model has " + c.length + " coefficients, the features are "
              + width + " context + " + actionWidth + " action-context columns");
        }
      }
    }
    this.intercept = intercept;
    this.coef = coef;
    this.context = context;
    this.actionContext = actionContext;
    this.foldOfRound = foldOfRound.clone();
  }

  /**
   * Fits the models as the Open Bandit Pipeline's {@code RegressionModel.fit_predict} does with a
   * logistic base model: for each fold k and position p, a {@link LogisticFit} with inverse
   * regularisation {@code c} on the rounds outside fold k logged at position p, features
   * {@code [context, actionContext[logged action]]}, label the reward.
   *
   * @param foldOfRound each round's fold, 0 to {@code folds - 1}
   * @throws IllegalArgumentException if the rounds outside a fold at a position are all clicked or
   *     none is: a logistic fit to one label has no finite optimum
   */
  public static LogisticRewards crossFit(double[][] context, double[][] actionContext, int[] actions,
      int[] positions, int[] rewards, int[] foldOfRound, int folds, int positionCount, double c) {
    int n = context.length;
    if (actions.length != n || positions.length != n || rewards.length != n || foldOfRound.length != n) {
      throw new IllegalArgumentException("context, actions, positions, rewards and folds must have the same length");
    }
    double[][] intercept = new double[folds][positionCount];
    double[][][] coef = new double[folds][positionCount][];
    for (int k = 0; k < folds; k++) {
      for (int p = 0; p < positionCount; p++) {
        java.util.List<double[]> x = new java.util.ArrayList<>();
        java.util.List<Integer> y = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
          if (foldOfRound[i] != k && positions[i] == p) {
            double[] a = actionContext[actions[i]];
            double[] row = java.util.Arrays.copyOf(context[i], context[i].length + a.length);
            System.arraycopy(a, 0, row, context[i].length, a.length);
            x.add(row);
            y.add(rewards[i]);
          }
        }
        if (x.isEmpty()) {
          throw new IllegalArgumentException("no training rounds outside fold " + k + " at position " + p);
        }
        int[] labels = y.stream().mapToInt(Integer::intValue).toArray();
        int clicked = 0;
        for (int label : labels) {
          clicked += label == 1 ? 1 : 0;
        }
        if (clicked == 0 || clicked == labels.length) {
          throw new IllegalArgumentException("the rounds outside fold " + k + " at position " + p + ": "
              + (clicked == 0 ? "none of " : "all ") + labels.length + " clicked; the logistic reward model needs "
              + "clicked and unclicked rounds");
        }
        LogisticFit fit = LogisticFit.fit(x.toArray(double[][]::new), labels, c);
        intercept[k][p] = fit.intercept();
        coef[k][p] = fit.coef();
      }
    }
    return new LogisticRewards(intercept, coef, context, actionContext, foldOfRound);
  }

  /** The intercept of the model for fold {@code fold} and position {@code position}. */
  public double intercept(int fold, int position) {
    return intercept[fold][position];
  }

  /** The coefficients of the model for fold {@code fold} and position {@code position}. */
  public double[] coef(int fold, int position) {
    return coef[fold][position].clone();
  }

  @Override
  public double at(int round, int action, int position) {
    int fold = foldOfRound[round];
    double[] c = coef[fold][position];
    double[] x = context[round];
    double[] y = actionContext[action];
    double z = intercept[fold][position];
    for (int j = 0; j < x.length; j++) {
      z += c[j] * x[j];
    }
    for (int j = 0; j < y.length; j++) {
      z += c[x.length + j] * y[j];
    }
    return 1.0 / (1.0 + Math.exp(-z));
  }
}
