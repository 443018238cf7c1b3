package io.github.logchute.sink.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import io.github.logchute.core.Clock;
import io.github.logchute.core.ContainerRef;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkLimits;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends records to Apache Kafka: one Kafka record per log record, its value a JSON object ({@link
 * RecordJson}, format version 1), keyed by container (or pod, or not at all), with the source's
 * metadata as headers, to a topic that may depend on the namespace, pod or container.
 *
 * <pre>{@code
 * KafkaSinkConfig config = KafkaSinkConfig.builder()
 *     .bootstrapServers(List.of("kafka-0.kafka:9092"))
 *     .topic("logs-{namespace}")
 *     .build();
 * Sink sink = new KafkaSink(config, metrics, Clock.system());
 * }</pre>
 *
 * <p>{@link #encode} writes the batch's Kafka records into one body ({@link Frames}), so the
 * pipeline can send a batch again after a retry. {@link #send} hands them to one {@link
 * KafkaProducer} ({@code acks=all}, idempotent) and completes once the producer has answered for
 * every record: a batch is accepted only when the brokers acknowledged all of its records. A record
 * that can never be taken (too large, invalid) is dropped, counted and reported as rejected; an
 * authentication or authorization failure is retried after {@code authFailureRetryDelay} and logged
 * loudly at most once a minute; anything else is retried with the pipeline's back-off. Records of a
 * batch that the brokers already acknowledged are not sent again when the batch is retried.
 *
 * <p>Threads: the producer's network thread, and one thread of the sink's own that completes the
 * stages (so that the pipeline's acknowledgement work never runs on the network thread); {@link
 * #close()} stops both. {@code send} blocks at most about {@code max.block.ms} (1 s by default):
 * when the producer cannot take a record in time (no metadata, memory full), the rest of the batch
 * is not handed over and the batch is retried.
 */
public final class KafkaSink implements Sink {

  private static final System.Logger LOG = System.getLogger(KafkaSink.class.getName());

  /** The refused-credentials error is logged at most this often. */
  static final Duration AUTH_LOG_INTERVAL = Duration.ofMinutes(1);

  /** Header names, in the order written: the source's metadata (OpenTelemetry names). */
  static final List<String> HEADERS =
      List.of(
          MetadataKeys.K8S_NAMESPACE,
          MetadataKeys.K8S_POD_NAME,
          MetadataKeys.K8S_CONTAINER_NAME,
          MetadataKeys.CONTAINER_ID,
          MetadataKeys.K8S_NODE_NAME,
          MetadataKeys.HOST_NAME);

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final KafkaSinkConfig config;
  private final KafkaMetrics metrics;
  private final Clock clock;
  private final Producer<byte[], byte[]> producer;
  private final ThreadPoolExecutor completions;
  private final Encoder encoder;
  private final RateLimitedLogger authLog;
  private final String where;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** What earlier attempts of a batch that is being retried achieved; by batch identity. */
  private final Map<EncodedBatch, Delivery> deliveries =
      Collections.synchronizedMap(new WeakHashMap<>());

  /**
   * Creates the sink and its producer (which starts its network thread; it connects when the first
   * batch is sent).
   *
   * @throws IllegalArgumentException if the producer refuses its settings; an {@link
   *     InvalidSetting} names the key when it can be told
   */
  public KafkaSink(KafkaSinkConfig config, MetricsRegistry metrics, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.metrics = new KafkaMetrics(Objects.requireNonNull(metrics, "metrics"));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.where = String.join(",", config.bootstrapServers());
    this.encoder = new Encoder(config, this.metrics);
    this.authLog =
        new RateLimitedLogger(
            System.getLogger(KafkaSink.class.getName()), AUTH_LOG_INTERVAL.toNanos(), clock);
    int n = INSTANCES.incrementAndGet();
    Map<String, Object> props = new LinkedHashMap<>(config.producerProperties());
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, n == 1 ? "logchute" : "logchute-" + n);
    this.producer = createProducer(config, props);
    this.completions =
        new ThreadPoolExecutor(
            1,
            1,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "logchute-kafka-completions-" + n);
              t.setDaemon(true);
              return t;
            });
    completions.allowCoreThreadTimeOut(true);
    LOG.log(Level.INFO, "Kafka sink: {0}", config);
  }

  private static Producer<byte[], byte[]> createProducer(
      KafkaSinkConfig config, Map<String, Object> props) {
    try {
      return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    } catch (KafkaException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String message = config.redact(String.valueOf(root.getMessage()));
      throw new InvalidSetting(keyOf(config, message), "the Kafka producer refused: " + message);
    }
  }

  /** The key a producer error is about, when its message names a setting. */
  private static String keyOf(KafkaSinkConfig config, String message) {
    for (String name : config.producerSettings().keySet()) {
      if (message.contains(name)) {
        return "producer." + name;
      }
    }
    if (message.contains(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      return "bootstrapServers";
    }
    return config.producerPropertiesFile() != null ? "producerPropertiesFile" : "producer";
  }

  /** The configuration (its {@code toString()} shows no secret). */
  public KafkaSinkConfig config() {
    return config;
  }

  @Override
  public SinkLimits limits() {
    return config.limits();
  }

  @Override
  public EncodedBatch encode(List<LogRecord> records) {
    synchronized (encoder) {
      return encoder.encode(records);
    }
  }

  @Override
  public CompletionStage<SendOutcome> send(EncodedBatch batch) {
    if (closed.get()) {
      return CompletableFuture.completedFuture(
          SendOutcome.retry(Duration.ZERO, "the Kafka sink is closed"));
    }
    List<ProducerRecord<byte[], byte[]>> records;
    try {
      records = Frames.decode(batch.body(), batch.recordCount());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          SendOutcome.rejected("the batch is not one this sink encoded: " + e.getMessage()));
    }
    Delivery earlier = deliveries.get(batch);
    Attempt attempt = new Attempt(batch, records.size(), earlier);
    long deadline = clock.nanoTime() + config.maxBlock().toNanos();
    String notSent = null;
    for (int i = 0; i < records.size(); i++) {
      if (earlier != null && earlier.done.get(i)) {
        continue;
      }
      if (notSent == null && clock.nanoTime() - deadline > 0) {
        notSent =
            "handing the batch to the producer took over max.block.ms ("
                + config.maxBlock().toMillis()
                + " ms)";
      }
      if (notSent != null) {
        attempt.notSent(i, notSent);
        continue;
      }
      ProducerRecord<byte[], byte[]> record = records.get(i);
      attempt.sending(i, record.value().length);
      int index = i;
      try {
        producer.send(record, (metadata, error) -> attempt.answer(index, error));
      } catch (RuntimeException e) { // closed producer, interrupt, ...: no callback came
        attempt.answer(index, e);
      }
      ErrorKind failedAtOnce = attempt.kindIfAnswered(i);
      if (failedAtOnce != null && !failedAtOnce.dropped) {
        // no metadata, memory full, credentials refused: the next records would wait as long
        notSent = "an earlier record of the batch failed: " + attempt.reason(i);
      }
    }
    attempt.handedOver();
    return attempt.future;
  }

  /** Closes the producer (waiting up to {@code closeTimeout}) and stops the sink's threads. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      producer.close(config.closeTimeout());
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "closing the Kafka producer failed: " + config.redact(e.toString()));
    }
    completions.shutdown();
    try {
      if (!completions.awaitTermination(1, TimeUnit.SECONDS)) {
        completions.shutdownNow();
      }
    } catch (InterruptedException e) {
      completions.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** What earlier attempts of one batch achieved. Guarded by the attempt that owns it. */
  private static final class Delivery {
    final BitSet done = new BitSet(); // acknowledged, or dropped for good
    final TreeMap<Integer, String> dropped = new TreeMap<>();
  }

  /** One send of one batch: the producer's answers for each record, then the outcome. */
  private final class Attempt {
    final EncodedBatch batch;
    final int size;
    final Delivery delivery;
    final CompletableFuture<SendOutcome> future = new CompletableFuture<>();
    final AtomicInteger pending = new AtomicInteger(1); // + one per record handed over
    final AtomicIntegerArray answered;
    final ErrorKind[] kinds;
    final String[] reasons;
    final boolean[] sent;

    Attempt(EncodedBatch batch, int size, Delivery earlier) {
      this.batch = batch;
      this.size = size;
      this.delivery = earlier != null ? earlier : new Delivery();
      this.answered = new AtomicIntegerArray(size);
      this.kinds = new ErrorKind[size];
      this.reasons = new String[size];
      this.sent = new boolean[size];
    }

    void sending(int i, int valueBytes) {
      sent[i] = true;
      pending.incrementAndGet();
      metrics.recordsSent.increment();
      metrics.bytesSent.add(valueBytes);
    }

    void notSent(int i, String reason) {
      kinds[i] = ErrorKind.NOT_SENT;
      reasons[i] = reason;
    }

    /** The producer's answer for record {@code i} (any thread; the first answer counts). */
    void answer(int i, Exception error) {
      if (!answered.compareAndSet(i, 0, 1)) {
        return;
      }
      if (error != null) {
        kinds[i] = ErrorKind.of(error);
        reasons[i] = describe(error);
      }
      if (pending.decrementAndGet() == 0) {
        finish();
      }
    }

    /** The kind of error record {@code i} was answered with, if answered (else null). */
    ErrorKind kindIfAnswered(int i) {
      return answered.get(i) == 1 ? kinds[i] : null;
    }

    String reason(int i) {
      return reasons[i];
    }

    /** Every record was handed over (or not, for a reason). */
    void handedOver() {
      if (pending.decrementAndGet() == 0) {
        finish();
      }
    }

    /** Every answer is in (the last thread to answer): decide, then complete elsewhere. */
    private void finish() {
      SendOutcome outcome;
      try {
        outcome = decide();
      } catch (RuntimeException e) {
        outcome = SendOutcome.retry(Duration.ZERO, "classifying the answers failed: " + e);
      }
      SendOutcome o = outcome;
      try {
        completions.execute(() -> future.complete(o));
      } catch (RejectedExecutionException e) {
        future.complete(o); // closing
      }
    }

    private SendOutcome decide() {
      int accepted = 0;
      int failed = 0;
      int firstFailed = -1;
      boolean auth = false;
      for (int i = 0; i < size; i++) {
        ErrorKind kind = kinds[i];
        if (delivery.done.get(i) || (!sent[i] && kind == null)) {
          continue; // settled by an earlier attempt
        }
        if (kind == null) {
          accepted++;
          delivery.done.set(i);
          continue;
        }
        metrics.error(kind);
        if (kind.dropped) {
          (kind == ErrorKind.TOO_LARGE
                  ? metrics.recordsDroppedTooLarge
                  : metrics.recordsDroppedInvalid)
              .increment();
          delivery.done.set(i);
          delivery.dropped.put(i, reasons[i]);
          continue;
        }
        auth |= kind == ErrorKind.AUTH;
        failed++;
        if (firstFailed < 0
            || (kind != ErrorKind.NOT_SENT && kinds[firstFailed] == ErrorKind.NOT_SENT)) {
          firstFailed = i;
        }
      }
      metrics.recordsAccepted.add(accepted);
      if (failed == 0) {
        deliveries.remove(batch);
        if (delivery.dropped.isEmpty()) {
          metrics.requestsAccepted.increment();
          return SendOutcome.accepted();
        }
        metrics.requestsPartial.increment();
        return new SendOutcome.PartiallyAccepted(delivery.dropped);
      }
      metrics.requestsRetry.increment();
      if (!delivery.done.isEmpty()) {
        deliveries.put(batch, delivery); // the next attempt sends only the rest
      }
      String summary =
          failed
              + " of "
              + size
              + " records not acknowledged by Kafka "
              + where
              + ", e.g. #"
              + firstFailed
              + ": "
              + reasons[firstFailed];
      if (auth) {
        return authFailure(summary);
      }
      return SendOutcome.retry(Duration.ZERO, summary);
    }
  }

  private SendOutcome authFailure(String summary) {
    metrics.authFailures.increment();
    Duration delay = config.authFailureRetryDelay();
    authLog.log(
        Level.ERROR,
        "KAFKA REFUSED THE SINK''S CREDENTIALS OR PERMISSIONS ({0}): logs are NOT being delivered"
            + " to Kafka. Check the security settings (sinks.kafka.producer.*, and the file named"
            + " by sinks.kafka.producerPropertiesFile) and that the principal may WRITE and"
            + " DESCRIBE the topics ({1}). Nothing is dropped: retrying every {2}.",
        summary,
        config.topic(),
        delay.toMillis() % 1000 == 0 ? delay.toSeconds() + " s" : delay.toMillis() + " ms");
    return SendOutcome.retry(delay, "credentials or permissions refused: " + summary);
  }

  private String describe(Throwable error) {
    Throwable e = error;
    String kind = ErrorKind.of(e).label();
    String text =
        e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    return config.redact(kind + " (" + text + ")");
  }

  /** The topic, key and header block of one source and metadata: the same for all its records. */
  private record SourcePart(
      LogSource source, SourceMetadata metadata, byte[] topic, byte[] key, byte[] headers) {}

  /** Encodes batches; one at a time (the caller synchronizes). */
  private static final class Encoder {
    private final KafkaSinkConfig config;
    private final KafkaMetrics metrics;
    private final RecordJson json;

    Encoder(KafkaSinkConfig config, KafkaMetrics metrics) {
      this.config = config;
      this.metrics = metrics;
      this.json = new RecordJson(new JsonFactory(), config.maxRecordBytes());
    }

    EncodedBatch encode(List<LogRecord> records) {
      Frames.Writer w = new Frames.Writer(records.size() * 512);
      IdentityHashMap<LogSource, List<SourcePart>> parts = new IdentityHashMap<>();
      SourcePart last = null;
      for (LogRecord r : records) {
        SourcePart part = last;
        if (part == null || part.source() != r.source() || part.metadata() != r.metadata()) {
          part = partOf(parts, r);
          last = part;
        }
        if (json.write(r)) {
          metrics.recordsTruncated.increment();
        }
        w.add(part.topic(), part.key(), json.bytes(), json.length(), part.headers());
      }
      metrics.recordsEncoded.add(records.size());
      byte[] body = w.toByteArray();
      return new EncodedBatch(body, records.size(), body.length);
    }

    private SourcePart partOf(IdentityHashMap<LogSource, List<SourcePart>> parts, LogRecord r) {
      List<SourcePart> list = parts.computeIfAbsent(r.source(), s -> new ArrayList<>(1));
      for (SourcePart p : list) {
        if (p.metadata() == r.metadata()) {
          return p;
        }
      }
      SourcePart p =
          new SourcePart(
              r.source(),
              r.metadata(),
              config.topicTemplate().topicFor(r).getBytes(StandardCharsets.UTF_8),
              key(r),
              headers(r));
      list.add(p);
      return p;
    }

    private byte[] key(LogRecord r) {
      String k;
      switch (config.key()) {
        case NONE:
          return null;
        case POD:
          String ns = Sources.namespace(r);
          String pod = Sources.pod(r);
          k = ns == null || pod == null ? null : ns + "/" + pod;
          break;
        default:
          k = Sources.containerId(r);
      }
      if (k == null) {
        k = r.source().path().toString(); // one file, one key: its order is kept all the same
      }
      return k.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] headers(LogRecord r) {
      ContainerRef c = r.source().container().orElse(null);
      List<String> values = new ArrayList<>(HEADERS.size());
      values.add(
          Sources.metadataOr(r, MetadataKeys.K8S_NAMESPACE, c == null ? null : c.namespace()));
      values.add(Sources.metadataOr(r, MetadataKeys.K8S_POD_NAME, c == null ? null : c.pod()));
      values.add(
          Sources.metadataOr(r, MetadataKeys.K8S_CONTAINER_NAME, c == null ? null : c.container()));
      values.add(
          Sources.metadataOr(r, MetadataKeys.CONTAINER_ID, c == null ? null : c.containerId()));
      values.add(Sources.metadataOr(r, MetadataKeys.K8S_NODE_NAME, null));
      values.add(Sources.metadataOr(r, MetadataKeys.HOST_NAME, null));
      return Frames.headers(HEADERS, values);
    }
  }
}
