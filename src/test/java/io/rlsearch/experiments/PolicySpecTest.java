package io.rlsearch.experiments;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ope command's policy specifications: the grammar and every key's limits, at and just past them. */
class PolicySpecTest {
  private static String refusal(String text) {
    return assertThrows(IllegalArgumentException.class, () -> PolicySpec.parse(text)).getMessage();
  }

  @Test
  void aKindAloneOrWithATrailingColonHasNoKeys() {
    PolicySpec u = PolicySpec.parse("uniform");
    assertEquals("uniform", u.kind());
    assertEquals(Map.of(), u.params());
    assertEquals("uniform", u.toString());
    PolicySpec colon = PolicySpec.parse(" uniform: ");
    assertEquals("uniform", colon.kind());
    assertEquals(Map.of(), colon.params());
    assertEquals("linucb", PolicySpec.parse("linucb:").toString());
  }

  @Test
  void theKindIsWhatComesBeforeTheColon() {
    assertEquals("policy ':eps=1': unknown kind '' (kinds: uniform, template, best-static, linucb, epsilon-greedy,"
        + " softmax, learned)", refusal(":eps=1"));
    assertEquals("policy 'greedy': unknown kind 'greedy' (kinds: uniform, template, best-static, linucb,"
        + " epsilon-greedy, softmax, learned)", refusal("greedy"));
  }

  @Test
  void everyPairNeedsAKeyBeforeItsEqualsSign() {
    assertEquals("policy 'linucb:=3': expected key=value, got '=3'", refusal("linucb:=3"));
    assertEquals("policy 'linucb:alpha': expected key=value, got 'alpha'", refusal("linucb:alpha"));
    assertEquals("policy 'uniform:x=1': 'uniform' has no key 'x' (keys: none)", refusal("uniform:x=1"));
    assertEquals("policy 'linucb:alpha=1,alpha=2': key 'alpha' given twice", refusal("linucb:alpha=1,alpha=2"));
    PolicySpec s = PolicySpec.parse("softmax: tau = 0.5 ,base=best-static");
    assertEquals("softmax:base=best-static,tau=0.5", s.toString());
    assertEquals(0.5, s.doubleParam("tau", 1.0));
    assertEquals(1.0, s.doubleParam("alpha", 1.0));
    assertEquals("best-static", s.param("base", "linucb"));
  }

  @Test
  void aTemplateIdRunsFromZeroToSeven() {
    assertEquals(0, PolicySpec.parse("template:id=0").intParam("id", -1));
    assertEquals(7, PolicySpec.parse("template:id=7").intParam("id", -1));
    assertEquals("policy 'template:id=8': template id must be 0..7, got 8", refusal("template:id=8"));
    assertEquals("policy 'template:id=-1': template id must be 0..7, got -1", refusal("template:id=-1"));
    assertEquals("policy 'template': template needs exactly one of id=K (0..7) or name=NAME", refusal("template"));
  }

  @Test
  void episodesStartAtOne() {
    assertEquals(1, PolicySpec.parse("best-static:episodes=1").intParam("episodes", 2000));
    assertEquals("policy 'best-static:episodes=0': episodes must be >= 1", refusal("best-static:episodes=0"));
  }

  @Test
  void epsLiesInTheClosedUnitInterval() {
    assertEquals(0.0, PolicySpec.parse("epsilon-greedy:eps=0").doubleParam("eps", 0.3));
    assertEquals(1.0, PolicySpec.parse("epsilon-greedy:eps=1").doubleParam("eps", 0.3));
    assertEquals(0.25, PolicySpec.parse("epsilon-greedy:eps=0.25").doubleParam("eps", 0.3));
    assertEquals("policy 'epsilon-greedy:eps=1.000001': eps must lie in [0, 1], got 1.000001",
        refusal("epsilon-greedy:eps=1.000001"));
    assertEquals("policy 'epsilon-greedy:eps=-1e-9': eps must lie in [0, 1], got -1.0E-9",
        refusal("epsilon-greedy:eps=-1e-9"));
    assertEquals("policy 'epsilon-greedy:eps=NaN': eps must lie in [0, 1], got NaN", refusal("epsilon-greedy:eps=NaN"));
  }

  @Test
  void tauMustBePositive() {
    assertEquals(1e-9, PolicySpec.parse("softmax:tau=1e-9").doubleParam("tau", 1));
    assertEquals("policy 'softmax:tau=0': tau must be > 0", refusal("softmax:tau=0"));
  }

  @Test
  void alphaMayBeZeroButNotNegative() {
    assertEquals(0.0, PolicySpec.parse("linucb:alpha=0").doubleParam("alpha", 1));
    assertEquals(2.5, PolicySpec.parse("linucb:alpha=2.5").doubleParam("alpha", 1));
    assertEquals("policy 'linucb:alpha=-1e-9': alpha must be >= 0", refusal("linucb:alpha=-1e-9"));
  }

  @Test
  void learnedNeedsAFile() {
    assertEquals("policy 'learned': learned needs file=PATH (a policy file of learn)", refusal("learned"));
    assertEquals("p.json", PolicySpec.parse("learned:file=p.json").param("file", ""));
  }
}
