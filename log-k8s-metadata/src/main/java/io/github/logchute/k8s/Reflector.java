package io.github.logchute.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.logchute.core.Clock;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.pipeline.Backoff;
import io.github.logchute.core.spi.RetryAfter;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Mirrors one kind of Kubernetes object (pods on this node, namespaces) into a {@link Handler} with
 * one list and then one long watch, the way client-go's Reflector does.
 */
final class Reflector<T> implements AutoCloseable {

  /*
   * Design notes.
   *
   * States: LIST → WATCH → (stream ends) → WATCH again from the kept resourceVersion, or LIST again
   * (410 Gone: the version is too old to watch from). Every list uses resourceVersion=0 so the API
   * server answers from its watch cache, where spec.nodeName is indexed; every watch asks for
   * bookmarks, whose only content is a newer resourceVersion to keep.
   *
   * Nothing blocks a thread: the list is an async request with a buffered body, the watch an async
   * request whose body is fed line by line (the API server writes one JSON event per line) to a
   * subscriber. Failures are retried after a jittered exponential back-off on the scheduler. Each
   * watch has a generation number; a callback of an abandoned watch (cancelled after a bad event,
   * an ERROR event or an idle timeout) finds its generation stale and does nothing, so at most one
   * watch is ever open. A stream that delivered something and then ended cleanly (the server's
   * timeoutSeconds) is re-opened at once; one that ended having said nothing waits the back-off, so
   * a server closing streams at once is not hammered.
   *
   * The idle check (once a second) abandons a watch that has not answered with headers within the
   * request timeout, or has said nothing for longer than the watch timeout plus a margin: a
   * half-open TCP connection otherwise waits forever.
   */

  /** Receives the objects; called under the reflector's lock, one call at a time. */
  interface Handler<T> {
    /** The complete current set after a (re)list; objects absent from it were deleted. */
    void replace(List<T> objects);

    /** A watch event: {@code ADDED}, {@code MODIFIED} or {@code DELETED}. */
    void apply(String type, T object);
  }

  private static final System.Logger LOG = System.getLogger(Reflector.class.getName());
  private static final long IDLE_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(30);
  private static final long MAX_RETRY_AFTER_SECONDS = 300;

  private final String resource;
  private final String path;
  private final String selector;
  private final KubeApi api;
  private final ObjectMapper mapper;
  private final Function<JsonNode, T> convert;
  private final Handler<T> handler;
  private final ScheduledExecutorService scheduler;
  private final Backoff backoff;
  private int failures; // in a row, for the back-off; reset by a success
  private final long watchTimeoutSeconds;
  private final long requestTimeoutNanos;
  private final Clock clock;
  private final KubeMetrics.ForResource metrics;
  private final RateLimitedLogger log;
  private final CompletableFuture<Void> firstListDone = new CompletableFuture<>();
  private volatile boolean synced;

  private String resourceVersion;
  private boolean closed;
  private long generation;
  private boolean watching;
  private boolean headersSeen;
  private boolean linesSeen;
  private long lastActivity;
  private Flow.Subscription subscription;
  private CompletableFuture<?> inFlight;

  /**
   * @param resource the resource's plural name, for metrics and logs ({@code pods})
   * @param path the collection path ({@code /api/v1/pods})
   * @param fieldSelector a field selector ({@code spec.nodeName=node-1}), or null
   */
  Reflector(
      String resource,
      String path,
      String fieldSelector,
      KubeApi api,
      ObjectMapper mapper,
      Function<JsonNode, T> convert,
      Handler<T> handler,
      ScheduledExecutorService scheduler,
      KubernetesEnricher.Settings settings,
      Clock clock,
      RandomGenerator random,
      KubeMetrics metrics) {
    this.resource = resource;
    this.path = path;
    this.selector =
        fieldSelector == null
            ? ""
            : "fieldSelector=" + URLEncoder.encode(fieldSelector, StandardCharsets.UTF_8) + "&";
    this.api = api;
    this.mapper = mapper;
    this.convert = convert;
    this.handler = handler;
    this.scheduler = scheduler;
    this.backoff = new Backoff(settings.backoffInitial(), settings.backoffMax(), random);
    this.watchTimeoutSeconds = Math.max(1, settings.watchTimeout().toSeconds());
    this.requestTimeoutNanos = settings.requestTimeout().toNanos();
    this.clock = clock;
    this.metrics = metrics.forResource(resource);
    this.log = new RateLimitedLogger(LOG, TimeUnit.SECONDS.toNanos(10), clock);
  }

