package io.github.logchute.core.tail;

import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.process.MultilineGrouper;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * The tailer's reader thread: goes round the containers reading one chunk of each one's current
 * file per turn (fairness), decodes, groups and processes, and hands the records to the emitter,
 * registering them for acknowledgement first. A rotated file is read to its end before the next one
 * of its container, and a partial line it ends with is handed over to that next file. A file whose
 * reading fails unexpectedly is quarantined; the thread goes on with every other file.
 */
final class ReadLoop implements Runnable {

  private static final Logger LOG = System.getLogger(FileTailer.class.getName());
  private static final RateLimitedLogger RATE_LIMITED =
      RateLimitedLogger.every10Seconds(FileTailer.class.getName());

  private final FileTailer t;
  private final long mergeTimeout;
  private final long rotateWait;
  private final List<LogRecord> staged = new ArrayList<>();

  ReadLoop(FileTailer tailer) {
    this.t = tailer;
    this.mergeTimeout = t.config.mergeTimeout().toNanos();
    this.rotateWait = t.config.rotateWait().toNanos();
  }

  @Override
  public void run() {
    ByteBuffer buf = ByteBuffer.allocate(t.config.readBufferBytes());
    List<LogRecord> out = new ArrayList<>();
    try {
      while (t.isReading()) {
        boolean progressed = false;
        for (ContainerLog c : t.containers) {
          if (!t.isReading()) {
            return;
          }
          TrackedFile f = c.current();
          if (f == null || f.parked) {
            continue;
          }
          try {
            progressed |= readOnce(c, f, buf, out);
          } catch (RuntimeException | StackOverflowError e) {
            quarantine(f, e);
          }
        }
        try {
          t.bound.parkIdle(t.clock.epochNanos() / 1_000_000);
        } catch (RuntimeException e) {
          RATE_LIMITED.log(Level.ERROR, "closing idle files failed: {0}", e.toString());
        }
        if (!progressed) {
          t.awaitWork(t.clock.nanoTime() + t.config.pollInterval().toNanos());
        }
      }
    } catch (InterruptedException e) {
      // stopReading() interrupted a blocked emit
    }
  }

  private void quarantine(TrackedFile f, Throwable e) {
    f.quarantined = true;
    t.metrics.quarantined.increment();
    LOG.log(
        Level.ERROR,
        f.source.path()
            + " ("
            + f.identity
            + "): reading failed unexpectedly at offset "
            + f.assembler.position()
            + "; the file is left alone (its checkpoint is kept, a restart tries it again), every"
            + " other file goes on",
        e);
  }

  private boolean readOnce(ContainerLog c, TrackedFile f, ByteBuffer buf, List<LogRecord> out)
      throws InterruptedException {
    long now = t.clock.nanoTime();
    out.clear();
    SourceMetadata m = c.metadata;
    if (m == null) {
      t.enrichment.expire(c, now); // waiting for its metadata, at most metadataWait
      return false;
    }
    if (m != f.appliedMetadata) {
      f.assembler.metadata(m);
      f.appliedMetadata = m;
    }
    try {
      LogInput in = f.input;
      if (in.growable() && f.eofSinceNanos >= 0) {
        // at its end: shorter than what was read? (rewritten past it is seen at the next read)
        long size = in.size();
        long position = f.assembler.position();
        if (size < position) {
          truncated(c, f, size, out, "shorter than the read position");
          return true;
        }
        f.knownSize = Math.max(f.knownSize, size);
      }
      if (read(f, buf, out)) {
        emit(f, out, false);
        return true;
      }
      if (f.rewritten) {
        truncated(c, f, in.size(), out, "the bytes before the read position changed");
        return true;
      }
      if (f.eofSinceNanos < 0) {
        f.eofSinceNanos = now;
      }
      if (!f.rotated && staleMerge(f, now) && stillAtPath(c, f)) {
        // a partial line whose end has not come in mergeTimeout goes out as it is — unless the file
        // was rotated under it (the watcher has not noticed yet): then its end is in the next file
        // and the rotation hands it over. A rotated file's partial line waits for finish() below.
        f.assembler.flushStaleMerges(now, mergeTimeout, out);
      }
      if (f.rotated) {
        TrackedFile next = c.successor(f);
        if (next != null && hasData(next)) {
          // everything written here before the next file got its first byte is visible now
          if (read(f, buf, out)) {
            emit(f, out, false);
            return true;
          }
          if (f.rewritten) {
            truncated(c, f, f.input.size(), out, "the bytes before the read position changed");
            return true;
          }
          finish(f, next, out);
          return true;
        }
        if (now - Math.max(f.eofSinceNanos, f.rotatedAtNanos) >= rotateWait) {
          finish(f, next, out);
          return true;
        }
      }
      emit(f, out, false);
      return false;
    } catch (ClosedChannelException e) {
      return false; // closed under us: the tailer is closing
    } catch (IOException e) {
      t.metrics.readErrors.increment();
      RATE_LIMITED.log(Level.WARNING, "{0}: read failed: {1}", f.source.path(), e.toString());
      return false;
    }
  }

