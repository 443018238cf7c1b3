package io.github.logchute.core.tail;

import io.github.logchute.core.Clock;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.checkpoint.FileCheckpoint;
import io.github.logchute.core.parse.DecodeMetrics;
import io.github.logchute.core.parse.RecordAssembler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Opens files for the tailer — plain ones by descriptor, compressed rotated ones as a gzip stream —
 * and builds their {@link TrackedFile}: source, decoder at the start offset, first bytes. A file
 * that cannot be opened is reported once (see {@link Skips}). Used by the watcher and, for a
 * copytruncate, by the reader.
 */
final class FileOpener {

  private final TailerConfig config;
  private final DecodeMetrics decodeMetrics;
  private final Clock clock;
  private final TailMetrics metrics;
  private final Skips skips;

  FileOpener(
      TailerConfig config,
      DecodeMetrics decodeMetrics,
      Clock clock,
      TailMetrics metrics,
      Skips skips) {
    this.config = config;
    this.decodeMetrics = decodeMetrics;
    this.clock = clock;
    this.metrics = metrics;
    this.skips = skips;
  }

  /** Opens {@code p} for reading; null if it is gone or cannot be opened (reported once). */
  FileChannel open(Path p) {
    try {
      return FileChannel.open(p, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      return null;
    } catch (AccessDeniedException e) {
      skips.report(p, "permission", "permission denied");
      return null;
    } catch (IOException e) {
      skips.report(p, "error", e.toString());
      return null;
    }
  }

  /** A tracked plain file of {@code c}, read from {@code offset}; closes {@code ch} on failure. */
  TrackedFile plain(ContainerLog c, FileIdentity id, FileChannel ch, long offset)
      throws IOException {
    LogInput in = LogInput.of(ch);
    try {
      TrackedFile f = tracked(c, id, in, offset);
      f.head = in.head();
      return f;
    } catch (IOException | RuntimeException e) {
      closeQuietly(in);
      throw e;
    }
  }

  /**
   * The file behind {@code in} read again from its start as a new tracked file of {@code c} (it was
   * truncated in place): same descriptor, new decoder.
   */
  TrackedFile reread(ContainerLog c, FileIdentity id, LogInput in) throws IOException {
    TrackedFile f = tracked(c, id, in, 0);
    f.head = in.head();
    return f;
  }

  /** A tracked compressed rotated file of {@code c}, already positioned in {@code in}. */
  TrackedFile gzip(ContainerLog c, FileIdentity id, LogInput.GzipInput in, long offset) {
    TrackedFile f = tracked(c, id, in, offset);
    f.head = in.head();
    return f;
  }

  private TrackedFile tracked(ContainerLog c, FileIdentity id, LogInput in, long offset) {
    LogSource source = LogSource.of(c.link, id);
    RecordAssembler a =
        new RecordAssembler(
            source, config.format(), offset, config.decodeOptions(), decodeMetrics, clock);
    metrics.filesOpened.increment();
    return new TrackedFile(c, source, id, in, a, clock.epochNanos() / 1_000_000);
  }

  /**
   * Whether an open file is the one {@code cp} was saved for: long enough, same first bytes, same
   * bytes just before the saved offset.
   */
  static boolean matches(FileCheckpoint cp, FileChannel ch, long size) throws IOException {
    return mismatch(cp, ch, size) == null;
  }

  /** Why an open file is not the one {@code cp} was saved for, or null if it is. */
  static String mismatch(FileCheckpoint cp, FileChannel ch, long size) throws IOException {
    if (size < cp.offset() || size < cp.fingerprintLength()) {
      return "it is shorter (" + size + " bytes)";
    }
    if (cp.fingerprintLength() > 0
        && Fingerprint.crc(ch, 0, cp.fingerprintLength()) != cp.fingerprint()) {
      return "its first " + cp.fingerprintLength() + " bytes differ";
    }
    if (cp.tailLength() > 0
        && Fingerprint.crc(ch, cp.offset() - cp.tailLength(), cp.tailLength()) != cp.tailHash()) {
      return "the " + cp.tailLength() + " bytes before the offset differ";
    }
    return null;
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

  static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
