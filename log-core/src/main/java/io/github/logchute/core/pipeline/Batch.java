package io.github.logchute.core.pipeline;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.spi.EncodedBatch;
import java.util.Arrays;
import java.util.List;

/** Records taken from a sink's queue to be sent together, with the chunk each came from. */
final class Batch {
  final LogRecord[] records;
  final Chunk[] owners;
  EncodedBatch encoded;
  int attempt;
  long dueNanos;

  Batch(LogRecord[] records, Chunk[] owners) {
    this.records = records;
    this.owners = owners;
  }

  int size() {
    return records.length;
  }

  long bytes() {
    long b = 0;
    for (LogRecord r : records) {
      b += r.sizeEstimate();
    }
    return b;
  }

  List<LogRecord> recordList() {
    return Arrays.asList(records);
  }

  /** The two halves of this batch, to be encoded and sent anew. */
  Batch[] split() {
    int mid = records.length / 2;
    return new Batch[] {
      new Batch(Arrays.copyOfRange(records, 0, mid), Arrays.copyOfRange(owners, 0, mid)),
      new Batch(
          Arrays.copyOfRange(records, mid, records.length),
          Arrays.copyOfRange(owners, mid, owners.length))
    };
  }
}
