package io.github.logchute.core.spi;

import io.github.logchute.core.LogRecord;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A destination for log records. A sink owns its wire format; the pipeline in log-core owns
 * everything generic — batching by {@link SinkLimits}, linger, the bound on requests in flight,
 * retries with back-off and jitter, splitting of batches that are too large, and acknowledgement
 * back to the {@link Tailer}. A sink therefore supplies four things:
 *
 * <ol>
 *   <li>its {@link #limits()};
 *   <li>an {@link #encode encoder} that turns a batch into a request body;
 *   <li>a {@link #send send} call;
 *   <li>the classification of the answer, as a {@link SendOutcome}: accepted, partially accepted,
 *       retry (after a delay), rejected for good, or too large (split and resend).
 * </ol>
 *
 * <p>Threads: the pipeline calls {@link #encode} from one batching thread per sink, and {@link
 * #send} from that thread too; a sink sends asynchronously (the JDK HTTP client's {@code
 * sendAsync}) and completes the stage from any thread. At most {@link SinkLimits#maxInFlight()}
 * sends are outstanding at once. The pipeline may re-send the same {@link EncodedBatch} after a
 * {@link SendOutcome.Retry}, so a batch must not be consumed by sending it.
 *
 * <p>Errors: {@code send} should not throw. A stage that completes exceptionally (an {@link
 * java.io.IOException}, a timeout) is treated as a transient failure and retried. {@code encode}
 * may throw only for a bug; the pipeline then drops the batch with a counted, logged error.
 */
public interface Sink extends AutoCloseable {

  /** This sink's batching limits. Called once, when the pipeline is built. */
  SinkLimits limits();

  /**
   * Encodes {@code records} — never empty, never over {@link SinkLimits#maxBatchRecords()} — into a
   * request body. A record that is too large for the destination on its own is truncated here, with
   * a visible marker, never dropped silently. Must not block on I/O.
   */
  EncodedBatch encode(List<LogRecord> records);

  /**
   * Sends {@code batch} and classifies the answer. Must not block the calling thread for the
   * round-trip.
   */
  CompletionStage<SendOutcome> send(EncodedBatch batch);

  /**
   * Releases connections and threads. Called after the pipeline has drained (or given up draining)
   * this sink; a sink that buffers internally flushes here.
   */
  @Override
  default void close() {}
}
