package io.rlsearch.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.BanditAgents;
import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import io.rlsearch.api.metrics.Telemetry;
import io.rlsearch.learn.LearnerDevice;
import io.rlsearch.sim.SimSettings;
import io.rlsearch.sim.ZoosimConfig;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The battle's overlapped schedule (each agent through its seeds as soon as it can, beside CQL's offline
 * preparation, several seeds in flight) gives exactly the numbers of the sequential one (a seed at a time,
 * CQL prepared before any pipeline starts), and fails as it does.
 */
class BattleScheduleTest {
  private static final SimSettings SMALL = ZoosimConfig.fromString("catalog { n_products = 400 }");

  private static Battles.Request request(List<String> agents, List<Long> seeds, Optional<Telemetry> telemetry) {
    return new Battles.Request(SMALL, agents, seeds, 50, 10, 30, OptionalLong.of(7), false, 0.2, 20, Optional.empty(),
        Optional.empty(), LearnerDevice.CPU, telemetry);
  }

  private static final List<String> AGENTS = List.of("static", "random", "contq", "reinforce_baseline", "cql",
      "diffrank");

  /** The battle's JSON without its wall times (they measure the run, not its results). */
  @SuppressWarnings("unchecked")
  private static Object withoutWallTimes(Object o) {
    if (o instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        if (!e.getKey().equals("wall_s")) {
          out.put((String) e.getKey(), withoutWallTimes(e.getValue()));
        }
      }
      return out;
    }
    if (o instanceof List<?> l) {
      return l.stream().map(BattleScheduleTest::withoutWallTimes).toList();
    }
    return o;
  }

  /** Three seeds, the third waiting for the first; CQL, DJL-trained and slate agents. */
  @Test
  void theOverlappedScheduleGivesExactlyTheSequentialOnesResults() throws Exception {
    RunConfig topo = RunConfig.load(Optional.empty(), Optional.empty());
    List<Long> seeds = List.of(3L, 4L, 5L);
    Telemetry telemetry = new Telemetry("battle", System::nanoTime);
    Battles.Result seq = Battles.run(request(AGENTS, seeds, Optional.empty()), topo, System::nanoTime,
        Battles.Schedule.SEQUENTIAL);
    // Two seeds in flight (the default is more), so that the third seed waits for the first.
    Battles.Result ovl = Battles.run(request(AGENTS, seeds, Optional.of(telemetry)), topo, System::nanoTime,
        Battles.Schedule.OVERLAPPED, (n, seed, learner, task) -> Battles.agent(n, learner, task), 2);
    String a = Json.write(withoutWallTimes(Battles.toJson(seq)));
    String b = Json.write(withoutWallTimes(Battles.toJson(ovl)));
    assertEquals(a, b);
    // Per seed, in seed order: CQL's offline training and every agent's curve.
    Map<String, Object> j = Battles.toJson(ovl);
    List<?> cql = (List<?>) j.get("cql_training");
    assertEquals(3, cql.size());
    for (int i = 0; i < 3; i++) {
      assertEquals(seeds.get(i), ((Map<?, ?>) cql.get(i)).get("seed"));
    }
    for (var agent : ovl.study().agents()) {
      assertEquals(3, agent.curves().size(), agent.name());
    }
    // The live metrics saw every agent's every episode.
    String scrape = telemetry.scrape();
    for (String n : AGENTS) {
      Matcher m = Pattern.compile("(?m)^rlsearch_episodes_total\\{[^}]*agent=\"" + n + "\"[^}]*} ([0-9.E]+)$")
          .matcher(scrape);
      assertTrue(m.find(), n + " in " + scrape);
      assertEquals(3 * 50.0, Double.parseDouble(m.group(1)), 0.0, n);
    }
  }

  /**
   * The battle on its default schedule repeats, value for value (except in the last bits of what PyTorch
   * reports as it is, below), what an earlier build recorded (one
   * long-lived actor system per battle, CQL prepared beside the pipelines, seeds in flight): the same
   * request through the command line, {@code battle --config small.conf --agents
   * static,random,contq,reinforce_baseline,cql,diffrank --seeds 3,4,5 --episodes 50 --round 10
   * --eval-users 30 --world-seed 7 --cql-steps 20 --json} with {@code small.conf} holding
   * {@code catalog { n_products = 400 }}, run on the build before the schedule changed; wall times removed.
   */
  @Test
  void theDefaultScheduleRepeatsTheRecordedResults() throws Exception {
    RunConfig topo = RunConfig.load(Optional.empty(), Optional.empty());
    Battles.Result now = Battles.run(request(AGENTS, List.of(3L, 4L, 5L), Optional.empty()), topo, System::nanoTime);
    com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    Object recorded;
    try (java.io.InputStream in = BattleScheduleTest.class.getResourceAsStream("/battle/small-battle-results.json")) {
      recorded = mapper.readValue(in, Object.class);
    }
    Object current = mapper.readValue(Json.write(withoutWallTimes(Battles.toJson(now))), Object.class);
    assertSameResults(recorded, current, "");
  }

  /**
   * What PyTorch computes and the report shows as it is: CQL's last Bellman error and penalty, and its
   * direct-method estimate with the interval (an MLP reward model trained in the learner). PyTorch's CPU
   * kernels choose their code by the processor (its vector width among other things) and some sum in
   * another order there, so across processors these repeat only to their last bits (the recording and a
   * Xeon with 512-bit vectors differ by at most 1e-7 of the value); everything else, every agent's
   * numbers included, repeats exactly.
   */
  private static final Pattern PYTORCH_REPORTED =
      Pattern.compile("\\.cql_training\\[\\d+]\\.(bellman|penalty|ope\\.(estimate|ci_low|ci_high))");

  private static void assertSameResults(Object recorded, Object current, String path) {
    if (recorded instanceof Map<?, ?> a && current instanceof Map<?, ?> b) {
      assertEquals(a.keySet(), b.keySet(), path);
      for (Object k : a.keySet()) {
        assertSameResults(a.get(k), b.get(k), path + "." + k);
      }
    } else if (recorded instanceof List<?> a && current instanceof List<?> b) {
      assertEquals(a.size(), b.size(), path);
      for (int i = 0; i < a.size(); i++) {
        assertSameResults(a.get(i), b.get(i), path + "[" + i + "]");
      }
    } else if (PYTORCH_REPORTED.matcher(path).matches() && recorded instanceof Number r && current instanceof Number c) {
      assertEquals(r.doubleValue(), c.doubleValue(), 1e-6 * Math.abs(r.doubleValue()), path);
    } else {
      assertEquals(recorded, current, path);
    }
  }

  /** Linucb fails to build on the second seed only, while the other agents' pipelines are under way. */
  private static final Battles.AgentSource BROKEN_ON_SECOND_SEED = (name, seed, learner, task) -> {
    AgentBuilder b = Battles.agent(name, learner, task);
    if (!name.equals("linucb") || seed != 4) {
      return b;
    }
    return new AgentBuilder() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public UpdateRule create(int arms, int dim) {
        throw new IllegalStateException("linucb cannot be built on seed 4");
      }

      @Override
      public UpdateRule restore(PolicySnapshot snapshot) {
        return BanditAgents.random().restore(snapshot);
      }
    };
  };

  @Test
  void aFailureOnOneSeedFailsTheBattleWithTheSameOneLineOnEitherSchedule() {
    RunConfig topo = RunConfig.load(Optional.empty(), Optional.empty());
    Battles.Request req = request(List.of("static", "random", "linucb", "cql"), List.of(3L, 4L), Optional.empty());
    String[] messages = new String[2];
    for (Battles.Schedule s : Battles.Schedule.values()) {
      RuntimeException e = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> assertThrows(
          RuntimeException.class, () -> Battles.run(req, topo, System::nanoTime, s, BROKEN_ON_SECOND_SEED,
              Battles.SEEDS_IN_FLIGHT)));
      messages[s.ordinal()] = e.getClass().getName() + ": " + e.getMessage();
      assertTrue(e.getMessage().contains("linucb cannot be built on seed 4"), e.getMessage());
      assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
    assertEquals(messages[0], messages[1]);
  }
}
