package io.rlsearch.experiments.labs;

import java.util.List;
import java.util.Optional;

/** The labs, in the book's order. */
public final class Labs {
  private static final List<Lab> ALL = List.of(
      new OracleLab(),
      new ToyExercisesLab(),
      new RewardLab(),
      new ClickModelsLab(),
      new BaseScoresLab(),
      new BellmanLab(),
      new WorldLabs.GenerativeWorld(),
      new WorldLabs.Pipeline(),
      new TemplatesLab(),
      new BanditMatrixLab(),
      new LqrLab(),
      new PolicyAblationLab(),
      new DriftLab(),
      new RetentionLabs.Ranking(),
      new RetentionLabs.Curves(),
      new ValueStabilityLab(),
      new FairnessLab(),
      new NeuralLabs.Bandits(),
      new NeuralLabs.Calibration(),
      new NeuralLabs.DiscreteVsContinuous(),
      new NeuralLabs.Reinforce(),
      new NeuralLabs.BradleyTerry(),
      new NeuralLabs.Rlhf());

  private Labs() {}

  /** Every lab, by chapter (names start with the chapter). */
  public static List<Lab> all() {
    return ALL.stream().sorted(java.util.Comparator.comparing(Lab::name)).toList();
  }

  /** The lab called {@code name}. */
  public static Optional<Lab> find(String name) {
    return ALL.stream().filter(l -> l.name().equals(name)).findFirst();
  }
}
