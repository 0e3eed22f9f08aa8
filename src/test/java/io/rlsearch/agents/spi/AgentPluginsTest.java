package io.rlsearch.agents.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rlsearch.agents.bandit.BanditAgents;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plug-in agents found through ServiceLoader, and the one-line refusals of bad registrations. */
class AgentPluginsTest {
  /** A plug-in: always the first arm. */
  public static final class FirstArm implements AgentBuilder {
    private final AgentBuilder inner = BanditAgents.fixed("first_arm", 0);

    @Override
    public String name() {
      return "first_arm";
    }

    @Override
    public UpdateRule create(int arms, int dim) {
      return inner.create(arms, dim);
    }

    @Override
    public UpdateRule restore(PolicySnapshot snapshot) {
      return inner.restore(snapshot);
    }
  }

  /** A plug-in with a name that is not accepted. */
  public static final class BadName implements AgentBuilder {
    @Override
    public String name() {
      return "Bad Name";
    }

    @Override
    public UpdateRule create(int arms, int dim) {
      throw new UnsupportedOperationException();
    }

    @Override
    public UpdateRule restore(PolicySnapshot snapshot) {
      throw new UnsupportedOperationException();
    }
  }

  private static ClassLoader registering(Path dir, String... classes) throws Exception {
    Path services = dir.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(AgentBuilder.class.getName()), String.join("\n", classes) + "\n");
    return new URLClassLoader(new URL[] {dir.toUri().toURL()}, AgentPluginsTest.class.getClassLoader());
  }

  @Test
  void aRegisteredBuilderIsFoundByNameAndActs(@TempDir Path dir) throws Exception {
    AgentPlugins p = AgentPlugins.load(registering(dir, FirstArm.class.getName()), List.of("linucb"));
    assertEquals(List.of("first_arm"), List.copyOf(p.byName().keySet()));
    PolicySnapshot s = p.get("first_arm").create(8, 4).snapshot(0);
    assertEquals(0, s.act(new double[4], new io.rlsearch.core.random.NumpyRandom(1)).arm());
  }

  @Test
  void badRegistrationsAreRefusedWithOneLine(@TempDir Path dir) throws Exception {
    String msg = assertThrows(IllegalArgumentException.class,
        () -> AgentPlugins.load(registering(dir.resolve("a"), FirstArm.class.getName()), List.of("first_arm")))
        .getMessage();
    assertTrue(msg.contains("takes the built-in name 'first_arm'"), msg);
    msg = assertThrows(IllegalArgumentException.class,
        () -> AgentPlugins.load(registering(dir.resolve("b"), BadName.class.getName()), List.of())).getMessage();
    assertTrue(msg.contains("has the name 'Bad Name'"), msg);
    msg = assertThrows(IllegalArgumentException.class,
        () -> AgentPlugins.load(registering(dir.resolve("c"), "no.such.Agent"), List.of())).getMessage();
    assertTrue(msg.startsWith("agent plug-in cannot be loaded:") && !msg.contains("\n"), msg);
    // the loader's reason is kept (on one line): it names the class that could not be loaded
    assertTrue(msg.contains("no.such.Agent"), msg);
  }
}
