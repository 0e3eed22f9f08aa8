package io.rlsearch.actors;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.RecipientRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import scala.jdk.javaapi.FutureConverters;

/**
 * Asks, piped results and continuations that run where the reply arrives, without a thread of their own.
 *
 * <p>A stage from Pekko's Java API (an ask, a stream's materialised value) wraps a Scala future, and
 * that wrapper runs its plain {@code thenApply}, {@code handle}, {@code whenComplete} and the like on
 * {@code CompletableFuture}'s default executor. That executor is the common fork-join pool when the pool
 * has at least two workers, and otherwise (on a machine of one or two cores, where the pool has one) a
 * new thread for every task. Pekko's Java {@code ActorContext.ask} and {@code pipeToSelf} go through
 * {@code handle}, so every reply started a thread on a 2-core machine: a deterministic run's every
 * round, every health poll, every ranked HTTP request. The helpers here go through the Scala future
 * (Pekko's own Scala {@code pipeToSelf}, which maps the reply inside the actor) or run continuations on
 * {@link #SAME_THREAD}.
 */
public final class Replies {
  private Replies() {}

  /**
   * Runs a task on the thread that hands it over (trampolined, so nested completions do not deepen the
   * stack): for continuations that only map a reply or count it.
   */
  public static final Executor SAME_THREAD = scala.concurrent.ExecutionContext.parasitic$.MODULE$;

  /**
   * {@code ctx.pipeToSelf(stage, apply)}: {@code apply} turns the stage's value or failure into a message
   * to this actor, applied when the actor handles it.
   */
  public static <T, V> void pipeToSelf(ActorContext<T> ctx, CompletionStage<V> stage,
      BiFunction<? super V, Throwable, ? extends T> apply) {
    ctx.asScala().pipeToSelf(FutureConverters.asScala(stage),
        t -> t.isSuccess() ? apply.apply(t.get(), null) : apply.apply(null, t.failed().get()));
  }

  /**
   * {@code ctx.ask(type, target, timeout, create, apply)}, with the same arguments ({@code type} fixes the
   * reply's type for the compiler): asks {@code target} and turns the reply, or the failure (a timeout),
   * into a message to this actor.
   */
  public static <T, Req, Res> void ask(ActorContext<T> ctx, Class<Res> type, RecipientRef<Req> target,
      Duration timeout, Function<ActorRef<Res>, Req> create, BiFunction<? super Res, Throwable, ? extends T> apply) {
    pipeToSelf(ctx, AskPattern.ask(target, create::apply, timeout, ctx.getSystem().scheduler()), apply);
  }
}