  /**
   * Reads and decodes one chunk; true if there was one. Before decoding it, checks that the bytes
   * just before it are still those decoded last (a file truncated and written again past the read
   * position would otherwise be read from the middle of another line): if not, sets {@code
   * rewritten} and decodes nothing.
   */
  private boolean read(TrackedFile f, ByteBuffer buf, List<LogRecord> out) throws IOException {
    buf.clear();
    long position = f.assembler.position();
    int n = f.input.read(buf, position);
    if (n <= 0) {
      return false;
    }
    if (changedUnder(f, position)) {
      f.rewritten = true;
      return false;
    }
    t.metrics.bytesRead.add(n);
    int tail = Math.min(n, Fingerprint.TAIL_BYTES);
    f.tailCrc = Fingerprint.crc(buf.array(), n - tail, tail);
    f.tailLength = tail;
    f.knownSize = Math.max(f.knownSize, position + n);
    f.assembler.feed(buf.array(), 0, n, out);
    f.eofSinceNanos = -1;
    if (f.head.length < Fingerprint.HEAD_BYTES && f.input.growable()) {
      byte[] head = f.input.head();
      // a head that does not continue the one known is a file truncated and written again since
      // this read: the next read sees it by the bytes before its position; the head stays
      if (head.length > f.head.length
          && (f.head.length == 0 || Fingerprint.samePrefix(f.head, head))) {
        f.head = head;
      }
    }
    return true;
  }

