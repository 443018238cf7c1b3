package io.github.logchute.sink.datadog;

import com.fasterxml.jackson.core.JsonFactory;
import io.github.logchute.core.Clock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkLimits;
import java.lang.System.Logger.Level;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends logs to the Datadog Logs HTTP intake v2 ({@code POST /api/v2/logs}, SPECS.md §2).
 *
 * <pre>{@code
 * DatadogSinkConfig config = DatadogSinkConfig.builder()
 *     .site("datadoghq.eu")
 *     .apiKey(System.getenv("DD_API_KEY"))
 *     .build();
 * Sink sink = new DatadogSink(config, metrics, Clock.system());
 * Pipeline pipeline = Pipeline.builder().sink("datadog", sink).metrics(metrics).build().start();
 * }</pre>
 *
 * <p>The sink encodes (the JSON array of logs, gzip) and classifies answers; batching, linger,
 * retries, splitting and acknowledgements are the pipeline's. Encoding never blocks on I/O; sends
 * are asynchronous on the JDK HTTP client with two daemon threads of the sink's own, released by
 * {@link #close()}.
 */
public final class DatadogSink implements Sink {

  private static final System.Logger LOG = System.getLogger(DatadogSink.class.getName());
  private static final int RESPONSE_EXCERPT_BYTES = 4096;
  static final String USER_AGENT = "logchute/" + version();

  private final DatadogSinkConfig config;
  private final DatadogMetrics metrics;
  private final Clock clock;
  private final JsonFactory json = new JsonFactory();
  private final ConcurrentLinkedQueue<LogEncoder> encoders = new ConcurrentLinkedQueue<>();
  private final ThreadPoolExecutor executor;
  private final HttpClient client;
  private final Responses responses;
  private volatile boolean closed;

  public DatadogSink(DatadogSinkConfig config, MetricsRegistry metrics, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.metrics = new DatadogMetrics(Objects.requireNonNull(metrics, "metrics"));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.responses = new Responses(config, this.metrics, clock);
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            2,
            2,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "logchute-datadog-http-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    executor.allowCoreThreadTimeOut(true);
    this.client =
        HttpClient.newBuilder()
            .executor(executor)
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(min(config.requestTimeout(), Duration.ofSeconds(10)))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    if (!config.apiKey().looksValid()) {
      LOG.log(
          Level.WARNING,
          "the Datadog API key does not look like one (32 hexadecimal characters); sending anyway");
    }
    LOG.log(Level.INFO, "Datadog sink: {0}", config);
  }

  /** The configuration (its {@code toString()} masks the API key). */
  public DatadogSinkConfig config() {
    return config;
  }

  @Override
  public SinkLimits limits() {
    return config.limits();
  }

  @Override
  public EncodedBatch encode(List<LogRecord> records) {
    LogEncoder e = encoders.poll();
    if (e == null) {
      e = new LogEncoder(config, metrics, clock, json);
    }
    try {
      return e.encode(records);
    } finally {
      if (closed) {
        e.close();
      } else {
        encoders.offer(e);
      }
    }
  }

  @Override
  public CompletionStage<SendOutcome> send(EncodedBatch batch) {
    if (batch.uncompressedBytes() > DatadogSinkConfig.INTAKE_MAX_PAYLOAD_BYTES
        || batch.recordCount() > DatadogSinkConfig.INTAKE_MAX_RECORDS) {
      metrics.batchesOversized.increment();
      return CompletableFuture.completedFuture(
          SendOutcome.tooLarge(
              batch.recordCount()
                  + " logs encode to "
                  + batch.uncompressedBytes()
                  + " bytes, over the intake's "
                  + DatadogSinkConfig.INTAKE_MAX_PAYLOAD_BYTES
                  + " (not sent)"));
    }
    if (closed) {
      return CompletableFuture.completedFuture(
          SendOutcome.retry(Duration.ZERO, "the Datadog sink is closed"));
    }
    try {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(config.intakeUri())
              .timeout(config.requestTimeout())
              .header("DD-API-KEY", config.apiKey().value())
              .header("Content-Type", "application/json")
              .header("User-Agent", USER_AGENT)
              .header("DD-EVP-ORIGIN", "logchute")
              .header("DD-EVP-ORIGIN-VERSION", version())
              .POST(HttpRequest.BodyPublishers.ofByteArray(batch.body()));
      if (config.compressionLevel() > 0) {
        request.header("Content-Encoding", "gzip");
      }
      metrics.bytesSent.add(batch.body().length);
      metrics.bytesUncompressed.add(batch.uncompressedBytes());
      return client
          .sendAsync(request.build(), BodyExcerpt.handler(RESPONSE_EXCERPT_BYTES))
          .handle(
              (response, error) ->
                  error != null ? responses.failure(error) : responses.classify(response));
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(responses.failure(e));
    }
  }

  /** Stops the HTTP threads and frees the encoders' native memory. */
  @Override
  public void close() {
    closed = true;
    executor.shutdownNow();
    for (LogEncoder e; (e = encoders.poll()) != null; ) {
      e.close();
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static String version() {
    String v = DatadogSink.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