  /** Starts listing; returns at once. */
  void start() {
    schedule(this::list, 0);
    try {
      scheduler.scheduleWithFixedDelay(this::checkIdle, 1, 1, TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) {
      // closed before it started
    }
  }

  /** Completes after the first list attempt, whether it succeeded or not. */
  /** True once a list has succeeded (the cache mirrors the API since). */
  boolean synced() {
    return synced;
  }

  CompletableFuture<Void> firstListDone() {
    return firstListDone;
  }

  private synchronized void list() {
    if (closed) {
      return;
    }
    metrics.requests("list").increment();
    CompletableFuture<HttpResponse<byte[]>> cf =
        api.get(path + "?" + selector + "resourceVersion=0");
    inFlight = cf;
    cf.whenComplete(this::onList);
  }

  private synchronized void onList(HttpResponse<byte[]> response, Throwable error) {
    if (closed) {
      return;
    }
    try {
      if (error != null) {
        failed("list", error.toString());
        schedule(this::list, nextDelayNanos());
        return;
      }
      int status = response.statusCode();
      if (status != 200) {
        if (status == 401) {
          api.tokenRejected();
        }
        failed("list", "HTTP " + status + " " + KubeApi.brief(response.body()));
        schedule(this::list, delayAfter(response));
        return;
      }
      List<T> objects = new ArrayList<>();
      String rv = KubeLists.parse(mapper, response.body(), convert, objects);
      handler.replace(objects);
      resourceVersion = rv;
      synced = true;
      failures = 0;
      watch();
    } catch (IOException | RuntimeException e) {
      failed("list", "unreadable list: " + e);
      schedule(this::list, nextDelayNanos());
    } finally {
      firstListDone.complete(null);
    }
  }

  private synchronized void watch() {
    if (closed) {
      return;
    }
    long gen = ++generation;
    watching = true;
    headersSeen = false;
    linesSeen = false;
    subscription = null;
    lastActivity = clock.nanoTime();
    metrics.requests("watch").increment();
    String query =
        "?watch=1&"
            + selector
            + "resourceVersion="
            + URLEncoder.encode(resourceVersion, StandardCharsets.UTF_8)
            + "&allowWatchBookmarks=true&timeoutSeconds="
            + watchTimeoutSeconds;
    Lines lines = new Lines(gen);
    CompletableFuture<HttpResponse<String>> cf =
        api.stream(
            path + query,
            info -> {
              headers(gen);
              return info.statusCode() == 200
                  ? HttpResponse.BodySubscribers.fromLineSubscriber(
                      lines, l -> "", StandardCharsets.UTF_8, "\n")
                  : HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8);
            });
    inFlight = cf;
    cf.whenComplete((r, e) -> watchEnded(gen, r, e));
  }

  private synchronized void headers(long gen) {
    if (gen == generation) {
      headersSeen = true;
      lastActivity = clock.nanoTime();
    }
  }

  private synchronized void watchEnded(long gen, HttpResponse<String> response, Throwable error) {
    if (closed || gen != generation) {
      return;
    }
    watching = false;
    metrics.watchRestarts.increment();
    if (error != null) {
      failed("watch", error.toString());
      schedule(this::watch, nextDelayNanos());
      return;
    }
    int status = response.statusCode();
    if (status == 200) {
      if (linesSeen) {
        watch(); // the server's timeoutSeconds, or a proxy's: carry on from the kept version
      } else {
        schedule(this::watch, nextDelayNanos());
      }
    } else if (status == 410) {
      relist("HTTP 410 Gone");
    } else {
      if (status == 401) {
        api.tokenRejected();
      }
      failed(
          "watch",
          "HTTP " + status + " " + KubeApi.brief(response.body().getBytes(StandardCharsets.UTF_8)));
      schedule(this::watch, delayAfter(response));
    }
  }

