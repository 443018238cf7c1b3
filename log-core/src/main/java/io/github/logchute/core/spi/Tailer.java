package io.github.logchute.core.spi;

import io.github.logchute.core.LogRecord;
import java.util.List;

/**
 * A source of log records: the engine's input. The default implementation tails container log files
 * (discovery by glob, rotation, checkpoints); a team may plug in another source — journald, a
 * socket — and reuse the rest of the pipeline.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Delivery is at-least-once.</b> The pipeline calls {@link #acknowledge} with records that
 *       every sink has accepted or permanently rejected. A tailer that persists positions must only
 *       persist a position once every record before it has been acknowledged — acknowledgements may
 *       arrive out of order, since sinks send batches concurrently. Whatever was not acknowledged
 *       when the process stops is read again at the next start.
 *   <li><b>Records carry their position.</b> {@link LogRecord#source()}, {@link
 *       LogRecord#startOffset()} and {@link LogRecord#endOffset()} identify what to acknowledge.
 *   <li><b>Backpressure pauses reading, not watching.</b> {@link RecordEmitter#emit} blocks when
 *       the pipeline is full; a tailer keeps tracking its sources (new files, rotation) meanwhile.
 * </ul>
 *
 * <p>Lifecycle: {@link #start} once, then {@link #stopReading} and {@link #close} once each, in
 * that order, from the thread that owns the engine.
 */
public interface Tailer extends AutoCloseable {

  /**
   * Starts reading on the tailer's own threads, handing records to {@code emitter}. Returns
   * promptly; failures to read individual sources are handled (logged, counted, retried) inside the
   * tailer and never end it.
   *
   * @throws IllegalStateException if called twice
   */
  void start(RecordEmitter emitter);

  /**
   * Marks {@code records} as delivered. Called by the pipeline from a sink's completion thread;
   * must be cheap and must not block on I/O or on {@link RecordEmitter#emit}. Records may be
   * acknowledged in any order and in any grouping, but each record at most once.
   */
  void acknowledge(List<LogRecord> records);

  /**
   * Stops reading new data. Blocks until the reading threads have stopped emitting, so that after
   * it returns no further {@link RecordEmitter#emit} call starts. Acknowledgements are still
   * accepted until {@link #close}.
   */
  void stopReading();

  /**
   * Persists what has been acknowledged (a final checkpoint) and releases every resource. Blocks
   * for as long as that takes.
   */
  @Override
  void close();
}
