package io.rlsearch.actors;

import io.rlsearch.agents.spi.AgentBuilder;
import io.rlsearch.experiments.Task;
import io.rlsearch.sim.World;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything a run needs, validated: what to run (world, agent, users, seed) and how (shards,
 * batching, buffers, timeouts), as the experiment and topology files give them.
 *
 * @param world the zoosim world
 * @param task what the agents decide and see
 * @param agent the agent
 * @param seed the root seed of every stream
 * @param users users (one session each without retention)
 * @param retention whether users return
 * @param sessionsCap most sessions per user with retention
 * @param gamma discount of the per-user value with retention
 * @param shards environment shards
 * @param roundSize episodes per round in deterministic mode; 0 for throughput mode
 * @param publishEvery transitions between snapshots in throughput mode
 * @param maxBatch largest batch of the policy server
 * @param replayCapacity replay buffer capacity
 * @param faultRate probability that a shard throws on a session attempt
 * @param maxRetries attempts after the first for a failed session
 * @param sessionTimeout how long one session attempt may take before it is retried
 * @param pullTimeout how long a pull may wait for the population (users in flight)
 * @param pullParallelism pulls outstanding
 * @param decisionLog where to write the logged decisions (JSON Lines), if anywhere
 * @param shardDispatcher config path of the shards' dispatcher ("" for the default dispatcher)
 * @param batch the most sessions a shard runs per request (the stream's element)
 * @param resume where a resumed run starts (the learner's state, its version, the first user), if resumed
 * @param checkpointing where and how often the learner's state is saved, if at all
 * @param maxWait the longest the policy server holds a batch open for more requests (zero: until its mailbox drains)
 * @param inference makes the policy server's inference engine (closed by the server)
 * @param observer watches the run (metrics, live page), if anything does
 * @param crash an injected crash for chaos runs ({@link CrashSwitch#NONE}: none)
 */
public record RunSpec(World world, Task task, AgentBuilder agent, long seed, long users,
    boolean retention, int sessionsCap, double gamma, int shards, int roundSize, int publishEvery, int maxBatch,
    int replayCapacity, double faultRate, int maxRetries, Duration sessionTimeout, Duration pullTimeout,
    int pullParallelism, Optional<Path> decisionLog, String shardDispatcher, int batch,
    Optional<Checkpointing.Resume> resume, Optional<Checkpointing> checkpointing, Duration maxWait,
    java.util.function.Supplier<io.rlsearch.agents.spi.InferenceEngine> inference, Optional<RunObserver> observer,
    CrashSwitch crash) {
  /** A run as above, without an injected crash. */
  public RunSpec(World world, Task task, AgentBuilder agent, long seed, long users, boolean retention, int sessionsCap,
      double gamma, int shards, int roundSize, int publishEvery, int maxBatch, int replayCapacity, double faultRate,
      int maxRetries, Duration sessionTimeout, Duration pullTimeout, int pullParallelism, Optional<Path> decisionLog,
      String shardDispatcher, int batch, Optional<Checkpointing.Resume> resume, Optional<Checkpointing> checkpointing,
      Duration maxWait, java.util.function.Supplier<io.rlsearch.agents.spi.InferenceEngine> inference,
      Optional<RunObserver> observer) {
    this(world, task, agent, seed, users, retention, sessionsCap, gamma, shards, roundSize, publishEvery, maxBatch,
        replayCapacity, faultRate, maxRetries, sessionTimeout, pullTimeout, pullParallelism, decisionLog, shardDispatcher,
        batch, resume, checkpointing, maxWait, inference, observer, CrashSwitch.NONE);
  }

  /** A run as above, unobserved. */
  public RunSpec(World world, Task task, AgentBuilder agent, long seed, long users, boolean retention, int sessionsCap,
      double gamma, int shards, int roundSize, int publishEvery, int maxBatch, int replayCapacity, double faultRate,
      int maxRetries, Duration sessionTimeout, Duration pullTimeout, int pullParallelism, Optional<Path> decisionLog,
      String shardDispatcher, int batch, Optional<Checkpointing.Resume> resume, Optional<Checkpointing> checkpointing,
      Duration maxWait, java.util.function.Supplier<io.rlsearch.agents.spi.InferenceEngine> inference) {
    this(world, task, agent, seed, users, retention, sessionsCap, gamma, shards, roundSize, publishEvery, maxBatch,
        replayCapacity, faultRate, maxRetries, sessionTimeout, pullTimeout, pullParallelism, decisionLog, shardDispatcher,
        batch, resume, checkpointing, maxWait, inference, Optional.empty());
  }

  /** The same run with rounds of {@code n} episodes (deterministic mode). */
  public RunSpec withRoundSize(int n) {
    return new RunSpec(world, task, agent, seed, users, retention, sessionsCap, gamma, shards, n, publishEvery,
        maxBatch, replayCapacity, faultRate, maxRetries, sessionTimeout, pullTimeout, pullParallelism, decisionLog,
        shardDispatcher, batch, resume, checkpointing, maxWait, inference, observer, crash);
  }

  /** The same run with a crash injected by {@code c} (a test tool). */
  public RunSpec withCrash(CrashSwitch c) {
    return new RunSpec(world, task, agent, seed, users, retention, sessionsCap, gamma, shards, roundSize, publishEvery,
        maxBatch, replayCapacity, faultRate, maxRetries, sessionTimeout, pullTimeout, pullParallelism, decisionLog,
        shardDispatcher, batch, resume, checkpointing, maxWait, inference, observer, c);
  }

  /** The same run, watched by {@code o}. */
  public RunSpec observed(RunObserver o) {
    return new RunSpec(world, task, agent, seed, users, retention, sessionsCap, gamma, shards, roundSize, publishEvery,
        maxBatch, replayCapacity, faultRate, maxRetries, sessionTimeout, pullTimeout, pullParallelism, decisionLog,
        shardDispatcher, batch, resume, checkpointing, maxWait, inference, Optional.of(o), crash);
  }

  /** A run from the start, without checkpoints. */
  public RunSpec(World world, Task task, AgentBuilder agent, long seed, long users, boolean retention, int sessionsCap,
      double gamma, int shards, int roundSize, int publishEvery, int maxBatch, int replayCapacity, double faultRate,
      int maxRetries, Duration sessionTimeout, Duration pullTimeout, int pullParallelism, Optional<Path> decisionLog,
      String shardDispatcher, int batch) {
    this(world, task, agent, seed, users, retention, sessionsCap, gamma, shards, roundSize, publishEvery, maxBatch,
        replayCapacity, faultRate, maxRetries, sessionTimeout, pullTimeout, pullParallelism, decisionLog, shardDispatcher,
        batch, Optional.empty(), Optional.empty(), Duration.ZERO, () -> io.rlsearch.agents.spi.InferenceEngine.JAVA);
  }

  public RunSpec {
    Objects.requireNonNull(resume, "resume");
    Objects.requireNonNull(checkpointing, "checkpointing");
    Objects.requireNonNull(maxWait, "maxWait");
    Objects.requireNonNull(inference, "inference");
    Objects.requireNonNull(observer, "observer");
    Objects.requireNonNull(crash, "crash");
    require(!maxWait.isNegative() && maxWait.compareTo(Duration.ofSeconds(1)) <= 0,
        "max wait must lie in [0, 1s], got " + maxWait);
    Objects.requireNonNull(world, "world");
    Objects.requireNonNull(task, "task");
    Objects.requireNonNull(agent, "agent");
    Objects.requireNonNull(sessionTimeout, "sessionTimeout");
    Objects.requireNonNull(pullTimeout, "pullTimeout");
    Objects.requireNonNull(decisionLog, "decisionLog");
    Objects.requireNonNull(shardDispatcher, "shardDispatcher");
    require(seed >= 0, "seed must be >= 0, got " + seed);
    require(users >= 1, "users must be >= 1, got " + users);
    require(sessionsCap >= 1 && (retention || sessionsCap == 1), "sessions cap must be >= 1 (1 without retention)");
    require(gamma >= 0 && gamma <= 1, "gamma must lie in [0, 1], got " + gamma);
    require(shards >= 1, "shards must be >= 1, got " + shards);
    require(roundSize >= 0, "round size must be >= 0, got " + roundSize);
    require(!(retention && roundSize > 0), "deterministic rounds need single-session episodes (retention runs are"
        + " deterministic anyway: every user draws from its own stream)");
    require(publishEvery >= 1, "publish-every must be >= 1, got " + publishEvery);
    require(maxBatch >= 1, "max batch must be >= 1, got " + maxBatch);
    require(replayCapacity >= 1, "replay capacity must be >= 1, got " + replayCapacity);
    require(faultRate >= 0 && faultRate < 1, "fault rate must lie in [0, 1), got " + faultRate);
    require(maxRetries >= 0, "max retries must be >= 0, got " + maxRetries);
    require(pullParallelism >= 1, "pull parallelism must be >= 1, got " + pullParallelism);
    require(batch >= 1 && batch <= 4096, "batch must be in 1..4096, got " + batch);
    require(resume.isEmpty() || !retention, "a retention run cannot be resumed (returning users' state is not"
        + " checkpointed)");
    require(resume.isEmpty() || resume.get().firstUser() < users, "the checkpoint has already run "
        + resume.map(r -> r.firstUser()).orElse(0L) + " of the " + users + " users: ask for more episodes to continue");
    require(resume.isEmpty() || roundSize == 0 || resume.get().firstUser() % roundSize == 0,
        "a deterministic run resumes at a round boundary; the checkpoint is at user "
        + resume.map(r -> r.firstUser()).orElse(0L) + ", rounds have " + roundSize);
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Whether the run is in deterministic (round) mode. */
  public boolean deterministic() {
    return roundSize > 0;
  }

  /** The first user the run starts with (0 unless resumed). */
  public long firstUser() {
    return resume.map(Checkpointing.Resume::firstUser).orElse(0L);
  }

  /** Episodes in deterministic-mode accounting (users x sessions cap). */
  public long episodeIdSpace() {
    return users * sessionsCap;
  }
}