  private synchronized void line(long gen, String line) {
    if (closed || gen != generation || line.isBlank()) {
      return;
    }
    lastActivity = clock.nanoTime();
    linesSeen = true;
    JsonNode event;
    try {
      event = mapper.readTree(line);
    } catch (IOException e) {
      event = null;
    }
    String type = event == null ? null : PodParser.text(event, "type");
    JsonNode object = event == null ? null : event.path("object");
    if (type == null || !object.isObject()) {
      abandon("unreadable watch event: " + KubeApi.brief(line.getBytes(StandardCharsets.UTF_8)));
      return;
    }
    metrics.events.increment();
    switch (type) {
      case "BOOKMARK":
        keepVersion(object);
        break;
      case "ERROR":
        if (object.path("code").asInt() == 410) {
          abandonQuietly();
          relist("watch ERROR 410 " + PodParser.text(object, "message"));
        } else {
          abandon(
              "watch ERROR "
                  + object.path("code").asInt()
                  + " "
                  + PodParser.text(object, "message"));
        }
        break;
      case "ADDED":
      case "MODIFIED":
      case "DELETED":
        try {
          T item = convert.apply(object);
          if (item != null) {
            handler.apply(type, item);
          }
        } catch (RuntimeException e) {
          abandon("cannot apply a " + type + " event: " + e);
          return;
        }
        keepVersion(object);
        failures = 0;
        break;
      default:
        log.log(Level.DEBUG, "{0}: ignoring watch event type {1}", resource, type);
    }
  }

  private void keepVersion(JsonNode object) {
    String rv = PodParser.text(object.path("metadata"), "resourceVersion");
    if (rv != null) {
      resourceVersion = rv;
    }
  }

  /**
   * Lists again, after the back-off: a server that answers every watch with 410 is not hammered.
   */
  private void relist(String why) {
    metrics.relists.increment();
    log.log(Level.INFO, "{0}: listing again ({1})", resource, why);
    schedule(this::list, nextDelayNanos());
  }

  /** The back-off, or the server's {@code Retry-After} (429, 503) when that is longer. */
  private long delayAfter(HttpResponse<?> response) {
    Duration serverDelay =
        RetryAfter.parse(
            response.headers().firstValue("Retry-After").orElse(null),
            clock.epochNanos(),
            Duration.ofSeconds(MAX_RETRY_AFTER_SECONDS));
    return backoff.delayNanos(oneMoreFailure(), serverDelay);
  }

  /** The back-off after one more failure in a row. Lock held. */
  private long nextDelayNanos() {
    return backoff.delayNanos(oneMoreFailure());
  }

  /** Counts one more failure in a row; returns the count (the attempt number). Lock held. */
  private int oneMoreFailure() {
    if (failures < Integer.MAX_VALUE) {
      failures++;
    }
    return failures;
  }

  /** Gives up the current watch after a bad event and watches again after the back-off. */
  private void abandon(String why) {
    failed("watch", why);
    abandonQuietly();
    schedule(this::watch, nextDelayNanos());
  }

  private void abandonQuietly() {
    metrics.watchRestarts.increment();
    cancelWatch();
  }

  private void cancelWatch() {
    generation++;
    watching = false;
    Flow.Subscription s = subscription;
    subscription = null;
    if (s != null) {
      s.cancel();
    }
    if (inFlight != null) {
      inFlight.cancel(true);
    }
  }

  private synchronized void checkIdle() {
    if (closed || !watching) {
      return;
    }
    long idle = clock.nanoTime() - lastActivity;
    long limit =
        headersSeen
            ? TimeUnit.SECONDS.toNanos(watchTimeoutSeconds) + IDLE_MARGIN_NANOS
            : requestTimeoutNanos;
    if (idle > limit) {
      abandon(headersSeen ? "watch silent for too long" : "no answer to the watch request");
    }
  }

  private void failed(String verb, String why) {
    metrics.apiErrors.increment();
    log.log(Level.WARNING, "Kubernetes API {0} {1} failed: {2}", verb, resource, why);
  }

  private void schedule(Runnable task, long delayNanos) {
    try {
      scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    cancelWatch();
    firstListDone.complete(null);
  }

  /** The watch body's lines, for one generation. */
  private final class Lines implements Flow.Subscriber<String> {
    private final long gen;

    Lines(long gen) {
      this.gen = gen;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      synchronized (Reflector.this) {
        if (closed || gen != generation) {
          s.cancel();
          return;
        }
        subscription = s;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(String item) {
      line(gen, item);
    }

    @Override
    public void onError(Throwable throwable) {
      // the response stage fails too: handled in watchEnded
    }

    @Override
    public void onComplete() {
      // the response stage completes too: handled in watchEnded
    }
  }
}
