package io.rlsearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.core.Action;
import io.rlsearch.core.SearchEnv;
import io.rlsearch.core.Step;
import io.rlsearch.sim.SearchSimulator;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The Java example of docs/library.md ("A first program"): it runs, and it is the code printed there. */
class ReadmeExampleTest {
  @Test
  void theReadmeExampleRuns() {
    // --- README example begins
    // A world and its single-step search env, from HOCON layered over the defaults.
    SimSettings settings = ZoosimConfig.fromString("seed = 7\ncatalog { n_products = 2000 }");
    SearchEnv env = new SearchSimulator(settings);
    env.reset();
    Step step = env.step(Action.zeros(env.actionDim()));   // 10 boost weights, all 0
    System.out.printf("reward %.3f, GMV %.3f%n", step.reward(), step.info().reward().gmv());

    // A training run on the actor runtime, with the embedded experiment and topology.
    RunConfig cfg = RunConfig.load(Optional.empty(), Optional.empty());
    Training.Result run = Training.run(cfg, Training.Request.of("linucb", 2_000));
    Map<String, Object> json = Training.toJson(run);   // what `train --json` prints
    System.out.println(json.get("mean") + ", lost " + run.report().lost());
    // --- README example ends
    assertTrue(Double.isFinite(step.reward()));
    assertFalse(run.failed());
    assertEquals(2000L, run.report().produced());
    assertEquals(0L, json.get("transitions_lost"));
  }

  @Test
  void thePageShowsThisCode() throws Exception {
    java.util.List<String> src = java.nio.file.Files.readAllLines(
        java.nio.file.Path.of("src/test/java/io/rlsearch/api/ReadmeExampleTest.java"));
    int b = src.indexOf("    // --- README example begins");
    int e = src.indexOf("    // --- README example ends");
    String code = String.join("\n", src.subList(b + 1, e).stream().map(l -> l.replaceFirst("^    ", "")).toList());
    String page = java.nio.file.Files.readString(java.nio.file.Path.of("docs/library.md"));
    int at = page.indexOf("## A first program");
    int open = page.indexOf("```java\n", at) + "```java\n".length();
    assertEquals(code, page.substring(open, page.indexOf("\n```", open)));
  }

  @Test
  void aSubscriberSeesEveryTransitionOfATrainingRun() {
    java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
    java.util.Set<Long> episodes = java.util.concurrent.ConcurrentHashMap.newKeySet();
    io.rlsearch.actors.RunObserver counter = batch -> {
      seen.addAndGet(batch.size());
      batch.forEach(t -> episodes.add(t.episode()));
    };
    RunConfig cfg = RunConfig.load(Optional.empty(), Optional.empty());
    Training.Result run = Training.run(cfg, Training.Request.of("ts", 500).withObserver(counter));
    assertFalse(run.failed());
    assertEquals(500, seen.get());
    assertEquals(500, episodes.size());
  }

  @Test
  void theAgentsAreListedByName() {
    java.util.List<String> all = Agents.all();
    for (String n : java.util.List.of("linucb", "ts", "contq", "ppo", "slateq", "cql", "neural_linear")) {
      assertTrue(all.contains(n), n);
    }
    BadRequestException e = org.junit.jupiter.api.Assertions.assertThrows(BadRequestException.class,
        () -> new Battles.Request(io.rlsearch.sim.SimSettings.defaults(), java.util.List.of("nosuch"),
            java.util.List.of(1L), 100, 1, 10, java.util.OptionalLong.empty(), false, 0.2, 10, Optional.empty(),
            Optional.empty(), io.rlsearch.learn.LearnerDevice.CPU, Optional.empty()));
    assertTrue(e.getMessage().startsWith("--agents: unknown agent 'nosuch'; available: static, random"), e.getMessage());
  }
}
