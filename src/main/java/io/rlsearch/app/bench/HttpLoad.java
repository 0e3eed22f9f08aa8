package io.rlsearch.app.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-loop HTTP load generator: POSTs bodies to one URL at a fixed rate over a fixed number of
 * keep-alive connections, each request at its scheduled time whatever the answers before it did, and
 * measures each latency from that scheduled start to the answer. A stall therefore shows in full in
 * the percentiles instead of delaying the requests that would have seen it (coordinated omission): the
 * schedule wrk2 keeps. Request i is due at i / rate seconds and goes on connection i mod C; a request
 * whose connection is still busy is sent late, and its wait counts in its latency.
 *
 * <p>It speaks plain HTTP/1.1 over blocking sockets, one thread per connection, sleeping between
 * requests: the generator shares the machine with the server it measures, so its own cost must be
 * small. ({@code java.net.http} opened a new connection for every request open at once and cost the
 * server most of a core.)
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
   * @param unsent requests never sent: their connection was still busy {@link #TIMEOUT} after their due
   *     time (also counted in errors, with that wait as their latency)
   * @param ok answered 200
   * @param shed answered 503 (the server refused them under overload)
   * @param errors answered with another status, failed or timed out
   * @param timeouts of the errors, those without an answer within {@link #TIMEOUT}
   * @param latency every request's time from its scheduled start to its answer (any answer), in microseconds
   * @param firstError the first error's status and body, or its exception
   */
  public record Result(double rate, double seconds, long sent, long unsent, long ok, long shed, long errors, long timeouts,
      Histogram latency, Optional<String> firstError) {
    /** A latency percentile in milliseconds. */
    public double ms(double percentile) {
      return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1000.0;
    }
  }

  private final String host;
  private final int port;
  private final List<byte[]> requests;
  private final int connections;
  private final Duration timeout;
  private final List<Socket> open = new ArrayList<>();

  /**
   * A generator for {@code url}.
   *
   * @param bodies the bodies, sent in turn
   * @param token a bearer token to send, if any
   * @param connections keep-alive connections (and so most requests open at once)
   */
  public HttpLoad(URI url, List<byte[]> bodies, Optional<String> token, int connections) {
    this(url, bodies, token, connections, TIMEOUT);
  }

  /** As above, with {@code timeout} in place of {@link #TIMEOUT} (tests). */
  HttpLoad(URI url, List<byte[]> bodies, Optional<String> token, int connections, Duration timeout) {
    this.timeout = timeout;
    if (bodies.isEmpty() || connections < 1) {
      throw new IllegalArgumentException("a load needs bodies and at least one connection");
    }
    if (!"http".equals(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException("the load speaks plain http to a host, got " + url);
    }
    this.host = url.getHost();
    this.port = url.getPort() < 0 ? 80 : url.getPort();
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    List<byte[]> built = new ArrayList<>();
    for (byte[] body : bodies) {
      String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n"
          + token.map(t -> "Authorization: Bearer " + t + "\r\n").orElse("") + "\r\n";
      byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
      byte[] whole = new byte[h.length + body.length];
      System.arraycopy(h, 0, whole, 0, h.length);
      System.arraycopy(body, 0, whole, h.length, body.length);
      built.add(whole);
    }
    this.requests = List.copyOf(built);
    this.connections = connections;
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
    AtomicLong sent = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong shed = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    AtomicLong timeouts = new AtomicLong();
    AtomicLong unsent = new AtomicLong();
    AtomicLong lastSend = new AtomicLong();
    AtomicReference<String> firstError = new AtomicReference<>();
    long t0 = System.nanoTime() + 1_000_000;
    int c = (int) Math.min(connections, Math.max(1, n));
    List<Thread> workers = new ArrayList<>();
    for (int j = 0; j < c; j++) {
      int first = j;
      Thread t = new Thread(() -> {
        Connection conn = null;
        try {
          for (long i = first; i < n && !Thread.currentThread().isInterrupted(); i += c) {
            long due = t0 + (long) (i * interval);
            long now = System.nanoTime();
            // Sleep, never spin: the generator must not take a core from the server. Oversleeping
            // delays the send, and the latency, measured from the due time, counts it.
            while (now < due) {
              LockSupport.parkNanos(due - now);
              now = System.nanoTime();
            }
            if (now - due > timeout.toNanos()) {
              // Its connection was busy for a whole timeout past its due time (the server answers
              // slower than the rate): it is not sent, and counts as an error with the wait it had.
              unsent.incrementAndGet();
              errors.incrementAndGet();
              latency.recordValue((now - due) / 1000);
              firstError.compareAndSet(null, "not sent: its connection was still busy " + timeout.toMillis()
                  + " ms after it was due (the server answers slower than the rate)");
              continue;
            }
            sent.incrementAndGet();
            lastSend.accumulateAndGet(now, Math::max);
            int status;
            String body;
            try {
              if (conn == null) {
                conn = connect();
              }
              Answer a = conn.exchange(requests.get((int) (i % requests.size())));
              status = a.status();
              body = a.body();
              if (a.close()) {
                conn.close();
                conn = null;
              }
            } catch (IOException | RuntimeException e) {
              // A malformed answer (a bad Content-Length, a bad chunk size) is an error of this request,
              // never the end of its connection's thread.
              status = -1;
              body = e instanceof java.net.SocketTimeoutException ? "no answer within " + timeout.toMillis() + " ms"
                  : e.toString();
              if (e instanceof java.net.SocketTimeoutException) {
                timeouts.incrementAndGet();
              }
              if (conn != null) {
                conn.close();
                conn = null;
              }
            }
            latency.recordValue(Math.max(0, System.nanoTime() - due) / 1000);
            if (status == 200) {
              ok.incrementAndGet();
            } else if (status == 503) {
              shed.incrementAndGet();
            } else {
              errors.incrementAndGet();
              firstError.compareAndSet(null, status < 0 ? body : status + " " + body.strip());
            }
          }
        } finally {
          if (conn != null) {
            conn.close();
          }
        }
      }, "bench-http-" + j);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
    // Sending stops a timeout past the last due time, and an answer takes at most another: past both
    // (and 5 s), the connections are closed, which ends any read or write still blocked.
    long deadline = t0 + (long) (seconds * 1e9) + timeout.toNanos() * 2 + 5_000_000_000L;
    joinUntil(workers, deadline);
    if (workers.stream().anyMatch(Thread::isAlive)) {
      workers.forEach(Thread::interrupt);
      close();
      joinUntil(workers, System.nanoTime() + 5_000_000_000L);
      if (workers.stream().anyMatch(Thread::isAlive)) {
        throw new IllegalStateException("connections still busy " + (timeout.toSeconds() * 2 + 10) + " s after the"
            + " last request was due, after they were closed");
      }
    }
    double sending = Math.max(seconds, (lastSend.get() - t0) / 1e9);
    return new Result(rate, sending, sent.get(), unsent.get(), ok.get(), shed.get(), errors.get(), timeouts.get(),
        latency.getIntervalHistogram(), Optional.ofNullable(firstError.get()));
  }

  private static void joinUntil(List<Thread> workers, long deadline) throws InterruptedException {
    for (Thread t : workers) {
      long left = deadline - System.nanoTime();
      if (left > 0) {
        t.join(Math.max(1, left / 1_000_000));
      }
    }
  }

  private Connection connect() throws IOException {
    Socket s = new Socket();
    try {
      s.setTcpNoDelay(true);
      s.setSoTimeout((int) timeout.toMillis());
      s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
    } catch (IOException e) {
      s.close();
      throw e;
    }
    synchronized (open) {
      open.add(s);
    }
    return new Connection(s);
  }

  /** An answer's status, its body as text (read only when it is not a 200) and whether the server closes. */
  private record Answer(int status, String body, boolean close) {}

  /** One keep-alive connection: writes a whole request, reads one answer (Content-Length or chunked). */
  private final class Connection {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
      this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    Answer exchange(byte[] request) throws IOException {
      out.write(request);
      out.flush();
      String statusLine = line();
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP/1.1 answer: '" + statusLine + "'");
      }
      int status;
      try {
        status = Integer.parseInt(parts[1]);
      } catch (NumberFormatException e) {
        throw new IOException("not an HTTP status: '" + statusLine + "'");
      }
      long length = -1;
      boolean chunked = false;
      boolean close = parts[0].equals("HTTP/1.0");
      for (String h = line(); !h.isEmpty(); h = line()) {
        int colon = h.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "connection" -> close = value.equalsIgnoreCase("close");
          default -> { }
        }
      }
      ByteArrayOutputStream kept = status == 200 ? null : new ByteArrayOutputStream();
      if (chunked) {
        for (long size = Long.parseLong(line().split(";", 2)[0].trim(), 16); size > 0;
            size = Long.parseLong(line().split(";", 2)[0].trim(), 16)) {
          body(size, kept);
          line();
        }
        for (String t = line(); !t.isEmpty(); t = line()) {
          // trailers, ignored
        }
      } else if (length >= 0) {
        body(length, kept);
      } else {
        throw new IOException("an answer without Content-Length or chunked encoding");
      }
      return new Answer(status, kept == null ? "" : kept.toString(StandardCharsets.UTF_8), close);
    }

    private void body(long size, ByteArrayOutputStream kept) throws IOException {
      byte[] buf = new byte[(int) Math.min(size, 8192)];
      long left = size;
      while (left > 0) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (r < 0) {
          throw new IOException("the connection closed inside an answer's body");
        }
        if (kept != null && kept.size() < 4096) {
          kept.write(buf, 0, r);
        }
        left -= r;
      }
    }

    private String line() throws IOException {
      StringBuilder b = new StringBuilder(64);
      for (int ch = in.read(); ch != '\n'; ch = in.read()) {
        if (ch < 0) {
          throw new IOException("the connection closed inside an answer's head");
        }
        if (ch != '\r') {
          b.append((char) ch);
        }
        if (b.length() > 16 * 1024) {
          throw new IOException("an answer's head line longer than 16 KiB");
        }
      }
      return b.toString();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing a connection that failed
      }
      synchronized (open) {
        open.remove(socket);
      }
    }
  }

  @Override
  public void close() {
    synchronized (open) {
      for (Socket s : open) {
        try {
          s.close();
        } catch (IOException ignored) {
          // closing at the end
        }
      }
      open.clear();
    }
  }
}
