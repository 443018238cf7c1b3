package io.github.logchute.core.pipeline;

import io.github.logchute.core.Clock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.process.RecordProcessor;
import io.github.logchute.core.spi.RecordEmitter;
import io.github.logchute.core.spi.Sink;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Routes records from a {@link io.github.logchute.core.spi.Tailer} to every sink: bounded memory,
 * batching, retries, splitting and end-to-end acknowledgement.
 *
 * <ul>
 *   <li><b>Memory</b> is bounded by one budget in bytes ({@link Builder#maxQueuedBytes}, default 64
 *       MiB) over every record admitted and not yet finished by all sinks — queued, in flight or
 *       waiting for a retry. {@link #emit} blocks while it is spent: a slow or dead sink stops
 *       reading, it never grows the heap.
 *   <li><b>Fan-out</b>: every record goes to every sink; each sink has its own queue, batching
 *       ({@link io.github.logchute.core.spi.SinkLimits}), in-flight bound and retries.
 *   <li><b>Acknowledgement</b>: once every sink has finished with every record of an {@link #emit}
 *       call — accepted, or rejected for good and counted — those records are passed to the
 *       acknowledgement callback (the tailer's {@code acknowledge}), from the thread that finished
 *       them.
 * </ul>
 *
 * <p>Lifecycle: build, {@link #start}, {@link #emit} from the tailer's threads, {@link #close}.
 */
public final class Pipeline implements RecordEmitter, AutoCloseable {

  /** Default byte budget: 64 MiB. */
  public static final long DEFAULT_MAX_QUEUED_BYTES = 64L * 1024 * 1024;

  private static final Logger LOG = System.getLogger(Pipeline.class.getName());
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  /** How long {@link #close} waits, on the clock, for each sink's thread to stop. */
  static final Duration STOP_GRACE = Duration.ofSeconds(1);

  private final Clock clock;
  private final ByteBudget budget;
  private final List<SinkWorker> workers;
  private final List<Thread> threads = new ArrayList<>();
  private final Consumer<List<LogRecord>> acknowledge;
  private final Counter acknowledgeErrors;
  private final RateLimitedLogger ackLog;
  private final RecordProcessor processor;
  private final Counter processed;
  private final Counter dropped;
  private final Counter processingErrors;
  private final Counter generated;
  private volatile boolean closed;
  private boolean started;

  private Pipeline(Builder b) {
    this.clock = b.clock;
    this.budget = new ByteBudget(b.maxQueuedBytes, b.clock);
    this.acknowledge = b.acknowledge;
    this.acknowledgeErrors =
        b.metrics.counter(
            "logchute_pipeline_acknowledge_errors_total",
            "Times the acknowledgement callback threw (the records' bytes were released anyway).");
    this.ackLog = new RateLimitedLogger(LOG, LOG_INTERVAL_NANOS, b.clock);
    this.processor = b.processor;
    this.processed =
        b.metrics.counter(
            "logchute_processing_records_total",
            "Records through the processing stage.",
            "result",
            "passed");
    this.dropped =
        b.metrics.counter(
            "logchute_processing_records_total",
            "Records through the processing stage.",
            "result",
            "dropped");
    this.processingErrors =
        b.metrics.counter(
            "logchute_processing_errors_total",
            "Records a processor threw on (passed on as they were).");
    this.generated =
        b.metrics.counter(
            "logchute_processing_records_total",
            "Records through the processing stage.",
            "result",
            "added");
    List<SinkWorker> ws = new ArrayList<>();
    for (Map.Entry<String, Sink> e : b.sinks.entrySet()) {
      ws.add(
          new SinkWorker(
              e.getKey(), e.getValue(), b.retry, b.clock, b.random, b.metrics, this::finished));
    }
    this.workers = List.copyOf(ws);
    b.metrics.gauge(
        "logchute_pipeline_queued_bytes",
        "Bytes of records admitted and not yet finished by every sink.",
        budget::used);
    b.metrics.gauge(
        "logchute_pipeline_queued_bytes_peak",
        "Highest value of logchute_pipeline_queued_bytes since start.",
        budget::peak);
    b.metrics.gauge(
        "logchute_pipeline_capacity_bytes", "The byte budget (maxQueuedBytes).", budget::capacity);
    b.metrics.gauge(
        "logchute_pipeline_emit_waits",
        "Times reading paused because the byte budget was spent (backpressure).",
        budget::waits);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts one batching thread per sink. */
  public synchronized Pipeline start() {
    if (started) {
      throw new IllegalStateException("already started");
    }
    started = true;
    for (SinkWorker w : workers) {
      Thread t = new Thread(w, "logchute-sink-" + w.name);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    return this;
  }

  /** True while every sink's batching thread runs (for a liveness check). */
  public synchronized boolean isAlive() {
    if (!started || threads.isEmpty()) {
      return false;
    }
    for (Thread t : threads) {
      if (!t.isAlive()) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void emit(List<LogRecord> records) throws InterruptedException {
    if (records.isEmpty()) {
      return;
    }
    if (closed) {
      throw new IllegalStateException("pipeline is closed");
    }
    LogRecord[] emitted = records.toArray(new LogRecord[0]);
    LogRecord[] out = processor == null ? emitted : process(emitted);
    long bytes = 0;
    for (LogRecord r : out) {
      bytes += r.sizeEstimate();
    }
    budget.acquire(bytes);
    Chunk chunk = new Chunk(emitted, out, bytes, workers.size());
    if (workers.isEmpty() || out.length == 0) {
      finishChunk(chunk); // nothing for the sinks: delivered as far as the tailer is concerned
      return;
    }
    for (SinkWorker w : workers) {
      w.enqueue(chunk);
    }
  }

  /**
   * The processing stage: each record through the processor, on the emitting thread; a null result
   * drops the record (it is acknowledged, never sent), an exception passes it on as it was. Then
   * the records the processors add on their own ({@link RecordProcessor#drain}), after the batch.
   */
  private LogRecord[] process(LogRecord[] emitted) {
    LogRecord[] out = new LogRecord[emitted.length];
    int n = 0;
    for (LogRecord r : emitted) {
      LogRecord p;
      try {
        p = processor.process(r);
      } catch (RuntimeException e) {
        processingErrors.increment();
        ackLog.log(
            Level.WARNING,
            "{0} at offset {1}: a processor failed ({2}); the record goes on as it was",
            r.source().path(),
            r.startOffset(),
            e.toString());
        p = r;
      }
      if (p == null) {
        dropped.increment();
      } else {
        processed.increment();
        out[n++] = p;
      }
    }
    List<LogRecord> added;
    try {
      added = processor.drain();
    } catch (RuntimeException e) {
      processingErrors.increment();
      ackLog.log(Level.WARNING, "a processor failed to give its own records ({0})", e.toString());
      added = List.of();
    }
    if (!added.isEmpty()) {
      out = Arrays.copyOf(out, n + added.size());
      for (LogRecord a : added) {
        if (a != null) {
          out[n++] = a;
          generated.increment();
        }
      }
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  /**
   * A sink finished {@code batch} (any thread): chunks it completed give back their bytes, all of
   * them first, and only then go to the acknowledgement callback, so a callback that throws can
   * neither keep budget nor stop the other chunks' acknowledgements.
   */
  private void finished(Batch batch) {
    Chunk[] owners = batch.owners;
    List<Chunk> done = null;
    int i = 0;
    while (i < owners.length) {
      Chunk c = owners[i];
      int n = 1;
      while (i + n < owners.length && owners[i + n] == c) {
        n++;
      }
      if (c.done(n)) {
        if (done == null) {
          done = new ArrayList<>(2);
        }
        done.add(c);
      }
      i += n;
    }
    if (done != null) {
      for (Chunk c : done) {
        finishChunk(c);
      }
    }
  }

  /**
   * Acknowledges, then gives the bytes back: {@link #close} waits for the budget to empty, and the
   * tailer's final checkpoint must see every acknowledgement that came before that.
   */
  private void finishChunk(Chunk c) {
    try {
      acknowledge(c);
    } finally {
      budget.release(c.bytes);
    }
  }

  private void acknowledge(Chunk c) {
    try {
      acknowledge.accept(c.asList());
    } catch (RuntimeException e) {
      acknowledgeErrors.increment();
      ackLog.log(
          Level.ERROR,
          "the acknowledgement callback failed for {0} records (their bytes are released, their"
              + " checkpoint may lag): {1}",
          c.records.length,
          e.toString());
    }
  }

  /** Bytes admitted and not yet finished by every sink. */
  public long queuedBytes() {
    return budget.used();
  }

  /**
   * Sends what is queued without waiting for linger, waits until every sink has finished every
   * record or {@code deadline} passes, then stops the threads (waiting up to {@link #STOP_GRACE}
   * for each) and closes the sinks. Records not finished by then are not acknowledged (a tailer
   * reads them again at its next start). Call after the tailer has stopped reading. Every wait is
   * on the pipeline's {@link Clock}: with a test clock, only moving it ends them.
   *
   * @return true if everything admitted was finished
   */
  public boolean close(Duration deadline) {
    closed = true;
    long end = clock.nanoTime() + Backoff.saturatedNanos(deadline);
    for (SinkWorker w : workers) {
      w.drain();
    }
    boolean done;
    try {
      done = budget.awaitEmpty(end);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      done = false;
    }
    if (!done) {
      LOG.log(
          Level.WARNING,
          "pipeline closed with {0} bytes unacknowledged; they are read again at the next start",
          Long.toString(budget.used()));
    }
    for (SinkWorker w : workers) {
      w.stop();
    }
    int running;
    synchronized (this) {
      running = threads.size(); // workers started, in order
    }
    long stopEnd = clock.nanoTime() + STOP_GRACE.toNanos();
    for (int i = 0; i < running; i++) {
      SinkWorker w = workers.get(i);
      try {
        if (!w.awaitExit(stopEnd)) {
          LOG.log(
              Level.WARNING,
              "sink {0}: its thread did not stop within {1} ms; closing the sink anyway",
              w.name,
              Long.toString(STOP_GRACE.toMillis()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    for (SinkWorker w : workers) {
      try {
        w.sink().close();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "closing sink " + w.name + " failed", e);
      }
    }
    return done;
  }

  /** {@link #close(Duration)} with a 30 second deadline. */
  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }

  /** Builds a {@link Pipeline}. */
  public static final class Builder {
    private final Map<String, Sink> sinks = new LinkedHashMap<>();
    private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
    private RetryPolicy retry = RetryPolicy.defaults();
    private Consumer<List<LogRecord>> acknowledge = records -> {};
    private MetricsRegistry metrics = new MetricsRegistry();
    private Clock clock = Clock.system();
    private RandomGenerator random = ThreadLocalRandom.current();
    private RecordProcessor processor;

    private Builder() {}

    /**
     * The processing stage: every emitted record goes through {@code p} (on the emitting thread)
     * before the sinks see it — parse, rewrite, redact, or drop it by returning null. The tailer is
     * acknowledged with the records it emitted. Null (the default): none.
     */
    public Builder processor(RecordProcessor p) {
      this.processor = p;
      return this;
    }

    /** Adds a sink under {@code name} (used in metrics and logs); names are unique. */
    public Builder sink(String name, Sink sink) {
      Objects.requireNonNull(sink, "sink");
      if (sinks.putIfAbsent(Objects.requireNonNull(name, "name"), sink) != null) {
        throw new IllegalArgumentException("two sinks are named '" + name + "'");
      }
      return this;
    }

    /** The byte budget over all records in the pipeline; at least 1 KiB. */
    public Builder maxQueuedBytes(long bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxQueuedBytes must be >= 1024, was " + bytes);
      }
      this.maxQueuedBytes = bytes;
      return this;
    }

    public Builder retry(RetryPolicy policy) {
      this.retry = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Receives records every sink has finished with (typically {@code tailer::acknowledge}). */
    public Builder acknowledgeTo(Consumer<List<LogRecord>> callback) {
      this.acknowledge = Objects.requireNonNull(callback, "callback");
      return this;
    }

    public Builder metrics(MetricsRegistry registry) {
      this.metrics = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * The time source of lingers, retry delays, close's deadline and every wait of the pipeline
     * (default {@link Clock#system()}); with a test clock only moving it passes them.
     */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /**
     * The source of retry jitter ({@link Backoff}); drawn from the sinks' completion threads at
     * once, so it must be thread-safe (the default, {@link ThreadLocalRandom#current()}, is).
     */
    public Builder random(RandomGenerator r) {
      this.random = Objects.requireNonNull(r, "random");
      return this;
    }

    public Pipeline build() {
      return new Pipeline(this);
    }
  }
}
