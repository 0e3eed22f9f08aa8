package io.rlsearch.api;

import com.typesafe.config.Config;
import io.rlsearch.actors.Guardian;
import io.rlsearch.actors.RunSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.BehaviorInterceptor;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.TypedActorContext;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.Terminated;
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

  /** A run that could not complete: its guardian failed or stopped without a report (one line, the cause). */
  public static final class RunFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RunFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** Dead letters are summarised at most this often (the first is logged at once). */
  public static final Duration DEAD_LETTER_INTERVAL = Duration.ofSeconds(10);

  /**
   * How long a run may take before its report is given up on: ten minutes plus 10 ms per episode, far
   * beyond any run that moves (the guardian reports a stopped actor at once, and a guardian that fails
   * ends the run at once; this bounds the rest).
   */
  public static Duration deadline(RunSpec spec) {
    return deadline(Math.multiplyExact(spec.users(), (long) spec.sessionsCap()));
  }

  /** The same deadline for a run of {@code episodes} episodes (clustered runs too). */
  public static Duration deadline(long episodes) {
    return Duration.ofMinutes(10).plusMillis(Math.multiplyExact(episodes, 10L));
  }

  private static RunFailedException stuck(Duration d) {
    return new RunFailedException("no report within " + d.toSeconds() + " s: the run is stuck (nothing failed that"
        + " the guardian saw)", null);
  }

  /** The guardian of a run stopped (failed, with its cause; or after its report, without). */
  private record GuardianStopped(Optional<Throwable> cause) {}

  /**
   * Receives a guardian's report, then the news that the guardian stopped (its parent watches it): a
   * guardian that stops without a report fails the run at once, with its cause. The report is sent
   * before the guardian stops, so it always arrives first when there is one.
   */
  private static <T> Behavior<Object> reportSink(CompletableFuture<T> result,
      java.util.function.Function<Guardian.RunReport, T> outcome) {
    return Behaviors.receive(Object.class)
        .onMessage(Guardian.RunReport.class, r -> {
          result.complete(outcome.apply(r));
          return Behaviors.same();
        })
        .onMessage(GuardianFailed.class, g -> {
          if (!result.isDone()) {
            result.completeExceptionally(new RunFailedException("the run failed: its guardian stopped: "
                + oneLine(g.cause()), g.cause()));
          }
          return Behaviors.same();
        })
        .onMessage(GuardianStopped.class, g -> {
          if (!result.isDone()) {
            result.completeExceptionally(new RunFailedException("the run failed: its guardian stopped"
                + g.cause().map(c -> ": " + oneLine(c)).orElse(" without a report"), g.cause().orElse(null)));
          }
          return Behaviors.stopped();
        })
        .build();
  }

  /** The exception that stopped a guardian, told to its report sink before the guardian stops. */
  private record GuardianFailed(Throwable cause) {}

  /**
   * A run's guardian, watched by the root. Its failure (an agent that cannot be built, a report it
   * cannot assemble) reaches the report sink with its cause and fails the run in one line; it stops
   * the guardian without Pekko's own error line as well.
   */
  private static Behavior<Guardian.Command> guardian(RunSpec spec, ActorRef<Object> sink) {
    Behavior<Guardian.Command> reporting = Behaviors.intercept(
        () -> new BehaviorInterceptor<Guardian.Command, Guardian.Command>(Guardian.Command.class) {
          @Override
          public Behavior<Guardian.Command> aroundStart(TypedActorContext<Guardian.Command> ctx,
              PreStartTarget<Guardian.Command> target) {
            try {
              return target.start(ctx);
            } catch (RuntimeException e) {
              sink.tell(new GuardianFailed(e));
              throw e;
            }
          }

          @Override
          public Behavior<Guardian.Command> aroundReceive(TypedActorContext<Guardian.Command> ctx, Guardian.Command msg,
              ReceiveTarget<Guardian.Command> target) {
            try {
              return target.apply(ctx, msg);
            } catch (RuntimeException e) {
              sink.tell(new GuardianFailed(e));
              throw e;
            }
          }

          @Override
          public Behavior<Guardian.Command> aroundSignal(TypedActorContext<Guardian.Command> ctx, Signal signal,
              SignalTarget<Guardian.Command> target) {
            try {
              return target.apply(ctx, signal);
            } catch (RuntimeException e) {
              sink.tell(new GuardianFailed(e));
              throw e;
            }
          }
        }, Guardian.create(spec, sink.narrow()));
    return Behaviors.supervise(reporting).onFailure(RuntimeException.class,
        SupervisorStrategy.stop().withLoggingEnabled(false));
  }

  /** The root's handling of a watched guardian's end: tells that run's report sink. */
  private static Behavior<Void> watching(java.util.Map<ActorRef<?>, ActorRef<Object>> sinks) {
    return Behaviors.receive(Void.class)
        .onSignal(Terminated.class, t -> {
          ActorRef<Object> sink = sinks.get(t.getRef());
          if (sink != null) {
            sink.tell(new GuardianStopped(t instanceof ChildFailed f ? Optional.of(f.getCause()) : Optional.empty()));
          }
          return Behaviors.same();
        })
        .build();
  }

  private static String oneLine(Throwable t) {
    String m = t.getMessage() != null ? t.getMessage() : t.toString();
    return m.replaceAll("\\s*\\R\\s*", " ");
  }

  private static RunFailedException failed(java.util.concurrent.ExecutionException e) {
    return e.getCause() instanceof RunFailedException r ? r
        : new RunFailedException("the run failed: " + oneLine(e.getCause()), e.getCause());
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
      java.util.Map<ActorRef<?>, ActorRef<Object>> sinks = new java.util.HashMap<>();
      for (int i = 0; i < specs.size(); i++) {
        long start = System.nanoTime();
        ActorRef<Object> sink = ctx.spawn(reportSink(results.get(i),
            r -> new Outcome(r, (System.nanoTime() - start) / 1e9)), "report-" + i);
        ActorRef<Guardian.Command> g = ctx.spawn(guardian(specs.get(i), sink), "guardian-" + i);
        ctx.watch(g);
        sinks.put(g, sink);
      }
      return watching(sinks);
    });
    ActorSystem<Void> system = ActorSystem.create(root, "rlsearch", pipelineSystem(systemConfig));
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
      throw failed(e);
    } finally {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // The reports are in hand; a slow shutdown is not a failure of the runs.
      }
    }
  }

  /**
   * One ActorSystem that runs pipelines as they are started, side by side (each its own guardian and
   * actors, as in {@link #runAll}), until closed: runs can begin while others are under way. Each
   * run's future completes with its outcome, or fails with a {@link RunFailedException} when its
   * guardian fails or stops without a report, or when no report came within {@link #deadline(RunSpec)}
   * of its start.
   */
  public static final class Session implements AutoCloseable {
    private record Start(RunSpec spec, CompletableFuture<Outcome> result) {}

    private final ActorSystem<Start> system;
    /** Runs started and not yet ended: closing the session fails them, so no wait outlives it. */
    private final java.util.Set<CompletableFuture<Outcome>> underWay = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** A session on an ActorSystem of {@code systemConfig}. */
    public Session(Config systemConfig) {
      Behavior<Start> root = Behaviors.setup(ctx -> {
        ctx.spawn(io.rlsearch.actors.DeadLetterMonitor.create(DEAD_LETTER_INTERVAL), "dead-letters");
        java.util.Map<ActorRef<?>, ActorRef<Object>> sinks = new java.util.HashMap<>();
        long[] runs = new long[1];
        return Behaviors.receive(Start.class)
            .onMessage(Start.class, s -> {
              long i = runs[0]++;
              long start = System.nanoTime();
              ActorRef<Object> sink = ctx.spawn(reportSink(s.result(),
                  r -> new Outcome(r, (System.nanoTime() - start) / 1e9)), "report-" + i);
              ActorRef<Guardian.Command> g = ctx.spawn(guardian(s.spec(), sink), "guardian-" + i);
              ctx.watch(g);
              sinks.put(g, sink);
              return Behaviors.same();
            })
            .onSignal(Terminated.class, t -> {
              ActorRef<Object> sink = sinks.remove(t.getRef());
              if (sink != null) {
                sink.tell(new GuardianStopped(t instanceof ChildFailed f ? Optional.of(f.getCause())
                    : Optional.empty()));
              }
              return Behaviors.same();
            })
            .build();
      });
      system = ActorSystem.create(root, "rlsearch", pipelineSystem(systemConfig));
    }

    /**
     * Starts {@code spec} now; the future completes when its guardian reports (or fails, see above, or
     * when the session is closed first).
     */
    public CompletableFuture<Outcome> start(RunSpec spec) {
      CompletableFuture<Outcome> result = new CompletableFuture<>();
      underWay.add(result);
      result.whenComplete((o, x) -> underWay.remove(result));
      if (closed) {
        result.completeExceptionally(stopped());
      }
      Duration limit = deadline(spec);
      // orTimeout's timer is cancelled (and dropped) when the run reports, so a finished run's result
      // (and through its spec, its world) is not held until the deadline would have passed.
      CompletableFuture<Outcome> timed = new CompletableFuture<>();
      result.orTimeout(limit.toNanos(), TimeUnit.NANOSECONDS).whenComplete((o, x) -> {
        if (x == null) {
          timed.complete(o);
        } else {
          timed.completeExceptionally(x instanceof java.util.concurrent.TimeoutException ? stuck(limit) : x);
        }
      });
      if (!result.isDone()) {
        system.tell(new Start(spec, result));
      }
      return timed;
    }

    private static RunFailedException stopped() {
      return new RunFailedException("the session stopped before the run reported", null);
    }

    /**
     * Stops every run still under way (their futures fail at once) and the system (waiting up to 30 s
     * for it to end).
     */
    @Override
    public void close() {
      closed = true;
      for (CompletableFuture<Outcome> r : List.copyOf(underWay)) {
        r.completeExceptionally(stopped());
      }
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        // The reports are in hand or the run has failed already; a slow shutdown changes neither.
      }
    }
  }

  /**
   * A training run's system configuration: {@code systemConfig} with its {@code rlsearch.pipeline-system}
   * block (the topology's settings for training runs' actor systems, such as a default dispatcher with a
   * thread per core) taken over it, when it has one.
   */
  static Config pipelineSystem(Config systemConfig) {
    String path = "rlsearch.pipeline-system";
    return systemConfig.hasPath(path) ? systemConfig.getConfig(path).withFallback(systemConfig) : systemConfig;
  }

  public static Outcome run(RunSpec spec, Config systemConfig, boolean progress, String label) {
    CompletableFuture<Guardian.RunReport> result = new CompletableFuture<>();
    CompletableFuture<ActorRef<Guardian.Command>> guardianRef = new CompletableFuture<>();
    long[] started = new long[1];
    Behavior<Void> root = Behaviors.setup(ctx -> {
      ctx.spawn(io.rlsearch.actors.DeadLetterMonitor.create(DEAD_LETTER_INTERVAL), "dead-letters");
      ActorRef<Object> sink = ctx.spawn(reportSink(result, r -> r), "report");
      started[0] = System.nanoTime();
      ActorRef<Guardian.Command> g = ctx.spawn(guardian(spec, sink), "guardian");
      ctx.watch(g);
      guardianRef.complete(g);
      return watching(java.util.Map.of(g, sink));
    });
    ActorSystem<Void> system = ActorSystem.create(root, "rlsearch", pipelineSystem(systemConfig));
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
                  Duration.ofSeconds(1), system.scheduler())
                  .handleAsync((p, x) -> x == null ? p : null, io.rlsearch.actors.Replies.SAME_THREAD).toCompletableFuture()
                  .join();
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
      throw failed(e);
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
