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
