package io.github.logchute.core.tail;

import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.checkpoint.FileCheckpoint;
import io.github.logchute.core.parse.RecordAssembler;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens a file the watcher found and decides where reading starts: a matching checkpoint, else the
 * first start's {@link StartAt}, else 0. Part of {@link FileTailer}, whose state it shares.
 */
final class FileOpener {

  private static final Logger LOG = System.getLogger(FileTailer.class.getName());
  private static final RateLimitedLogger RATE_LIMITED =
      RateLimitedLogger.every10Seconds(FileTailer.class.getName());

  private final FileTailer t;

  FileOpener(FileTailer tailer) {
    this.t = tailer;
  }

  /** Opens a file found at {@code p}; null if it cannot be opened now (retried next scan). */
  TrackedFile open(Path p, FileIdentity id, boolean initial, TrackedFile previous) {
    FileChannel ch;
    try {
      ch = FileChannel.open(p, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return null;
    } catch (AccessDeniedException e) {
      t.metrics.unreadable.increment();
      RATE_LIMITED.log(Level.WARNING, "{0}: permission denied; will retry", p);
      return null;
    } catch (IOException e) {
      t.metrics.unreadable.increment();
      RATE_LIMITED.log(Level.WARNING, "{0}: cannot be opened ({1}); will retry", p, e.toString());
      return null;
    }
    try {
      if (!FileIdentity.of(p).equals(id)) {
        ch.close(); // replaced between the scan and the open: the next scan sees the new file
        return null;
      }
      long start = startOffset(p, id, ch, initial && previous == null);
      return newTracked(p, id, ch, start);
    } catch (IOException e) {
      FileTailer.closeQuietly(ch);
      return null;
    }
  }

  TrackedFile newTracked(Path p, FileIdentity id, FileChannel ch, long start) {
    LogSource source = LogSource.of(p, id);
    RecordAssembler a =
        new RecordAssembler(
            source, t.config.format(), start, t.config.decodeOptions(), t.decodeMetrics, t.clock);
    t.metrics.filesOpened.increment();
    return new TrackedFile(
        p, source, id, LogInput.of(ch), a, t.clock.epochNanos() / 1_000_000, null);
  }

  long startOffset(Path p, FileIdentity id, FileChannel ch, boolean initial) throws IOException {
    FileCheckpoint cp = takeSaved(p.toString(), id);
    long size = ch.size();
    if (cp != null) {
      if (matches(cp, ch, size)) {
        t.metrics.resumed.increment();
        return cp.offset();
      }
      t.metrics.checkpointMismatch.increment();
      LOG.log(
          Level.WARNING,
          "{0}: t.saved position {1} belongs to another file with the same inode (reused) or the"
              + " file was rewritten; reading this one from the beginning",
          p,
          cp.offset());
      // the saved file may still exist under its rotated name: look for it after the scan
      t.saved.computeIfAbsent(cp.path(), k -> new ArrayList<>()).add(cp);
      return 0;
    }
    if (initial && t.freshStart && t.config.startAt() == StartAt.END) {
      return lineAlignedEnd(ch, size);
    }
    return 0;
  }

  FileCheckpoint takeSaved(String path, FileIdentity id) {
    List<FileCheckpoint> list = t.saved.get(path);
    if (list == null) {
      return null;
    }
    for (int i = 0; i < list.size(); i++) {
      FileCheckpoint c = list.get(i);
      if (c.device() == id.device() && c.inode() == id.inode()) {
        list.remove(i);
        if (list.isEmpty()) {
          t.saved.remove(path);
        }
        return c;
      }
    }
    return null;
  }

  static boolean matches(FileCheckpoint cp, FileChannel ch, long size) throws IOException {
    if (size < cp.offset() || size < cp.fingerprintLength()) {
      return false;
    }
    if (cp.fingerprintLength() > 0
        && Fingerprints.crc(ch, 0, cp.fingerprintLength()) != cp.fingerprint()) {
      return false;
    }
    return cp.tailLength() == 0
        || Fingerprints.crc(ch, cp.offset() - cp.tailLength(), cp.tailLength()) == cp.tailHash();
  }

  /** The end of the last complete line, so that reading does not begin in the middle of one. */
  static long lineAlignedEnd(FileChannel ch, long size) throws IOException {
    int back = (int) Math.min(size, 64 * 1024);
    if (back == 0) {
      return 0;
    }
    ByteBuffer b = ByteBuffer.allocate(back);
    while (b.hasRemaining() && ch.read(b, size - back + b.position()) > 0) {
      // fill
    }
    for (int i = b.position() - 1; i >= 0; i--) {
      if (b.get(i) == '\n') {
        return size - back + i + 1;
      }
    }
    return size;
  }
}
