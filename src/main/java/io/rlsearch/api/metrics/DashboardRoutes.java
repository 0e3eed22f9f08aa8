package io.rlsearch.api.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.marshalling.sse.EventStreamMarshalling;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.sse.ServerSentEvent;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.BroadcastHub;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;

/**
 * The live page's routes, on any Pekko HTTP server of a run: {@code GET /metrics} (Prometheus text
 * format), {@code GET /events} (server-sent events, JSON), {@code GET /} (the page, from
 * {@code dashboards/index.html}) and the chart library it uses ({@code /assets/uPlot.*}, from the uPlot
 * WebJar: no network needed).
 *
 * <p>Events go into a dropping queue in front of a {@link BroadcastHub}; each browser reads the hub
 * through its own dropping buffer, so neither a slow browser nor no browser at all ever slows the run
 * (old events are dropped instead).
 */
public final class DashboardRoutes extends AllDirectives {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";

  private final Telemetry telemetry;
  private final SourceQueueWithComplete<String> queue;
  private final Source<String, NotUsed> hub;
  private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();

  /** Routes over {@code telemetry}, its event stream materialised in {@code system}. */
  public DashboardRoutes(Telemetry telemetry, ActorSystem<?> system) {
    this.telemetry = telemetry;
    Pair<SourceQueueWithComplete<String>, Source<String, NotUsed>> p = Source.<String>queue(1024,
            OverflowStrategy.dropHead())
        .toMat(BroadcastHub.of(String.class, 256), Keep.both())
        .run(Materializer.matFromSystem(system));
    this.queue = p.first();
    this.hub = p.second();
    // Keep the hub drained when no browser is attached, so the queue never holds stale events.
    hub.runWith(org.apache.pekko.stream.javadsl.Sink.ignore(), Materializer.matFromSystem(system));
    telemetry.listen(this::offer);
  }

  /** Policy events kept for a page opened later (every one, up to this many). */
  static final int POLICY_HISTORY = 500;

  /** Other events (metrics, health) kept for a page opened later: the last few minutes of each series. */
  static final int SERIES_HISTORY = 2000;

  private final java.util.ArrayDeque<String> policyHistory = new java.util.ArrayDeque<>();
  private final java.util.ArrayDeque<String> seriesHistory = new java.util.ArrayDeque<>();

  private void offer(Map<String, Object> event) {
    String line;
    try {
      line = JSON.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      dropped.incrementAndGet();
      return;
    }
    synchronized (policyHistory) {
      java.util.ArrayDeque<String> h = "event".equals(event.get("type")) ? policyHistory : seriesHistory;
      h.addLast(line);
      if (h.size() > (h == policyHistory ? POLICY_HISTORY : SERIES_HISTORY)) {
        h.removeFirst();
      }
    }
    queue.offer(line);
  }

  /** What happened before now: the kept series events, then the policy events, in order of time each. */
  List<String> history() {
    synchronized (policyHistory) {
      List<String> out = new java.util.ArrayList<>(seriesHistory);
      out.addAll(policyHistory);
      return out;
    }
  }

  /**
   * The event stream as one subscriber sees it (dropping, with keep-alive): first the recent history
   * (a page opened after a rollback shows it), then what happens next.
   */
  public Source<String, NotUsed> events() {
    return hub.buffer(256, OverflowStrategy.dropHead()).prepend(Source.lazySource(() -> Source.from(history()))
        .mapMaterializedValue(f -> NotUsed.getInstance()));
  }

  /** The routes. */
  public Route route() {
    return concat(
        path("metrics", () -> get(() -> complete(HttpResponse.create().withEntity(
            ContentTypes.create(MediaTypes.TEXT_PLAIN, org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8),
            telemetry.scrape())))),
        path("events", () -> get(() -> completeOK(events().map(ServerSentEvent::create)
            .keepAlive(Duration.ofSeconds(10), ServerSentEvent::heartbeat), EventStreamMarshalling.toEventStream()))),
        pathSingleSlash(() -> get(() -> resource("dashboards/index.html", ContentTypes.TEXT_HTML_UTF8))),
        path(segment("assets").slash("uPlot.iife.min.js"), () -> get(() -> resource(UPLOT + "uPlot.iife.min.js",
            ContentTypes.create(MediaTypes.APPLICATION_JAVASCRIPT, org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8)))),
        path(segment("assets").slash("uPlot.min.css"), () -> get(() -> resource(UPLOT + "uPlot.min.css",
            ContentTypes.create(MediaTypes.TEXT_CSS, org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8)))));
  }

  private static org.apache.pekko.http.javadsl.server.PathMatcher0 segment(String s) {
    return org.apache.pekko.http.javadsl.server.PathMatchers.segment(s);
  }

  private Route resource(String name, ContentType type) {
    try (InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        return complete(HttpResponse.create().withStatus(404).withEntity(ContentTypes.APPLICATION_JSON,
            "{\"error\": \"missing resource " + name + "\"}"));
      }
      return complete(HttpResponse.create().withEntity(type, in.readAllBytes()));
    } catch (IOException e) {
      return complete(HttpResponse.create().withStatus(500).withEntity(ContentTypes.APPLICATION_JSON,
          "{\"error\": \"cannot read " + name + "\"}"));
    }
  }
}
