package io.rlsearch.api;

import com.typesafe.config.Config;
import io.rlsearch.actors.Guardian;
import io.rlsearch.actors.RunSpec;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Runs one pipeline in its own ActorSystem and waits for the report; the wall time covers the run
 * from the guardian's start to its report (not the system's start-up). With a terminal attached, a
 * progress bar on stderr follows the transitions produced.
 */
public final class PipelineRunner {
  /** A finished run and its wall time. */
  public record Outcome(Guardian.RunReport report, double wallSeconds) {}

  private PipelineRunner() {}

  /** Dead letters are summarised at most this often (the first is logged at once). */
  public static final Duration DEAD_LETTER_INTERVAL = Duration.ofSeconds(10);

  /**
   * How long a run may take before its report is given up on: ten minutes plus 10 ms per episode, far
   * beyond any run that moves (the guardian reports a stopped actor at once; this bounds the rest).
   */
  public static Duration deadline(RunSpec spec) {
    return deadline(Math.multiplyExact(spec.users(), (long) spec.sessionsCap()));
  }

  /** The same deadline for a run of {@code episodes} episodes (clustered runs too). */
  public static Duration deadline(long episodes) {
    return Duration.ofMinutes(10).plusMillis(Math.multiplyExact(episodes, 10L));
  }

  private static IllegalStateException stuck(Duration d) {
    return new IllegalStateException("no report within " + d.toSeconds() + " s: the run is stuck (nothing failed that"
        + " the guardian saw)");
  }

  /**
   * Runs several pipelines side by side in one ActorSystem (each its own guardian and actors) and
   * returns their outcomes in order; each wall time runs from that guardian's start to its report.
   */
  public static List<Outcome> runAll(List<RunSpec> specs, Config systemConfig) {
    List<CompletableFuture<Outcome>> results = new java.util.ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      results.add(new CompletableFuture<>());
    }
    Behavior<Void> root = Behaviors.setup(ctx -> {
      ctx.spawn(io.rlsearch.actors.DeadLetterMonitor.create(DEAD_LETTER_INTERVAL), "dead-letters");
      for (int i = 0; i < specs.size(); i++) {
        CompletableFuture<Outcome> f = results.get(i);
        long start = System.nanoTime();
        ActorRef<Guardian.RunReport> sink = ctx.spawn(Behaviors.receive(Guardian.RunReport.class)
            .onMessage(Guardian.RunReport.class, r -> {
              f.complete(new Outcome(r, (System.nanoTime() - start) / 1e9));
              return Behaviors.stopped();
            }).build(), "report-" + i);
        ctx.spawn(Guardian.create(specs.get(i), sink), "guardian-" + i);
      }
      return Behaviors.empty();
    });
    ActorSystem<Void> system = ActorSystem.create(root, "rlsearch", systemConfig);
    Duration limit = Duration.ZERO;
    for (RunSpec sp : specs) {
      limit = limit.compareTo(deadline(sp)) < 0 ? deadline(sp) : limit;
    }
    long until = System.nanoTime() + limit.toNanos();
    try {
      List<Outcome> out = new java.util.ArrayList<>();
      for (CompletableFuture<Outcome> f : results) {
        try {
          out.add(f.get(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS));
        } catch (java.util.concurrent.TimeoutException e) {
          throw stuck(limit);
        }
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("run failed: " + e.getCause(), e.getCause());
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // The reports are in hand; a slow shutdown is not a failure of the runs.
      }
    }
  }

  public static Outcome run(RunSpec spec, Config systemConfig, boolean progress, String label) {
    CompletableFuture<Guardian.RunReport> result = new CompletableFuture<>();
    CompletableFuture<ActorRef<Guardian.Command>> guardianRef = new CompletableFuture<>();
    long[] started = new long[1];
    Behavior<Void> root = Behaviors.setup(ctx -> {
      ctx.spawn(io.rlsearch.actors.DeadLetterMonitor.create(DEAD_LETTER_INTERVAL), "dead-letters");
      ActorRef<Guardian.RunReport> sink = ctx.spawn(Behaviors.receive(Guardian.RunReport.class)
          .onMessage(Guardian.RunReport.class, r -> {
            result.complete(r);
            return Behaviors.stopped();
          }).build(), "report");
      started[0] = System.nanoTime();
      guardianRef.complete(ctx.spawn(Guardian.create(spec, sink), "guardian"));
      return Behaviors.empty();
    });
    ActorSystem<Void> system = ActorSystem.create(root, "rlsearch", systemConfig);
    try {
      ProgressBar bar = progress && System.console() != null ? new ProgressBarBuilder().setTaskName(label)
          .setInitialMax(spec.retention() ? -1 : spec.users() - spec.firstUser()).setStyle(ProgressBarStyle.ASCII)
          .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
          .setUpdateIntervalMillis(250).build() : null;
      Guardian.RunReport report;
      Duration limit = deadline(spec);
      long until = System.nanoTime() + limit.toNanos();
      try {
        while (true) {
          try {
            report = result.get(250, TimeUnit.MILLISECONDS);
            break;
          } catch (java.util.concurrent.TimeoutException e) {
            if (System.nanoTime() > until) {
              throw stuck(limit);
            }
            if (bar != null) {
              Long produced = AskPattern.<Guardian.Command, Long>ask(guardianRef.join(), Guardian.GetProgress::new,
                  Duration.ofSeconds(1), system.scheduler()).toCompletableFuture().exceptionally(x -> null).join();
              if (produced != null) {
                bar.stepTo(produced);
              }
            }
          }
        }
      } finally {
        if (bar != null) {
          bar.close();
        }
      }
      double wall = (System.nanoTime() - started[0]) / 1e9;
      return new Outcome(report, wall);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("run failed: " + e.getCause(), e.getCause());
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // The report is in hand; a slow shutdown is not a failure of the run.
      }
    }
  }
}
