package io.rlsearch.app;

import static io.rlsearch.app.Cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rlsearch.app.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract of templates, ope and drift: flags, JSON fields, exit codes. */
class StudyCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private Path smallWorld() throws Exception {
    Path f = dir.resolve("small.conf");
    Files.writeString(f, "catalog { n_products = 400 }\n");
    return f;
  }

  @Test
  void templatesJsonHasTheContractFields() throws Exception {
    Run r = run("templates", "--features", "rich_est", "--n-static", "20", "--n-bandit", "200", "--world-seed", "3",
        "--bandit-seed", "4", "--prior-weight", "5", "--lin-alpha", "0.2", "--ts-sigma", "0.5", "--popular-amplitude",
        "3.0", "--config", smallWorld().toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertEquals(8, j.get("static").size());
    for (String f : new String[] {"template", "reward", "gmv", "cm2", "orders"}) {
      assertTrue(j.get("static").get(0).has(f), f);
    }
    assertEquals("Neutral", j.get("static").get(0).get("template").asText());
    assertTrue(j.get("best_static").isTextual());
    for (String b : new String[] {"linucb", "ts"}) {
      for (String f : new String[] {"reward", "gmv", "cm2", "orders", "delta_gmv_pct", "selection_freq", "per_segment"}) {
        assertTrue(j.get(b).has(f), b + "." + f);
      }
      assertEquals(8, j.get(b).get("selection_freq").size());
      assertTrue(j.get(b).get("per_segment").fields().next().getValue().isNumber());
    }
    assertEquals(5, j.get("settings").get("prior_weight").asInt());
    assertEquals(3.0, j.get("settings").get("popular_amplitude").asDouble());
  }

  @Test
  void templatesRefusesBadValuesWithOneLine() {
    Run r = run("templates", "--features", "fancy");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("simple, rich, rich_est"), r.err());
    assertEquals(2, run("templates", "--ts-sigma", "0").code());
    assertEquals(2, run("templates", "--n-bandit", "0").code());
  }

  @Test
  void opeJsonHasTruthAndEveryEstimatorAndReadsItsLogBack() throws Exception {
    Path log = dir.resolve("decisions.jsonl");
    Run r = run("ope", "--behavior", "epsilon-greedy:eps=0.5,base=linucb,episodes=50", "--target",
        "template:name=Premium", "--episodes", "300", "--seed", "5", "--log", log.toString(), "--config",
        smallWorld().toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    for (String f : new String[] {"value", "ci_low", "ci_high"}) {
      assertTrue(j.get("truth").has(f), f);
    }
    for (String e : new String[] {"ips", "snips", "pdis", "dm", "dr", "switch_dr"}) {
      for (String f : new String[] {"estimate", "ci_low", "ci_high", "ess"}) {
        assertTrue(j.get("estimators").get(e).has(f), e + "." + f);
      }
    }
    assertEquals(300, j.get("decisions").get("evaluated").asInt());
    assertEquals(300, Files.readAllLines(log).size());
  }

  @Test
  void slateOpeJsonHasTheSameShapeWithTheRankingEstimators() throws Exception {
    Run r = run("ope", "--slate", "--episodes", "200", "--truth-episodes", "100", "--marginal-samples", "5", "--seed",
        "4", "--config", smallWorld().toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    assertTrue(j.get("settings").get("slate").asBoolean());
    assertEquals("pl:cm2=0.5,bestseller=1.0,t=1.0", j.get("settings").get("behavior").asText());
    for (String f : new String[] {"value", "ci_low", "ci_high"}) {
      assertTrue(j.get("truth").has(f), f);
      assertTrue(j.get("behavior_value").has(f), f);
    }
    for (String e : new String[] {"ips", "iips", "pi", "rips", "dm", "cascade_dr"}) {
      for (String f : new String[] {"estimate", "ci_low", "ci_high", "ess", "max_weight", "std_error",
          "error_vs_truth", "ci_covers_truth", "within_truth_ci"}) {
        assertTrue(j.get("estimators").get(e).has(f), e + "." + f);
      }
    }
    assertEquals(200, j.get("decisions").get("logged").asInt());
    Run bad = run("ope", "--slate", "--target", "pl:margin=1");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("unknown key 'margin'") && bad.err().contains("bestseller"), bad.err());
    assertEquals(2, run("ope", "--slate", "--behavior", "softmax:tau=1").code());
    assertEquals(2, run("ope", "--slate", "--target", "pl:t=0").code());
  }

  @Test
  void diversityJsonHasACurvePerAgent() throws Exception {
    Run r = run("diversity", "--agents", "slateq", "--episodes", "20", "--eval-episodes", "30", "--etas", "1",
        "--seed", "4", "--config", smallWorld().toString(), "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    JsonNode a = j.get("agents").get(0);
    assertEquals("slateq", a.get("agent").asText());
    assertEquals(2, a.get("points").size(), "eta 0 is added");
    for (String f : new String[] {"eta", "gmv", "reward", "diversity_at_5", "gmv_change_pct", "diversity_gain_pct"}) {
      assertTrue(a.get("points").get(1).has(f), f);
    }
    assertTrue(a.get("best_within_gmv_loss").has("target_met"));
    Run bad = run("diversity", "--agents", "ppo");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("accepted: slateq, diffrank"), bad.err());
  }

  @Test
  void opeRefusesABadSpecNamingTheAcceptedKinds() {
    Run r = run("ope", "--behavior", "greedy:eps=0.1");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("kinds: uniform, template, best-static, linucb, epsilon-greedy, softmax"), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
  }

  @Test
  void driftJsonHasTheContractFields() throws Exception {
    Run r = run("drift", "--seeds", "3", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode j = JSON.readTree(r.out());
    for (String f : new String[] {"detection_delay", "recovery_time"}) {
      for (String g : new String[] {"mean", "ci_low", "ci_high"}) {
        assertTrue(j.get(f).has(g), f + "." + g);
      }
    }
    assertTrue(j.get("false_alarms").isNumber());
    assertTrue(j.get("reward_with_guardrail").isNumber());
    assertTrue(j.get("reward_without_guardrail").isNumber());
    assertEquals(2, run("drift", "--seeds", "1").code());
    assertTrue(j.get("settings").get("detector").asText().startsWith("calibrated cusum"), j.toString());
    Run book = run("drift", "--seeds", "3", "--book", "--json");
    assertEquals(0, book.code(), book.err());
    assertTrue(JSON.readTree(book.out()).get("settings").get("detector").asText().startsWith("page_hinkley"));
    Run bad = run("drift", "--arl0", "5");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("--arl0 must be in 20..1e9"), bad.err());
  }
}
