package io.rlsearch.eval.ope;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Which action-value model serves which trajectory: one model for all (fitted on the whole log), or
 * cross-fitted, where trajectory i is scored by a model fitted on the other folds only.
 *
 * <p>Cross-fitting (Chernozhukov et al., 2018, <a href="https://arxiv.org/abs/1608.00060">arXiv:1608.00060</a>)
 * keeps a trajectory's own noise out of the model that corrects it, so the per-trajectory terms of
 * DM, DR and SWITCH-DR are independent and their standard error tells the truth about their spread.
 * Folds are assigned by trajectory position ({@code i mod K}), so the split is deterministic.
 *
 * @param perTrajectory the model of each trajectory, by position in the log
 * @param description how the models were fitted, for reports
 */
public record ModelFit(List<ActionValueModel> perTrajectory, String description) {
  public ModelFit {
    perTrajectory = List.copyOf(perTrajectory);
  }

  /** Trajectory {@code i}'s model. */
  public ActionValueModel model(int i) {
    return perTrajectory.get(i);
  }

  /** One model for all {@code n} trajectories. */
  public static ModelFit single(ActionValueModel model, int n, String description) {
    List<ActionValueModel> m = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      m.add(model);
    }
    return new ModelFit(m, description);
  }

  /** K-fold cross-fitting of {@code fitter} over {@code data}. */
  public static ModelFit crossFitted(List<Trajectory> data, int folds, Function<List<Trajectory>, ActionValueModel> fitter,
      String description) {
    if (folds < 2 || folds > data.size()) {
      throw new IllegalArgumentException("cross-fitting needs 2 <= folds <= trajectories, got " + folds + " folds for "
          + data.size() + " trajectories");
    }
    ActionValueModel[] byFold = new ActionValueModel[folds];
    for (int k = 0; k < folds; k++) {
      List<Trajectory> train = new ArrayList<>();
      for (int i = 0; i < data.size(); i++) {
        if (i % folds != k) {
          train.add(data.get(i));
        }
      }
      byFold[k] = fitter.apply(train);
    }
    List<ActionValueModel> m = new ArrayList<>(data.size());
    for (int i = 0; i < data.size(); i++) {
      m.add(byFold[i % folds]);
    }
    return new ModelFit(m, description + ", cross-fitted over " + folds + " folds");
  }

  /** The models of a resample: entry j is the model of original trajectory {@code index[j]}. */
  ModelFit select(int[] index) {
    List<ActionValueModel> m = new ArrayList<>(index.length);
    for (int i : index) {
      m.add(perTrajectory.get(i));
    }
    return new ModelFit(m, description);
  }
}
