package io.rlsearch.app.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-loop HTTP load generator: POSTs bodies to one URL at a fixed rate, each request at its
 * scheduled time whatever the answers before it did, and measures each latency from that scheduled
 * start to the answer. A stall therefore shows in full in the percentiles instead of delaying the
 * requests that would have seen it (coordinated omission): the approach the serving path's own traffic
 * generator takes. At most {@code maxInFlight} requests are open at once; a request that waits for a
 * slot is sent late and its wait is counted in its latency.
 */
public final class HttpLoad implements AutoCloseable {
  /** How long one request may take before it counts as an error. */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  /**
   * One rate's figures.
   *
   * @param rate the requests per second asked for
   * @param seconds how long requests were sent
   * @param sent requests sent
   * @param ok answered 200
   * @param shed answered 503 (the server refused them under overload)
   * @param errors answered with another status, failed or timed out
   * @param timeouts of the errors, those without an answer within {@link #TIMEOUT}
   * @param latency every request's time from its scheduled start to its answer (any answer), in microseconds
   * @param firstError the first error's status and body, or its exception
   */
  public record Result(double rate, double seconds, long sent, long ok, long shed, long errors, long timeouts,
      Histogram latency, Optional<String> firstError) {
    /** A latency percentile in milliseconds. */
    public double ms(double percentile) {
      return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1000.0;
    }
  }

  private final URI url;
  private final List<byte[]> bodies;
  private final Optional<String> token;
  private final int maxInFlight;
  private final ExecutorService executor;
  private final HttpClient client;

  /**
   * A generator for {@code url}.
   *
   * @param bodies the bodies, sent in turn
   * @param token a bearer token to send, if any
   * @param maxInFlight most requests open at once
   */
  public HttpLoad(URI url, List<byte[]> bodies, Optional<String> token, int maxInFlight) {
    if (bodies.isEmpty() || maxInFlight < 1) {
      throw new IllegalArgumentException("a load needs bodies and at least one request in flight");
    }
    this.url = url;
    this.bodies = List.copyOf(bodies);
    this.token = token;
    this.maxInFlight = maxInFlight;
    // Two threads complete the answers: the generator must leave the cores to the server.
    this.executor = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "bench-http-client");
      t.setDaemon(true);
      return t;
    });
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
        .connectTimeout(TIMEOUT).build();
  }

  /**
   * Sends {@code rate} requests per second for {@code seconds}, then waits (at most {@link #TIMEOUT}
   * more) for the open ones.
   */
  public Result run(double rate, double seconds) throws InterruptedException {
    if (!(rate > 0) || !(seconds > 0)) {
      throw new IllegalArgumentException("a rate and a duration must be > 0");
    }
    long n = (long) Math.floor(rate * seconds);
    double interval = 1e9 / rate;
    Recorder latency = new Recorder(3);
    AtomicLong ok = new AtomicLong();
    AtomicLong shed = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong timeouts = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    Semaphore slots = new Semaphore(maxInFlight);
    long sent = 0;
    long t0 = System.nanoTime();
    for (long i = 0; i < n; i++) {
      long due = t0 + (long) (i * interval);
      long now = System.nanoTime();
      // Sleep, never spin: the generator must not take a core from the server. Oversleeping delays
      // the send, and the latency, measured from the due time, counts it.
      while (now < due) {
        LockSupport.parkNanos(due - now);
        now = System.nanoTime();
      }
      sent++;
      if (!slots.tryAcquire(TIMEOUT.toNanos(), TimeUnit.NANOSECONDS)) {
        errors.incrementAndGet();
        timeouts.incrementAndGet();
        firstError.compareAndSet(null, "no answer to " + maxInFlight + " open requests within " + TIMEOUT.toSeconds()
            + " s");
        latency.recordValue((System.nanoTime() - due) / 1000);
        continue;
      }
      HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(TIMEOUT)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get((int) (i % bodies.size()))));
      token.ifPresent(t -> req.header("Authorization", "Bearer " + t));
      client.sendAsync(req.build(), HttpResponse.BodyHandlers.ofByteArray()).whenComplete((r, e) -> {
        latency.recordValue(Math.max(0, System.nanoTime() - due) / 1000);
        if (e != null) {
          errors.incrementAndGet();
          Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
          if (cause instanceof java.net.http.HttpTimeoutException) {
            timeouts.incrementAndGet();
          }
          firstError.compareAndSet(null, cause.toString());
        } else if (r.statusCode() == 200) {
          ok.incrementAndGet();
        } else if (r.statusCode() == 503) {
          shed.incrementAndGet();
        } else {
          errors.incrementAndGet();
          firstError.compareAndSet(null, r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8).strip());
        }
        // Last: the run's end waits for every slot, and then reads the counts.
        slots.release();
      });
    }
    double sending = (System.nanoTime() - t0) / 1e9;
    if (!slots.tryAcquire(maxInFlight, TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(5), TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("requests still open " + (TIMEOUT.toSeconds() + 5) + " s after the last was"
          + " sent, past their own timeout");
    }
    return new Result(rate, sending, sent, ok.get(), shed.get(), errors.get(), timeouts.get(), latency.getIntervalHistogram(),
        Optional.ofNullable(firstError.get()));
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
