package io.github.logchute.core.pipeline;

import io.github.logchute.core.LogRecord;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The records of one {@link Pipeline#emit} call. It is the unit of acknowledgement: when every sink
 * has finished with every record in it, its bytes go back to the budget and the records go back to
 * the tailer in one call. Tracking chunks rather than records keeps the bookkeeping to one object
 * per emit call.
 */
final class Chunk {
  /** What the tailer emitted: what goes back to it once the chunk is finished. */
  final LogRecord[] emitted;

  /** What the sinks get: the processing stage's results, the records it dropped left out. */
  final LogRecord[] records;

  final long bytes;
  private final AtomicInteger remaining;

  Chunk(LogRecord[] emitted, LogRecord[] records, long bytes, int sinks) {
    this.emitted = emitted;
    this.records = records;
    this.bytes = bytes;
    this.remaining = new AtomicInteger(records.length * sinks);
  }

  /** Marks {@code n} record deliveries done; true when that finished the chunk. */
  boolean done(int n) {
    return remaining.addAndGet(-n) == 0;
  }

  /** The records to acknowledge: those emitted, processed or not, dropped or not. */
  List<LogRecord> asList() {
    return Arrays.asList(emitted);
  }
}
