package io.rlsearch.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.agents.spi.PolicySnapshot;
import io.rlsearch.agents.spi.UpdateRule;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The write-an-agent guide shows the three interfaces an agent implements as code: each listing
 * declares exactly the interface's instance methods, with their parameter counts and whether they
 * have a default, so a method added, dropped or given a default in the code fails here.
 */
class WriteAgentGuideTest {
  private static final Path PAGE = Path.of("docs/guides/write-an-agent.md");

  @Test
  void theGuidesInterfaceListingsAreTheCodes() throws Exception {
    String page = Files.readString(PAGE);
    TreeSet<String> problems = new TreeSet<>();
    for (Class<?> type : List.of(UpdateRule.class, PolicySnapshot.class, AgentBuilder.class)) {
      Matcher block = Pattern.compile("```java\\n(public interface " + type.getSimpleName() + " \\{.*?)\\n```",
          Pattern.DOTALL).matcher(page);
      assertTrue(block.find(), PAGE + ": no listing of " + type.getSimpleName());
      TreeSet<String> shown = new TreeSet<>();
      // a declaration at the listing's first indent: [default] Type name(params) followed by ; or {
      Matcher decl = Pattern.compile("(?m)^  (default )?[\\w.<>\\[\\]]+ (\\w+)\\(([^)]*)\\)\\s*[;{]")
          .matcher(block.group(1));
      while (decl.find()) {
        int params = decl.group(3).isBlank() ? 0 : decl.group(3).split(",").length;
        shown.add((decl.group(1) != null ? "default " : "") + decl.group(2) + "/" + params);
      }
      TreeSet<String> code = new TreeSet<>();
      for (Method m : type.getDeclaredMethods()) {
        if (!Modifier.isStatic(m.getModifiers()) && !m.isSynthetic() && !Modifier.isPrivate(m.getModifiers())) {
          code.add((m.isDefault() ? "default " : "") + m.getName() + "/" + m.getParameterCount());
        }
      }
      if (!shown.equals(code)) {
        problems.add(type.getSimpleName() + ": the guide shows " + shown + ", the code has " + code);
      }
    }
    assertEquals("", String.join("\n", problems), PAGE + "'s interface listings against the code");
  }
}
