package io.github.logchute.core.tail;

import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.checkpoint.FileCheckpoint;
import io.github.logchute.core.parse.RecordAssembler;
import io.github.logchute.core.process.MultilineGrouper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * One file being read: its open channel, its decoder state, and what of it has been emitted and
 * acknowledged.
 */
final class TrackedFile {

  /*
   * Design notes.
   *
   * Threads. The reader thread owns `assembler` and `eofSinceNanos`. The watcher sets `rotated`.
   * Acknowledgements arrive on sink threads. Emission bookkeeping (`marks`) is guarded by this
   * object's monitor; `safeOffset` and `fingerprint` are volatile snapshots for the checkpoint
   * writer.
   *
   * Committed offset. A mark is registered for every emit call before the records are handed to
   * the pipeline, and before `safeOffset` moves past them. The committed offset is then the least
   * of `safeOffset` (nothing unemitted before it) and the least start offset of any mark not fully
   * acknowledged. Acknowledgements may come in any order; marks finished out of order simply stop
   * counting. Records of merged partial lines can start before records emitted earlier, which is
   * why the minimum is taken over every open mark rather than the oldest one.
   */

  final Path path;
  final LogSource source;
  final FileIdentity identity;

  /** The open file; replaced when a parked file is reopened. */
  volatile LogInput input;

  /** For a gzipped rotated file being resumed: its checkpoint, kept as is until it is done. */
  final FileCheckpoint frozen;

  final long openedAtMillis;

  /** Set by {@link Enrichment}; null until known (the reader skips the file meanwhile). */
  volatile SourceMetadata metadata;

  /** The metadata the reader last gave the assembler (reader thread only). */
  SourceMetadata appliedMetadata;

  RecordAssembler assembler;

  /** Multi-line grouping, when processing is on (reader thread only). */
  MultilineGrouper grouper;

  long eofSinceNanos = -1;
  volatile long safeOffset;
  volatile boolean rotated;
  volatile long rotatedAtNanos;
  volatile boolean released;
  volatile Fingerprint fingerprint = Fingerprint.NONE;

  /**
   * Closed to stay within maxOpenFiles while idle at its end (fully acknowledged, nothing pending);
   * {@link #parkedCheckpoint} stands in for it in checkpoints until it is reopened.
   */
  volatile boolean parked;

  volatile FileCheckpoint parkedCheckpoint;

  /** The file's size when the watcher last looked at it while parked. */
  volatile long lastSeenSize;

  private final ArrayDeque<Mark> marks = new ArrayDeque<>();

  /** A file's leading bytes: {@code length} of them hash to {@code crc}. */
  record Fingerprint(int length, long crc) {
    static final Fingerprint NONE = new Fingerprint(0, 0);
  }

  /** The records of one emit call for this file. */
  static final class Mark {
    final TrackedFile file;
    final LogRecord[] records;
    final long minStart;
    int remaining;

    Mark(TrackedFile file, LogRecord[] records) {
      this.file = file;
      this.records = records;
      long min = Long.MAX_VALUE;
      for (LogRecord r : records) {
        min = Math.min(min, r.startOffset());
      }
      this.minStart = min;
      this.remaining = records.length;
    }
  }

  TrackedFile(
      Path path,
      LogSource source,
      FileIdentity identity,
      LogInput input,
      RecordAssembler assembler,
      long openedAtMillis,
      FileCheckpoint frozen) {
    this.path = path;
    this.source = source;
    this.identity = identity;
    this.input = input;
    this.frozen = frozen;
    this.assembler = assembler;
    this.safeOffset = assembler.safeOffset();
    this.openedAtMillis = openedAtMillis;
  }

  synchronized Mark register(LogRecord[] records) {
    Mark m = new Mark(this, records);
    marks.addLast(m);
    return m;
  }

  /** Acknowledges a whole mark. */
  synchronized void acknowledge(Mark m) {
    m.remaining = 0;
    prune();
  }

  /**
   * Acknowledges one record found by identity among the open marks (for acknowledgements grouped
   * differently from emission).
   *
   * @return the mark, if this finished it
   */
  synchronized Mark acknowledge(LogRecord r) {
    for (Mark m : marks) {
      if (m.remaining == 0 || r.endOffset() < m.minStart) {
        continue;
      }
      for (LogRecord x : m.records) {
        if (x == r) {
          m.remaining--;
          Mark done = m.remaining == 0 ? m : null;
          prune();
          return done;
        }
      }
    }
    return null;
  }

  private void prune() {
    for (Iterator<Mark> it = marks.iterator(); it.hasNext(); ) {
      if (it.next().remaining == 0) {
        it.remove();
      }
    }
  }

  /** The offset a checkpoint may claim now. */
  synchronized long committed() {
    long c = safeOffset;
    for (Mark m : marks) {
      c = Math.min(c, m.minStart);
    }
    return c;
  }

  /** True when nothing emitted from this file awaits acknowledgement. */
  synchronized boolean fullyAcknowledged() {
    return marks.isEmpty();
  }

  void closeChannel() {
    try {
      input.close();
    } catch (IOException e) {
      // nothing to do: the descriptor is gone either way
    }
  }
}
