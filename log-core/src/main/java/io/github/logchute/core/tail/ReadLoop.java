package io.github.logchute.core.tail;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.parse.RecordAssembler;
import io.github.logchute.core.process.MultilineGrouper;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;

/**
 * The tailer's reader thread: goes round the tracked files reading one chunk of each per turn
 * (fairness), decodes, groups and processes, and hands the records to the emitter, registering them
 * for acknowledgement first. Part of {@link FileTailer}, whose state it shares.
 */
final class ReadLoop implements Runnable {

  private static final Logger LOG = System.getLogger(FileTailer.class.getName());
  private static final RateLimitedLogger RATE_LIMITED =
      RateLimitedLogger.every10Seconds(FileTailer.class.getName());

  private final FileTailer t;

  ReadLoop(FileTailer tailer) {
    this.t = tailer;
  }

  @Override
  public void run() {
    ByteBuffer buf = ByteBuffer.allocate(t.config.readBufferBytes());
    List<LogRecord> out = new ArrayList<>();
    long mergeTimeout = t.config.mergeTimeout().toNanos();
    long rotateWait = t.config.rotateWait().toNanos();
    try {
      while (isReading()) {
        boolean progressed = false;
        for (TrackedFile f : t.files) {
          if (!isReading()) {
            return;
          }
          if (!f.released && !f.parked) {
            progressed |= readOnce(f, buf, out, mergeTimeout, rotateWait);
          }
        }
        t.bound.parkIdle();
        if (!progressed) {
          t.lock.lock();
          try {
            if (t.reading) {
              t.wake.awaitNanos(t.config.pollInterval().toNanos());
            }
          } finally {
            t.lock.unlock();
          }
        }
      }
    } catch (InterruptedException e) {
      // stopReading() interrupted a blocked emit
    }
  }

  private boolean readOnce(
      TrackedFile f, ByteBuffer buf, List<LogRecord> out, long mergeTimeout, long rotateWait)
      throws InterruptedException {
    long now = t.clock.nanoTime();
    out.clear();
    SourceMetadata m = f.metadata;
    if (m == null) {
      return false; // waiting for its metadata (bounded by metadataWait)
    }
    if (m != f.appliedMetadata) {
      f.assembler.metadata(m);
      f.appliedMetadata = m;
    }
    try {
      buf.clear();
      int n = f.input.read(buf, f.assembler.position());
      if (n > 0) {
        t.metrics.bytesRead.add(n);
        f.assembler.feed(buf.array(), 0, n, out);
        f.eofSinceNanos = -1;
        updateFingerprint(f);
      } else {
        long size = f.input.size();
        if (size < f.assembler.position()) {
          truncated(f, size);
          return true;
        }
        if (f.eofSinceNanos < 0) {
          f.eofSinceNanos = now;
        }
        f.assembler.flushStaleMerges(now, mergeTimeout, out);
        if (f.rotated && now - Math.max(f.eofSinceNanos, f.rotatedAtNanos) >= rotateWait) {
          f.assembler.finish(out);
          emit(f, out, true);
          f.released = true;
          t.metrics.filesReleased.increment();
          return true;
        }
      }
      emit(f, out, false);
      return n > 0;
    } catch (ClosedChannelException e) {
      f.released = true;
      return false;
    } catch (IOException e) {
      t.metrics.readErrors.increment();
      RATE_LIMITED.log(Level.WARNING, "{0}: read failed: {1}", f.path, e.toString());
      return false;
    }
  }

  private void truncated(TrackedFile f, long size) throws InterruptedException {
    t.metrics.truncations.increment();
    long lostFrom = f.assembler.position();
    LOG.log(
        Level.WARNING,
        "{0}: file is now {1} bytes, shorter than the read position {2}: truncated (copytruncate?);"
            + " t.reading it again from the beginning",
        f.path,
        size,
        lostFrom);
    List<LogRecord> out = new ArrayList<>();
    f.assembler.finish(out);
    emit(f, out, true);
    f.assembler =
        new RecordAssembler(
            f.source, t.config.format(), 0, t.config.decodeOptions(), t.decodeMetrics, t.clock);
    if (f.appliedMetadata != null) {
      f.assembler.metadata(f.appliedMetadata);
    }
    f.fingerprint = TrackedFile.Fingerprint.NONE;
    f.safeOffset = 0;
    f.eofSinceNanos = -1;
  }

  private void updateFingerprint(TrackedFile f) throws IOException {
    TrackedFile.Fingerprint fp = f.fingerprint;
    if (fp.length() >= Fingerprints.HEAD_BYTES || !f.input.growable()) {
      return;
    }
    int len = (int) Math.min(Fingerprints.HEAD_BYTES, f.assembler.position());
    if (len > fp.length()) {
      long crc = f.input.crc(0, len);
      if (crc >= 0) {
        f.fingerprint = new TrackedFile.Fingerprint(len, crc);
      }
    }
  }

  /**
   * Groups multi-line events and parses messages (when processing is on), then registers and hands
   * over the records; blocks under backpressure.
   *
   * @param decoded the assembler's records (cleared)
   * @param endOfFile the file ends here (released or truncated): emit every event held
   */
  private void emit(TrackedFile f, List<LogRecord> decoded, boolean endOfFile)
      throws InterruptedException {
    List<LogRecord> out = decoded;
    if (t.processing != null) {
      if (f.grouper == null) {
        f.grouper = new MultilineGrouper(t.processing, t.processMetrics, t.clock);
      }
      out = t.staged;
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
      for (int i = 0; i < out.size(); i++) {
        out.set(i, t.processor.process(out.get(i)));
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
    t.lock.lock();
    try {
      if (!t.reading) {
        throw new InterruptedException("stopped");
      }
      t.inEmit = true;
    } finally {
      t.lock.unlock();
    }
    try {
      t.emitter.emit(out);
    } finally {
      t.lock.lock();
      try {
        t.inEmit = false;
      } finally {
        t.lock.unlock();
      }
      out.clear();
    }
  }

  private boolean isReading() {
    t.lock.lock();
    try {
      return t.reading;
    } finally {
      t.lock.unlock();
    }
  }
}
