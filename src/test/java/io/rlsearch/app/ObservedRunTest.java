package io.rlsearch.app;

import io.rlsearch.api.PipelineRunner;
import io.rlsearch.api.RunConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.actors.RunObserver;
import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.bandit.LinUcb;
import io.rlsearch.api.metrics.Telemetry;
import io.rlsearch.core.Transition;
import io.rlsearch.testing.Runs;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** An observed run: the observer sees every transition once and the pipeline's health. */
class ObservedRunTest {
  @Test
  void theObserverSeesEveryTransitionAndThePipelinesHealth() {
    AtomicLong seen = new AtomicLong();
    AtomicLong health = new AtomicLong();
    AtomicLong lastConsumed = new AtomicLong();
    List<String> badHealth = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    Telemetry tel = new Telemetry("train", System::nanoTime);
    RunObserver o = new RunObserver() {
      @Override
      public void transitions(List<Transition> batch) {
        seen.addAndGet(batch.size());
        tel.transitions(batch);
      }

      @Override
      public void health(int replaySize, int replayCapacity, double meanBatch, long inFlight, long learnerConsumed) {
        health.incrementAndGet();
        // Checked on the test's thread after the run: an AssertionError thrown here, inside the
        // guardian actor, would not reach JUnit. inFlight is clamped at 0 by the guardian, so its
        // real bound is the other side: never more than the run produces, nor consumed more than that.
        if (!(replaySize <= replayCapacity && replayCapacity > 0 && meanBatch >= 0 && !Double.isNaN(meanBatch)
            && inFlight + learnerConsumed <= 15_000 && learnerConsumed >= lastConsumed.get())) {
          badHealth.add(replaySize + "/" + replayCapacity + " batch " + meanBatch + " in flight " + inFlight
              + " consumed " + learnerConsumed + " after " + lastConsumed.get());
        }
        lastConsumed.set(learnerConsumed);
        tel.health(replaySize, replayCapacity, meanBatch, inFlight, learnerConsumed);
      }
    };
    var spec = Runs.train(Runs.smallWorld(4), BanditAgents.linUcb(LinUcb.Settings.defaults()), 4, 15_000, 2, 0, 0,
        Optional.empty()).observed(o);
    PipelineRunner.Outcome out = PipelineRunner.run(spec, RunConfig.load(Optional.empty(), Optional.empty())
        .systemConfig(), false, "observed");
    assertEquals(0, out.report().lost());
    assertEquals(15_000, seen.get(), "every transition once");
    assertEquals(List.of(), badHealth, "health readings out of bounds");
    String text = tel.scrape();
    assertTrue(text.contains("rlsearch_transitions_produced_total{run=\"train\"} 15000"), text);
    if (out.wallSeconds() > 1.0) {
      assertTrue(health.get() >= 1, "health reported every 500 ms over " + out.wallSeconds() + " s");
      assertTrue(text.contains("rlsearch_replay_fill{run=\"train\"}"), text);
    }
  }
}
