package io.github.logchute.core.tail;

import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.checkpoint.FileCheckpoint;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The bound on open files ({@link TailerConfig#maxOpenFiles()}): the reader parks idle files, the
 * watcher reopens them by identity and content when they grow, follows them through rotation, or
 * lets them go (counting what was lost). Part of {@link FileTailer}, whose state it shares.
 */
final class OpenFileBound {

  private static final Logger LOG = System.getLogger(FileTailer.class.getName());
  private static final RateLimitedLogger RATE_LIMITED =
      RateLimitedLogger.every10Seconds(FileTailer.class.getName());

  private final FileTailer t;

  OpenFileBound(FileTailer tailer) {
    this.t = tailer;
  }

  int openFiles() {
    int n = 0;
    for (TrackedFile f : t.files) {
      if (!f.parked && !f.released) {
        n++;
      }
    }
    return n;
  }

  /**
   * Reader thread: while more than maxOpenFiles files are open, closes the ones idle at their end
   * for the longest — only live files with nothing pending and everything acknowledged, so their
   * checkpoint is fixed while they are closed. Rotated files are never parked: they must drain.
   */
  void parkIdle() {
    if (t.files.size() <= t.config.maxOpenFiles()) {
      return; // the common case, checked on every round of the reader without counting
    }
    int open = openFiles();
    if (open <= t.config.maxOpenFiles()) {
      return;
    }
    List<TrackedFile> idle = new ArrayList<>();
    for (TrackedFile f : t.files) {
      if (!f.parked
          && !f.released
          && !f.rotated
          && f.frozen == null
          && f.input.growable()
          && f.eofSinceNanos >= 0
          && !f.assembler.hasPending()
          && (f.grouper == null || !f.grouper.hasPending())
          && f.safeOffset == f.assembler.position()
          && f.fullyAcknowledged()) {
        idle.add(f);
      }
    }
    idle.sort((a, b) -> Long.compare(a.eofSinceNanos, b.eofSinceNanos));
    long now = t.clock.epochNanos() / 1_000_000;
    for (TrackedFile f : idle) {
      if (open <= t.config.maxOpenFiles()) {
        break;
      }
      FileCheckpoint cp = t.checkpoints.entryFor(f, now);
      if (cp == null) {
        continue;
      }
      f.lastSeenSize = f.assembler.position();
      f.parkedCheckpoint = cp;
      f.parked = true;
      f.closeChannel();
      t.metrics.parked.increment();
      open--;
    }
  }

  /**
   * Watcher thread, after each scan: a parked file that grew (or shrank) is reopened at its path;
   * one the scan found rotated is reopened where the kubelet moved it (or resumed from its {@code
   * .gz}) so that it drains; one that is gone for good is released, and counted as lost if it had
   * grown since it was last read.
   */
  void resolveParked() {
    boolean reopened = false;
    for (TrackedFile f : t.files) {
      if (!f.parked) {
        continue;
      }
      long position = f.assembler.position(); // the reader does not touch a parked file
      if (!f.rotated) {
        try {
          if (!FileIdentity.of(f.path).equals(f.identity)) {
            continue; // replaced: the scan marks it rotated
          }
          long size = Files.size(f.path);
          f.lastSeenSize = Math.max(f.lastSeenSize, size);
          if (size != position) {
            Reopen r = reopen(f, f.path);
            reopened |= r == Reopen.DONE;
            if (r == Reopen.NOT_THIS_FILE) {
              // A new file at the path got our inode (the kubelet rotated, compressed and deleted
              // ours while it was closed): a rotation the scan could not see. The next scan opens
              // the new file; ours is looked for below, its successors beside it.
              t.byPath.remove(f.path, f);
              t.metrics.rotations.increment();
              t.markRotated(f);
              t.rotated.recoverSkippedRotations(f.path, f);
              reopened = true;
            }
          }
        } catch (IOException e) {
          // gone: the scan marks it rotated
        }
        if (!f.rotated) {
          continue;
        }
      }
      boolean found = false;
      for (Path sibling : RotatedFiles.rotatedSiblings(f.path, false)) {
        try {
          if (FileIdentity.of(sibling).equals(f.identity)) {
            found = reopen(f, sibling) == Reopen.DONE;
            break;
          }
        } catch (IOException e) {
          // gone meanwhile
        }
      }
      reopened |= found;
      if (found) {
        continue;
      }
      FileCheckpoint cp = f.parkedCheckpoint;
      if (cp != null && t.rotated.resumeCompressed(f.path, cp)) {
        f.parked = false;
        f.released = true; // the resumed .gz stands in for it
        reopened = true;
        continue;
      }
      releaseParked(f, position);
    }
    if (reopened) {
      t.signal();
    }
  }

  /** Lets a parked file go for good, counting what it had beyond what was read as lost. */
  void releaseParked(TrackedFile f, long position) {
    long lost = Math.max(0, f.lastSeenSize - position);
    if (lost > 0) {
      t.metrics.lost(f.source, lost);
      LOG.log(
          Level.WARNING,
          "{0}: closed while idle and gone before its last {1} bytes were read; they are lost",
          f.path,
          lost);
    }
    f.parked = false;
    f.released = true;
    t.metrics.filesReleased.increment();
  }

  private enum Reopen {
    DONE,
    FAILED,
    NOT_THIS_FILE
  }

  /**
   * Reopens parked {@code f} at {@code at}, after checking it is the same file: device, inode, and
   * the hashes of its first bytes and of the bytes before the read position (an inode is reused
   * quickly once the kubelet deletes a compressed rotation).
   */
  Reopen reopen(TrackedFile f, Path at) {
    FileChannel ch;
    try {
      ch = FileChannel.open(at, StandardOpenOption.READ);
    } catch (IOException e) {
      RATE_LIMITED.log(Level.WARNING, "{0}: cannot be reopened ({1}); will retry", at, e);
      return Reopen.FAILED;
    }
    try {
      if (!FileIdentity.of(at).equals(f.identity)) {
        FileTailer.closeQuietly(ch);
        return Reopen.FAILED;
      }
      FileCheckpoint cp = f.parkedCheckpoint;
      long size = ch.size();
      boolean truncatedInPlace = !f.rotated && cp != null && size < cp.offset();
      if (cp != null && !truncatedInPlace && !FileOpener.matches(cp, ch, size)) {
        FileTailer.closeQuietly(ch);
        return Reopen.NOT_THIS_FILE;
      }
    } catch (IOException e) {
      FileTailer.closeQuietly(ch);
      return Reopen.FAILED;
    }
    f.input = LogInput.of(ch);
    f.eofSinceNanos = -1;
    f.parked = false;
    f.parkedCheckpoint = null;
    t.metrics.reopened.increment();
    return Reopen.DONE;
  }
}
