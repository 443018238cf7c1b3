package io.github.logchute.core.tail;

import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.checkpoint.FileCheckpoint;
import io.github.logchute.core.parse.RecordAssembler;
import io.github.logchute.core.process.MultilineGrouper;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * One file of a container's log — the live {@code 0.log} or a rotated one — being read: its input,
 * its decoder state, and what of it has been emitted and acknowledged.
 */
final class TrackedFile {

  /*
   * Design notes.
   *
   * Threads. The reader thread owns the decoding state (`assembler`, `grouper`, `appliedMetadata`,
   * `eofSinceNanos`) and sets `released`, `quarantined`, `carriedTo` and `truncatedAt`. The watcher
   * sets `rotated`, `rotationKey`, and swaps `input` only while the reader leaves the file alone
   * (parked, or waiting for the watcher after a truncation). Acknowledgements arrive on sink
   * threads; the marks are guarded by this object's monitor. Volatile fields are the snapshots the
   * other threads read.
   *
   * Committed offset. A mark is registered for every emit call before the records are handed to
   * the pipeline, and before `safeOffset` moves past them. The committed offset is the least of
   * `safeOffset` (nothing unemitted before it) and the least start offset of any mark not fully
   * acknowledged. Acknowledgements may come in any order. A record that continues a partial line
   * begun in the previous file starts at -1: until it is acknowledged the committed offset is -1,
   * which keeps the previous file in the checkpoints (see ContainerLog).
   */

  final ContainerLog container;
  final LogSource source;
  final long openedAtMillis;

  /** Where reading began: 0, a checkpoint, or the end at a first start. */
  final long startOffset;

  // ------------------------------------------------------------- set by the watcher

  /** The file read now: device and inode (changes when a copytruncate's copy is followed). */
  volatile FileIdentity identity;

  /** The open file; replaced when a parked file is reopened or a truncated one's copy followed. */
  volatile LogInput input;

  /** The rotated name without {@code .gz} once known; null for the live file. */
  volatile String rotationKey;

  /** No longer the file at the container's path: it drains, then it is let go. */
  volatile boolean rotated;

  volatile long rotatedAtNanos;

  /**
   * Closed to stay within maxOpenFiles while idle at its end (fully acknowledged, nothing pending);
   * {@link #parkedCheckpoint} stands in for it in checkpoints until it is reopened.
   */
  volatile boolean parked;

  volatile FileCheckpoint parkedCheckpoint;

  /** The file's size when the watcher last looked at it while parked. */
  volatile long lastSeenSize;

  // ------------------------------------------------------------- set by the reader

  RecordAssembler assembler;

  /** Multi-line grouping, when processing is on. */
  MultilineGrouper grouper;

  /** The metadata the reader last gave the assembler. */
  SourceMetadata appliedMetadata;

  long eofSinceNanos = -1;

  /** The largest size the reader saw it have (what a truncation may have taken away). */
  long knownSize;

  /** CRC-32C of the last {@link #tailLength} bytes decoded, just before the read position. */
  long tailCrc;

  int tailLength;

  /** The bytes before the read position are no longer those decoded: truncated and rewritten. */
  boolean rewritten;

  volatile long safeOffset;

  /** Read to its end and let go by the reader; kept until acknowledged. */
  volatile boolean released;

  /** Reading it failed unexpectedly: left alone, its checkpoint kept, for a restart to retry. */
  volatile boolean quarantined;

  /** The file whose first record finishes a partial line this file ended with. */
  volatile TrackedFile carriedTo;

  /** The reader found the file truncated at this size (-1: not): the watcher decides what next. */
  volatile long truncatedAt = -1;

  /** The file's first bytes as last read (up to {@link Fingerprint#HEAD_BYTES}). */
  volatile byte[] head = Fingerprint.NO_BYTES;

  /** The last checkpoint entry saved for it (checkpoint writer only). */
  volatile FileCheckpoint lastEntry;

  private final ArrayDeque<Mark> marks = new ArrayDeque<>();

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
      ContainerLog container,
      LogSource source,
      FileIdentity identity,
      LogInput input,
      RecordAssembler assembler,
      long openedAtMillis) {
    this.container = container;
    this.source = source;
    this.identity = identity;
    this.input = input;
    this.assembler = assembler;
    this.startOffset = assembler.position();
    this.safeOffset = assembler.safeOffset();
    this.openedAtMillis = openedAtMillis;
  }

  /** True once the reader fed any byte of it (or started it past 0). */
  boolean started() {
    return startOffset > 0 || assembler.position() > 0 || assembler.hasPending();
  }

  /** The fingerprint of the file's first bytes as last read. */
  Fingerprint fingerprint() {
    return Fingerprint.of(head);
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
   * @return the mark, if this finished it; null if it finished none or the record is not here
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

  /** True if {@code r} is among this file's records awaiting acknowledgement. */
  synchronized boolean holds(LogRecord r) {
    for (Mark m : marks) {
      for (LogRecord x : m.records) {
        if (x == r) {
          return true;
        }
      }
    }
    return false;
  }

  private void prune() {
    for (Iterator<Mark> it = marks.iterator(); it.hasNext(); ) {
      if (it.next().remaining == 0) {
        it.remove();
      }
    }
  }

  /**
   * The offset a checkpoint may claim now: -1 while a record that began in the previous file is not
   * acknowledged.
   */
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

  @Override
  public String toString() {
    return source.path() + " [" + identity + (rotationKey == null ? "" : " " + rotationKey) + "]";
  }
}
