package io.github.logchute.examples.jsonl;

import io.github.logchute.core.Clock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkLimits;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Appends every record as one JSON line (see {@link JsonlEncoder}) to a local file — the smallest
 * complete sink: limits, an encoder, a send that completes its stage from its own thread, and the
 * classification of failures.
 *
 * <p>A batch counts as delivered only once it is written and (with {@code fsync}, the default)
 * forced to disk, so the agent's checkpoints never move past a line that is not in the file. A
 * failed write ({@code ENOSPC}, a permission change, the path turned into a directory) is cut back
 * out of the file and answered with {@link SendOutcome#retry}: the pipeline sends the same batch
 * again with back-off, and reading stops while the disk stays unwritable — nothing is dropped.
 *
 * <p>Threads: {@link #encode} and {@link #send} are called by the pipeline's batching thread; the
 * writes happen on one thread of this sink ({@code logchute-jsonl-file-writer}), one batch at a
 * time and in order ({@code maxInFlight} is 1). {@link #close} waits for the write in progress and
 * stops that thread.
 *
 * <p>Metrics: {@code logchute_jsonl_file_bytes_written_total}, {@code
 * logchute_jsonl_file_write_errors_total}, {@code logchute_jsonl_file_reopens_total}, each with a
 * {@code path} label.
 */
public final class JsonlFileSink implements Sink {

  /** The least delay before a failed write is tried again (the pipeline backs off further). */
  static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final JsonlFileConfig config;
  private final SinkLimits limits;
  private final JsonlFileWriter writer;
  private final ExecutorService writerThread;
  private final Counter bytesWritten;
  private final Counter writeErrors;
  private final Counter reopens;
  private final RateLimitedLogger log;

  /**
   * Creates the sink and opens (or creates) the file.
   *
   * @throws IOException if the file cannot be opened for appending
   */
  public JsonlFileSink(JsonlFileConfig config, MetricsRegistry metrics, Clock clock)
      throws IOException {
    this.config = Objects.requireNonNull(config, "config");
    this.limits =
        new SinkLimits(config.maxBatchRecords(), config.maxBatchBytes(), config.linger(), 1);
    String path = config.path().toString();
    this.bytesWritten =
        metrics.counter(
            "logchute_jsonl_file_bytes_written_total",
            "Bytes appended to the jsonl-file sink's file.",
            "path",
            path);
    this.writeErrors =
        metrics.counter(
            "logchute_jsonl_file_write_errors_total",
            "Batches the jsonl-file sink failed to write (retried).",
            "path",
            path);
    this.reopens =
        metrics.counter(
            "logchute_jsonl_file_reopens_total",
            "Times the jsonl-file sink reopened its file after it was renamed or deleted.",
            "path",
            path);
    this.log =
        new RateLimitedLogger(
            System.getLogger(JsonlFileSink.class.getName()), 10_000_000_000L, clock);
    this.writer = new JsonlFileWriter(config.path(), config.fsync());
    writer.open();
    this.writerThread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "logchute-jsonl-file-writer");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public SinkLimits limits() {
    return limits;
  }

  @Override
  public EncodedBatch encode(List<LogRecord> records) {
    byte[] body = JsonlEncoder.encode(records);
    return new EncodedBatch(body, records.size(), body.length);
  }

  @Override
  public CompletionStage<SendOutcome> send(EncodedBatch batch) {
    CompletableFuture<SendOutcome> done = new CompletableFuture<>();
    try {
      writerThread.execute(() -> done.complete(write(batch)));
    } catch (RejectedExecutionException e) {
      done.complete(SendOutcome.retry(RETRY_AFTER, "the jsonl-file sink is closed"));
    }
    return done;
  }

  /** On the writer thread. */
  private SendOutcome write(EncodedBatch batch) {
    long reopensBefore = writer.reopens();
    try {
      writer.append(batch.body());
      bytesWritten.add(batch.body().length);
      return SendOutcome.accepted();
    } catch (IOException | RuntimeException e) {
      writeErrors.increment();
      String reason = "writing to " + config.path() + " failed: " + e;
      log.log(Level.WARNING, "{0}; the batch will be written again", reason);
      return SendOutcome.retry(RETRY_AFTER, reason);
    } finally {
      reopens.add(writer.reopens() - reopensBefore);
    }
  }

  /** Waits for the write in progress (up to 10 s), stops the writer thread, closes the file. */
  @Override
  public void close() {
    writerThread.shutdown();
    try {
      if (!writerThread.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        writerThread.shutdownNow();
      }
    } catch (InterruptedException e) {
      writerThread.shutdownNow();
      Thread.currentThread().interrupt();
    }
    writer.close();
  }

  @Override
  public String toString() {
    return "JsonlFileSink[" + config.path() + "]";
  }
}
