package io.github.logchute.core.spi;

import io.github.logchute.core.LogRecord;
import java.util.List;

/**
 * Where a {@link Tailer} hands the records it reads. Implemented by the pipeline.
 *
 * <p>This is where backpressure reaches a tailer: {@link #emit} blocks while the pipeline's queues
 * are full (they are bounded in bytes). A tailer must therefore not call it while holding a lock
 * that its discovery or acknowledgement paths need.
 */
@FunctionalInterface
public interface RecordEmitter {

  /**
   * Takes {@code records}, in source order per source. Called from the tailer's reading threads.
   * Blocks while the pipeline has no room; returns once every record is queued. The caller may
   * reuse the list after the call returns (the records themselves are immutable).
   *
   * @throws InterruptedException if the calling thread is interrupted while waiting for room; no
   *     record after the last one queued was taken
   */
  void emit(List<LogRecord> records) throws InterruptedException;
}
