package io.github.logchute.core.tail;

import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.checkpoint.FileCheckpoint;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The bound on open files ({@link TailerConfig#maxOpenFiles()}): the reader parks idle live files,
 * the watcher reopens them by identity and content when they grow, follows them through rotation
 * (to their rotated name, or into their {@code .gz}), or counts them lost when they are gone.
 */
final class OpenFileBound {

  private static final RateLimitedLogger RATE_LIMITED =
      RateLimitedLogger.every10Seconds(FileTailer.class.getName());

  /** What the bound needs of the tailer. */
  interface Host {
    List<ContainerLog> containers();

    /** The checkpoint of {@code f} now, or null if it cannot be computed this round. */
    FileCheckpoint entryFor(TrackedFile f, long nowMillis);

    void markRotated(TrackedFile f);
  }

  private final TailerConfig config;
  private final TailMetrics metrics;
  private final Host host;

  OpenFileBound(TailerConfig config, TailMetrics metrics, Host host) {
    this.config = config;
    this.metrics = metrics;
    this.host = host;
  }

  int openFiles() {
    int n = 0;
    for (ContainerLog c : host.containers()) {
      for (TrackedFile f : c.files()) {
        if (!f.parked && !f.released) {
          n++;
        }
      }
    }
    return n;
  }

  /**
   * Reader thread: while more than maxOpenFiles files are open, closes the live ones idle at their
   * end for the longest, with nothing pending and everything acknowledged, so their checkpoint is
   * fixed while they are closed. Rotated files are never parked: they must drain.
   */
  void parkIdle(long nowMillis) {
    if (host.containers().size() <= config.maxOpenFiles()) {
      return; // the common case, checked on every round of the reader without counting
    }
    int open = openFiles();
    if (open <= config.maxOpenFiles()) {
      return;
    }
    List<TrackedFile> idle = new ArrayList<>();
    for (ContainerLog c : host.containers()) {
      TrackedFile f = c.live();
      if (f != null
          && c.current() == f
          && !f.parked
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
    for (TrackedFile f : idle) {
      if (open <= config.maxOpenFiles()) {
        break;
      }
      FileCheckpoint cp = host.entryFor(f, nowMillis);
      if (cp == null) {
        continue;
      }
      f.lastSeenSize = f.assembler.position();
      f.parkedCheckpoint = cp;
      f.parked = true;
      f.closeChannel();
      metrics.parked.increment();
      open--;
    }
  }

  /**
   * Watcher thread, after each scan: a parked file that grew (or shrank) is reopened at its path;
   * one that rotated is reopened where the kubelet moved it, or resumed from its {@code .gz}; one
   * that is gone is let go, counted lost if it had grown since it was last read.
   *
   * @return true if a file was reopened (the reader should look)
   */
  boolean resolveParked() {
    boolean reopened = false;
    for (ContainerLog c : host.containers()) {
      for (TrackedFile f : c.files()) {
        if (f.parked) {
          reopened |= resolve(c, f);
        }
      }
    }
    return reopened;
  }

  private boolean resolve(ContainerLog c, TrackedFile f) {
    long position = f.assembler.position(); // the reader does not touch a parked file
    if (!f.rotated) {
      try {
        if (!FileIdentity.of(c.link).equals(f.identity)) {
          return false; // replaced: the scan marks it rotated
        }
        long size = Files.size(c.link);
        f.lastSeenSize = Math.max(f.lastSeenSize, size);
        if (size == position) {
          return false;
        }
        Reopen r = reopen(f, c.link);
        if (r != Reopen.NOT_THIS_FILE) {
          return r == Reopen.DONE;
        }
        // A new file at the path got our inode (the kubelet rotated, compressed and deleted ours
        // while it was closed): a rotation the scan could not see. The next scan opens the new
        // file as the live one; ours is looked for below.
        metrics.rotations.increment();
        host.markRotated(f);
      } catch (IOException e) {
        return false; // gone: the scan marks it rotated
      }
    }
    List<Siblings.Sibling> siblings;
    try {
      siblings = c.siblings.scan(c.file);
    } catch (IOException e) {
      return false; // try again next scan
    }
    for (Siblings.Sibling s : siblings) {
      if (!s.gz() && s.identity().equals(f.identity) && reopen(f, s.path()) == Reopen.DONE) {
        f.rotationKey = s.key();
        return true;
      }
    }
    FileCheckpoint cp = f.parkedCheckpoint;
    for (Siblings.Sibling s : siblings) {
      if (s.gz() && s.head() != null && Fingerprint.samePrefix(f.head, s.head()) && cp != null) {
        try {
          LogInput.GzipInput in =
              LogInput.gzipAt(
                  s.path(),
                  cp.offset(),
                  new Fingerprint(cp.fingerprintLength(), cp.fingerprint()),
                  cp.tailLength(),
                  cp.tailHash());
          if (in != null) {
            f.input = in;
            f.identity = s.identity();
            f.rotationKey = s.key();
            f.eofSinceNanos = -1;
            f.parkedCheckpoint = null;
            f.parked = false;
            metrics.reopened.increment();
            return true;
          }
        } catch (IOException e) {
          // unreadable: counted below if nothing else is found
        }
      }
    }
    long lost = Math.max(0, f.lastSeenSize - position);
    if (lost > 0) {
      metrics.lost(
          f.source,
          f.identity,
          position,
          lost,
          "closed while idle (maxOpenFiles) and rotated away before it was read to its end");
    }
    f.parked = false;
    f.released = true;
    metrics.filesReleased.increment();
    return false;
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
  private Reopen reopen(TrackedFile f, Path at) {
    FileChannel ch;
    try {
      ch = FileChannel.open(at, StandardOpenOption.READ);
    } catch (IOException e) {
      RATE_LIMITED.log(Level.WARNING, "{0}: cannot be reopened ({1}); will retry", at, e);
      return Reopen.FAILED;
    }
    try {
      if (!FileIdentity.of(at).equals(f.identity)) {
        FileOpener.closeQuietly(ch);
        return Reopen.FAILED;
      }
      FileCheckpoint cp = f.parkedCheckpoint;
      long size = ch.size();
      boolean truncatedInPlace = !f.rotated && cp != null && size < cp.offset();
      if (cp != null && !truncatedInPlace && !FileOpener.matches(cp, ch, size)) {
        FileOpener.closeQuietly(ch);
        return Reopen.NOT_THIS_FILE;
      }
    } catch (IOException e) {
      FileOpener.closeQuietly(ch);
      return Reopen.FAILED;
    }
    f.input = LogInput.of(ch);
    f.eofSinceNanos = -1;
    f.parked = false;
    f.parkedCheckpoint = null;
    metrics.reopened.increment();
    return Reopen.DONE;
  }
}
