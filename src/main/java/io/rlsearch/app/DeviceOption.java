package io.rlsearch.app;

import io.rlsearch.api.RunConfig;
import io.rlsearch.learn.LearnerDevice;
import io.rlsearch.learn.SharedLearner;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --device auto|cpu|gpu} option of the commands that train networks. */
final class DeviceOption {
  @Option(names = "--device", paramLabel = "D",
      description = "Device of the shared learner's networks: auto (a GPU if PyTorch sees one), cpu or gpu"
          + " (refused without a GPU). Overrides the topology's rlsearch.learner.device (default auto).")
  String device;

  /** The device this option asks for, if it was given. */
  Optional<LearnerDevice> requested() {
    return device == null ? Optional.empty() : Optional.of(resolve(Optional.empty()));
  }

  /** The device: this option, else the topology's {@code rlsearch.learner.device}. */
  LearnerDevice resolve(Optional<RunConfig> topology) {
    if (device != null) {
      try {
        return LearnerDevice.parse(device);
      } catch (IllegalArgumentException e) {
        throw new Main.UsageException("--device: " + e.getMessage());
      }
    }
    return topology.map(RunConfig::learnerDevice).orElse(LearnerDevice.AUTO);
  }

  /** A shared learner on the resolved device. */
  SharedLearner learner(Optional<RunConfig> topology) {
    return new SharedLearner(resolve(topology));
  }

  /** A shared learner on the resolved device, with the default topology's setting. */
  SharedLearner learner() {
    return learner(Optional.empty());
  }
}