  private static boolean hasData(TrackedFile f) {
    if (f.parked) {
      return f.lastSeenSize > 0;
    }
    try {
      return !f.input.growable() || f.input.size() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Whether the bytes that what is read next must follow are no longer those decoded: the ones just
   * before {@code position}, or — nothing decoded here yet (opened, or resumed, and not read since)
   * — the file's first bytes. Either way it was truncated and written again meanwhile.
   */
  private static boolean changedUnder(TrackedFile f, long position) throws IOException {
    LogInput in = f.input;
    if (!in.growable()) {
      return false;
    }
    if (f.tailLength > 0) {
      return in.crc(position - f.tailLength, f.tailLength) != f.tailCrc;
    }
    return f.head.length > 0
        && in.crc(0, f.head.length) != Fingerprint.crc(f.head, 0, f.head.length);
  }

  private boolean staleMerge(TrackedFile f, long now) {
    long since = f.assembler.oldestMergeSinceNanos();
    return since != Long.MAX_VALUE && now - since >= mergeTimeout;
  }

  /** Whether the container's path still leads to {@code f}; false if that cannot be told now. */
  private static boolean stillAtPath(ContainerLog c, TrackedFile f) {
    try {
      return FileIdentity.of(c.link).equals(f.identity);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * {@code f} has ended for good: a partial line it ends with goes on in {@code next} (when that
   * was not read yet), else everything it holds is emitted; then it is let go.
   */
  private void finish(TrackedFile f, TrackedFile next, List<LogRecord> out)
      throws InterruptedException {
    long held = Long.MAX_VALUE;
    if (next != null && !next.parked && !next.started()) {
      long before = f.assembler.safeOffset();
      if (f.assembler.handOver(next.assembler, out) > 0) {
        // the next file now holds a line that began here: its committed offset is -1 until that
        // line is delivered, which keeps this file in the checkpoints
        next.safeOffset = next.assembler.safeOffset();
        f.carriedTo = next;
        held = before; // until the next file delivers it, the partial line is read again from here
      }
    } else {
      f.assembler.finish(out);
    }
    emit(f, out, true);
    f.safeOffset = Math.min(f.safeOffset, held);
    f.released = true;
    t.metrics.filesReleased.increment();
  }

  /**
   * The file is shorter than what was read, or no longer holds what was read before the read
   * position: it was truncated in place (and perhaps written again). Its descriptor now reads a new
   * file, from 0, which takes its place in the chain. If a copy of it lies beside it with more than
   * was read (copytruncate), the rest is read from the copy first; otherwise what it held beyond
   * the read position is gone, and counted lost when the reader had seen it.
   */
  private void truncated(ContainerLog c, TrackedFile f, long size, List<LogRecord> out, String sign)
      throws IOException, InterruptedException {
    t.metrics.truncations.increment();
    long position = f.assembler.position();
    f.rewritten = false;
    LogInput old = f.input;
    TrackedFile fresh = t.opener.reread(c, f.identity, old);
    if (f.rotated) {
      fresh.rotationKey = f.rotationKey;
      fresh.rotatedAtNanos = f.rotatedAtNanos;
      fresh.rotated = true;
    }
    Siblings.Sibling copy = copyOf(c, f, position);
    LogInput rest = copy == null ? null : restOf(copy, f, position);
    if (rest != null) {
      follow(c, f, fresh);
      f.input = rest;
      f.identity = copy.identity();
      f.rotationKey = copy.key();
      LOG.log(
          Level.INFO,
          "{0}: truncated in place ({3}) after a copy to {1} (copytruncate): the rest is read from"
              + " the copy (from offset {2}), then the file again from its beginning",
          c.link,
          copy.path().getFileName(),
          Long.toString(position),
          sign);
      return;
    }
    long held = Math.max(f.knownSize, f.head.length);
    if (held > position) {
      // it held more than was read when last looked at (at least its first bytes, if it was not
      // read at all), and that is nowhere now
      t.metrics.lost(
          f.source,
          f.identity,
          position,
          held - position,
          "truncated in place before it was read to its end, and no copy of it found beside it");
    }
    LOG.log(
        Level.WARNING,
        "{0}: truncated in place ({3}; now {1} bytes, {2} were read) and no copy of it found"
            + " beside it: reading it again from its beginning; lines written after the last look"
            + " and before the truncation cannot be recovered",
        c.link,
        Long.toString(size),
        Long.toString(position),
        sign);
    follow(c, f, fresh);
    f.input = LogInput.CLOSED; // the descriptor is the new file's now
    // a partial line it ended with goes on at the start of what is written now, as at a rotation
    finish(f, fresh, out);
  }

  /**
   * Puts {@code fresh} — the truncated file read again from its start — in the chain, and {@code f}
   * out of the live file's place: the live file's new content is newer than every copy in the
   * chain, so it goes last; a rotated file truncated goes on right after itself.
   */
  private void follow(ContainerLog c, TrackedFile f, TrackedFile fresh) {
    if (f.rotated) {
      c.insertAfter(f, fresh);
    } else {
      c.append(fresh);
      t.markRotated(f);
    }
  }

  /**
   * The copy opened at {@code position}: a plain copy by descriptor, a compressed one (the kubelet
   * compressed the copy before the reader noticed the truncation) decompressed up to there, if the
   * bytes before it are those read. Null if it cannot be opened, or is not the file read.
   */
  private LogInput restOf(Siblings.Sibling copy, TrackedFile f, long position) {
    if (!copy.gz()) {
      FileChannel ch = t.opener.open(copy.path());
      return ch == null ? null : LogInput.of(ch);
    }
    try {
      return LogInput.gzipAt(copy.path(), position, f.fingerprint(), f.tailLength, f.tailCrc);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * A copy of {@code f} beside it — plain or compressed — holding more than {@code position} bytes,
   * newest first.
   */
  private static Siblings.Sibling copyOf(ContainerLog c, TrackedFile f, long position) {
    List<Siblings.Sibling> siblings;
    try {
      siblings = new Siblings().scan(c.file);
    } catch (IOException e) {
      return null;
    }
    for (int i = siblings.size() - 1; i >= 0; i--) {
      Siblings.Sibling s = siblings.get(i);
      long size = s.gz() ? s.contentSize() : s.size();
      if (s.head() != null
          && !s.identity().equals(f.identity)
          && size > position
          && Fingerprint.samePrefix(s.head(), f.head)) {
        return s;
      }
    }
    return null;
  }

  /**
   * Groups multi-line events (when processing is on), then registers and hands over the records;
   * blocks under backpressure. Parsing messages is the pipeline's processing stage.
   *
   * @param decoded the assembler's records (cleared)
   * @param endOfFile the file ends here: emit every event held
   */
  private void emit(TrackedFile f, List<LogRecord> decoded, boolean endOfFile)
      throws InterruptedException {
    List<LogRecord> out = decoded;
    if (t.processing != null) {
      if (f.grouper == null) {
        f.grouper = new MultilineGrouper(t.processing, t.processMetrics, t.clock);
      }
      out = staged;
      out.clear();
      for (int i = 0; i < decoded.size(); i++) {
        f.grouper.feed(decoded.get(i), out);
      }
      decoded.clear();
      if (endOfFile) {
        f.grouper.finish(out);
      } else {
        f.grouper.flushIdle(t.clock.nanoTime(), out);
      }
    }
    long safe = f.assembler.safeOffset();
    if (f.grouper != null) {
      safe = f.grouper.safeOffset(safe); // never past the start of an event being grouped
    }
    if (out.isEmpty()) {
      f.safeOffset = safe;
      return;
    }
    LogRecord[] records = out.toArray(new LogRecord[0]);
    TrackedFile.Mark mark = f.register(records);
    t.marksByFirst.put(records[0], mark);
    f.safeOffset = safe;
    try {
      t.emit(out);
    } finally {
      out.clear();
    }
  }
}
