package io.rlsearch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of STYLE.md B1 and the banned calls of B6, checked on the compiled main classes.
 *
 * <p>One deliberate addition to the table: {@code sim} may use {@code eval} (summaries with
 * confidence intervals for its paired comparisons), as {@code agents} may.
 */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("io.rlsearch");
  }

  @Test
  void coreDependsOnNothingElseInTheProject() {
    noClasses().that().resideInAPackage("io.rlsearch.core..")
        .should().dependOnClassesThat().resideInAnyPackage("io.rlsearch.sim..", "io.rlsearch.agents..",
            "io.rlsearch.eval..", "io.rlsearch.learn..", "io.rlsearch.actors..", "io.rlsearch.streams..",
            "io.rlsearch.serve..", "io.rlsearch.app..", "org.apache.pekko..", "ai.djl..")
        .check(classes);
  }

  @Test
  void simAndEvalStayPure() {
    noClasses().that().resideInAnyPackage("io.rlsearch.sim..", "io.rlsearch.eval..")
        .should().dependOnClassesThat().resideInAnyPackage("io.rlsearch.actors..", "io.rlsearch.streams..",
            "io.rlsearch.learn..", "io.rlsearch.serve..", "io.rlsearch.app..", "org.apache.pekko..", "ai.djl..")
        .check(classes);
    noClasses().that().resideInAPackage("io.rlsearch.eval..")
        .should().dependOnClassesThat().resideInAnyPackage("io.rlsearch.sim..", "io.rlsearch.agents..")
        .check(classes);
  }

  @Test
  void agentsSeeFeaturesNotTheSimulator() {
    noClasses().that().resideInAPackage("io.rlsearch.agents..")
        .should().dependOnClassesThat().resideInAnyPackage("io.rlsearch.sim..", "io.rlsearch.experiments..",
            "io.rlsearch.actors..", "io.rlsearch.streams..", "io.rlsearch.learn..", "io.rlsearch.serve..",
            "io.rlsearch.app..", "org.apache.pekko..", "ai.djl..")
        .check(classes);
  }

  @Test
  void experimentsArePureCompositions() {
    noClasses().that().resideInAPackage("io.rlsearch.experiments..")
        .should().dependOnClassesThat().resideInAnyPackage("io.rlsearch.actors..", "io.rlsearch.streams..",
            "io.rlsearch.serve..", "io.rlsearch.app..", "org.apache.pekko..", "ai.djl..")
        .check(classes);
    noClasses().that().resideInAnyPackage("io.rlsearch.core..", "io.rlsearch.sim..", "io.rlsearch.agents..",
            "io.rlsearch.eval..")
        .should().dependOnClassesThat().resideInAPackage("io.rlsearch.experiments..")
        .check(classes);
  }

  /** The data plane's core, and with it the export of policies to search engines ({@code serving.export}). */
  @Test
  void theDataPlanesCoreIsPure() {
    noClasses().that().resideInAPackage("io.rlsearch.serving..")
        .should().dependOnClassesThat().resideInAnyPackage("io.rlsearch.actors..", "io.rlsearch.streams..",
            "io.rlsearch.learn..", "io.rlsearch.api..", "io.rlsearch.app..", "org.apache.pekko..", "ai.djl..")
        .check(classes);
  }

  @Test
  void runtimeDoesNotReachIntoTheApp() {
    noClasses().that().resideInAnyPackage("io.rlsearch.actors..", "io.rlsearch.streams..")
        .should().dependOnClassesThat().resideInAPackage("io.rlsearch.app..")
        .check(classes);
    noClasses().that().resideInAPackage("io.rlsearch.learn..")
        .should().dependOnClassesThat().resideInAnyPackage("io.rlsearch.actors..", "io.rlsearch.streams..",
            "io.rlsearch.serve..", "io.rlsearch.app..", "org.apache.pekko..")
        .check(classes);
  }

  @Test
  void theLibraryDoesNotDependOnTheCommandLine() {
    noClasses().that().resideOutsideOfPackage("io.rlsearch.app..")
        .should().dependOnClassesThat().resideInAPackage("io.rlsearch.app..")
        .check(classes);
    noClasses().that().resideInAnyPackage("io.rlsearch.actors..", "io.rlsearch.streams..", "io.rlsearch.learn..",
            "io.rlsearch.experiments..", "io.rlsearch.sim..", "io.rlsearch.agents..", "io.rlsearch.eval..",
            "io.rlsearch.core..")
        .should().dependOnClassesThat().resideInAPackage("io.rlsearch.api..")
        .check(classes);
  }

  /**
   * The application layer is the command line ({@code app}) and the library's entry points
   * ({@code api}: runs with deadlines and wall times, the real-time serving path); below it nothing
   * reads a clock or hidden randomness.
   */
  @Test
  void noHiddenRandomnessOrClockBelowApp() {
    noClasses().that().resideOutsideOfPackages("io.rlsearch.app..", "io.rlsearch.api..")
        .should().callMethod(Math.class, "random")
        .orShould().callConstructor(java.util.Random.class)
        .orShould().callMethod(java.util.concurrent.ThreadLocalRandom.class, "current")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().callMethod(java.time.Instant.class, "now")
        .orShould().callMethod(java.util.UUID.class, "randomUUID")
        .orShould().callMethod(java.util.Collections.class, "shuffle", java.util.List.class)
        .check(classes);
  }

  @Test
  void configIsLoadedOnlyExplicitly() {
    noClasses().should().callMethod(com.typesafe.config.ConfigFactory.class, "load").check(classes);
  }
  /**
   * Every FloatVector the process creates has one shape (256 bits). HotSpot profiles the Vector API's
   * shared code per method, not per caller: vectors of a second shape anywhere (the world's scoring
   * once loaded 128-bit floats) make every other kernel's vector calls polymorphic, and C2 then boxes
   * those vectors on every operation instead of keeping them in registers.
   */
  @Test
  void everyFloatVectorHasOneShape() {
    for (String species : java.util.List.of("SPECIES_64", "SPECIES_128", "SPECIES_512", "SPECIES_MAX")) {
      noClasses().should().accessField("jdk.incubator.vector.FloatVector", species)
          .because("a second FloatVector shape makes the 256-bit kernels box their vectors").check(classes);
    }
  }

  /**
   * An actor's asks and piped results go through {@code io.rlsearch.actors.Replies}: Pekko's Java
   * {@code ActorContext.ask} (and {@code askWithStatus}) and {@code pipeToSelf} hand every reply to
   * {@code CompletableFuture}'s default executor, which on a machine of two cores or fewer starts a new
   * thread per task. Continuations on other stages are not checked here.
   */
  @Test
  void contextAsksAndPipesGoThroughReplies() {
    noClasses().that().doNotHaveFullyQualifiedName("io.rlsearch.actors.Replies")
        .should().callMethodWhere(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
            com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching("ask.*|pipeToSelf"))
            .and(com.tngtech.archunit.core.domain.JavaCall.Predicates.target(
                com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner(
                    com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo(
                        org.apache.pekko.actor.typed.javadsl.ActorContext.class)))))
        .because("Pekko's Java ask and pipeToSelf start a thread per reply on small machines").check(classes);
  }
}
