package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.Clock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.Redact;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkLimits;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ships records to Google Cloud Logging with {@code entries.write} (SPECS.md 3): one {@code
 * k8s_container} entry per record, JSON application logs as {@code jsonPayload} with Google's
 * special keys promoted, a stable {@code insertId} per record, {@code partialSuccess: true}.
 *
 * <pre>{@code
 * StackdriverSink sink = StackdriverSink.create(
 *     StackdriverConfig.builder().project("my-project").clusterName("prod").build(),
 *     metrics, Clock.system());
 * }</pre>
 *
 * <p>Authentication: a service-account key ({@code credentialsFile}) exchanged for tokens with a
 * signed JWT, else the metadata server's token. Tokens are cached until shortly before they expire
 * and fetched asynchronously: {@link #send} never blocks. A 401 drops the token and the request is
 * sent once more with a fresh one. HTTP runs on the JDK client with two daemon threads owned by the
 * sink, stopped by {@link #close()}.
 */
public final class StackdriverSink implements Sink {

  private static final System.Logger LOG = System.getLogger(StackdriverSink.class.getName());

  /** The API's request size limit, SPECS.md 3.6 ({@code 10485760} bytes). */
  public static final int MAX_REQUEST_BYTES = 10 * 1024 * 1024;

  private static final AtomicInteger SINKS = new AtomicInteger();

  private final StackdriverConfig config;
  private final SinkLimits limits;
  private final URI writeUri;
  private final ExecutorService executor;
  private final HttpClient http;
  private final TokenCache tokens;
  private final BatchEncoder encoder;
  private final ResponseClassifier classifier;
  private final SinkMetrics metrics;
  private final RateLimitedLogger ioLog;

  private StackdriverSink(
      StackdriverConfig config,
      ExecutorService executor,
      HttpClient http,
      TokenFetcher fetcher,
      String fixedProject,
      MetadataServer metadata,
      MetricsRegistry registry,
      Clock clock) {
    this.config = config;
    this.executor = executor;
    this.http = http;
    this.metrics = new SinkMetrics(registry);
    this.limits =
        new SinkLimits(
            config.maxBatchRecords(),
            config.maxBatchBytes(),
            config.linger(),
            config.maxInFlight());
    this.writeUri = URI.create(config.url() + StackdriverConfig.WRITE_PATH);
    this.ioLog = logger(clock, 10);
    this.tokens =
        new TokenCache(
            fetcher, clock, metrics.tokensFetched, metrics.tokenErrors, logger(clock, 10));
    ProjectLookup lookup =
        fixedProject != null
            ? null
            : new ProjectLookup(
                metadata::projectId,
                min(config.requestTimeout(), Duration.ofSeconds(5)),
                clock,
                logger(clock, 30));
    this.encoder =
        new BatchEncoder(
            config,
            fixedProject,
            lookup == null ? () -> null : lookup::get,
            metrics,
            logger(clock, 60));
    this.classifier =
        new ResponseClassifier(
            metrics,
            config.forbiddenRetryDelay(),
            fixedProject,
            logger(clock, 10),
            logger(clock, 60),
            clock);
  }

  /**
   * Builds a sink; reads the credentials file, if any.
   *
   * @throws ConfigException if the credentials file cannot be used (naming {@code credentialsFile})
   */
  public static StackdriverSink create(
      StackdriverConfig config, MetricsRegistry metrics, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(clock, "clock");
    ServiceAccountKey key = null;
    if (config.credentialsFile() != null) {
      try {
        key = ServiceAccountKey.load(config.credentialsFile());
      } catch (IOException e) {
        throw new ConfigException(config.keyPath("credentialsFile"), e.getMessage());
      }
    }
    int id = SINKS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t =
                  new Thread(r, "logchute-stackdriver-" + id + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    HttpClient http =
        HttpClient.newBuilder()
            .executor(executor)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(min(config.requestTimeout(), Duration.ofSeconds(10)))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    MetadataServer metadata =
        new MetadataServer(config.metadataUrl(), http, config.requestTimeout(), clock);
    TokenFetcher fetcher =
        key == null
            ? metadata
            : new ServiceAccountTokenFetcher(
                key,
                config.tokenUrl() != null ? config.tokenUrl() : key.tokenUri(),
                http,
                config.requestTimeout(),
                clock);
    String project =
        config.project() != null ? config.project() : key == null ? null : key.projectId();
    LOG.log(
        System.Logger.Level.INFO,
        "stackdriver: writing to {0} as {1}, project {2}",
        Redact.url(config.url()),
        fetcher.describe(),
        project != null ? project : "from record metadata or the metadata server");
    return new StackdriverSink(config, executor, http, fetcher, project, metadata, metrics, clock);
  }

  @Override
  public SinkLimits limits() {
    return limits;
  }

  @Override
  public EncodedBatch encode(List<LogRecord> records) {
    return encoder.encode(records);
  }

  @Override
  public CompletionStage<SendOutcome> send(EncodedBatch batch) {
    byte[] body = batch.body();
    if (body.length > MAX_REQUEST_BYTES) {
      metrics.tooLarge.increment();
      return CompletableFuture.completedFuture(
          SendOutcome.tooLarge(
              "request of "
                  + body.length
                  + " bytes is over the API's limit of "
                  + MAX_REQUEST_BYTES));
    }
    BatchEncoder.BatchInfo info = encoder.info(body);
    if (info != null && info.entryToRecord().length == 0) {
      return CompletableFuture.completedFuture(new SendOutcome.PartiallyAccepted(info.skipped()));
    }
    CompletableFuture<SendOutcome> outcome;
    try {
      outcome =
          tokens
              .token()
              .thenCompose(
                  token ->
                      post(body, token)
                          .thenCompose(
                              r -> {
                                if (r.statusCode() != 401) {
                                  return CompletableFuture.completedFuture(
                                      classifier.classify(r, info));
                                }
                                // the token was revoked or expired early: once more, fresh token
                                metrics.unauthorized.increment();
                                tokens.invalidate(token);
                                return tokens
                                    .token()
                                    .thenCompose(fresh -> post(body, fresh))
                                    .thenApply(r2 -> classifier.classify(r2, info));
                              }));
    } catch (RuntimeException e) {
      outcome = CompletableFuture.failedFuture(e);
    }
    return outcome.exceptionally(this::failure);
  }

  private CompletableFuture<HttpResponse<byte[]>> post(byte[] body, AccessToken token) {
    HttpRequest request =
        HttpRequest.newBuilder(writeUri)
            .version(
                "https".equals(writeUri.getScheme())
                    ? HttpClient.Version.HTTP_2
                    : HttpClient.Version.HTTP_1_1)
            .timeout(config.requestTimeout())
            .header("Authorization", "Bearer " + token.value())
            .header("Content-Type", "application/json; charset=utf-8")
            .header("User-Agent", "logchute-stackdriver")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    metrics.requestBytes.add(body.length);
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private SendOutcome failure(Throwable e) {
    Throwable cause = e;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    String reason =
        cause instanceof HttpTimeoutException
            ? "no answer within " + config.requestTimeout().toMillis() + " ms"
            : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    metrics.failed.increment();
    ioLog.log(System.Logger.Level.WARNING, "stackdriver: request failed: {0}", reason);
    return SendOutcome.retry(Duration.ZERO, reason);
  }

  /** Stops the sink's HTTP threads; sends still in flight fail (the pipeline retries them). */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(2, TimeUnit.SECONDS)) {
        LOG.log(System.Logger.Level.WARNING, "stackdriver: HTTP threads did not stop within 2 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "StackdriverSink{" + config + "}";
  }

  private static RateLimitedLogger logger(Clock clock, int seconds) {
    return new RateLimitedLogger(LOG, seconds * 1_000_000_000L, clock);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
