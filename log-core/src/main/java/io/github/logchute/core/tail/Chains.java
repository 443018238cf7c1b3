package io.github.logchute.core.tail;

import io.github.logchute.core.Clock;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.checkpoint.FileCheckpoint;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * Keeps each container's chain of files in step with its directory: builds it when a path is first
 * seen, appends the new live file at a rotation, and — at every scan — lists the rotated siblings
 * and adds each one that is neither a file of the chain, nor done, nor history, so that no rotated
 * file is skipped however many rotations happened between two scans, during a pause or while
 * logchute was down. Watcher thread only.
 */
final class Chains {

  private static final Logger LOG = System.getLogger(FileTailer.class.getName());

  /** How a path's files are read when the path is first seen. */
  enum Start {
    /** The very first start: the live file per {@link StartAt}, rotated files are history. */
    FIRST,
    /** A restart: saved positions, then what is neither saved nor done from its start. */
    RESTORE,
    /** A path that appeared while running: every file not done, from its start. */
    NEW
  }

  private final TailerConfig config;
  private final Clock clock;
  private final TailMetrics metrics;
  private final FileOpener opener;

  Chains(TailerConfig config, Clock clock, TailMetrics metrics, FileOpener opener) {
    this.config = config;
    this.clock = clock;
    this.metrics = metrics;
    this.opener = opener;
  }

  /**
   * Builds the chain of a path first seen: rotated siblings in order, then the live file. With
   * {@link Start#RESTORE}, {@code saved} holds the path's checkpoints; those used are removed.
   * {@code done} (nullable) lists the rotated files done with, as saved or remembered.
   *
   * @return the container, or null if its live file cannot be opened now (retried next scan)
   */
  ContainerLog discover(
      Path link,
      Path file,
      FileIdentity id,
      Start start,
      List<FileCheckpoint> saved,
      List<ContainerLog.Done> done) {
    FileChannel ch = opener.open(link);
    if (ch == null) {
      return null;
    }
    ContainerLog c = new ContainerLog(link, LogSource.of(link, id), file, clock.nanoTime());
    if (done != null) {
      c.done.addAll(done);
    }
    try {
      if (!FileIdentity.of(link).equals(id)) {
        FileOpener.closeQuietly(ch);
        return null; // replaced between the scan and the open: the next scan sees the new file
      }
      // the live file joins the chain before the siblings are listed: if it rotates meanwhile, the
      // listing finds it as one of them and knows it by its inode instead of reading it twice
      long offset = liveStart(c, id, ch, start, saved);
      c.append(opener.plain(c, id, ch, offset));
      reconcile(c, start == Start.RESTORE ? saved : null, start == Start.FIRST);
    } catch (IOException e) {
      FileOpener.closeQuietly(ch);
      c.files().forEach(TrackedFile::closeChannel);
      return null;
    }
    return c;
  }

  private long liveStart(
      ContainerLog c, FileIdentity id, FileChannel ch, Start start, List<FileCheckpoint> saved)
      throws IOException {
    long size = ch.size();
    if (start == Start.RESTORE && saved != null) {
      for (Iterator<FileCheckpoint> it = saved.iterator(); it.hasNext(); ) {
        FileCheckpoint cp = it.next();
        if (cp.device() == id.device() && cp.inode() == id.inode()) {
          if (FileOpener.matches(cp, ch, size)) {
            it.remove();
            metrics.resumed.increment();
            return cp.offset();
          }
          metrics.checkpointMismatch.increment();
          LOG.log(
              Level.WARNING,
              "{0}: the position saved for inode {1} ({2}) belongs to another file with the same"
                  + " inode, or the file was rewritten; reading this one from its beginning",
              c.link,
              Long.toString(id.inode()),
              Long.toString(cp.offset()));
        }
      }
      return 0;
    }
    if (start == Start.FIRST && config.startAt() == StartAt.END) {
      return FileOpener.lineAlignedEnd(ch, size);
    }
    return 0;
  }

  /**
   * At start, checkpoints of a path no scan found — its link was removed while logchute was down —
   * whose real file, or rotated siblings of it, are still there: they are drained (used entries are
   * removed from {@code saved}), then the container goes. Null if none of them is found.
   */
  ContainerLog restoreGone(
      Path link, Path file, List<FileCheckpoint> saved, List<ContainerLog.Done> done) {
    FileIdentity id;
    try {
      id = FileIdentity.of(file);
    } catch (IOException e) {
      id = FileIdentity.NONE;
    }
    ContainerLog c = new ContainerLog(link, LogSource.of(link, id), file, clock.nanoTime());
    if (done != null) {
      c.done.addAll(done);
    }
    reconcile(c, saved, false);
    if (!id.equals(FileIdentity.NONE)) {
      for (Iterator<FileCheckpoint> it = saved.iterator(); it.hasNext(); ) {
        FileCheckpoint cp = it.next();
        if (cp.device() != id.device() || cp.inode() != id.inode()) {
          continue;
        }
        FileChannel ch = opener.open(file);
        if (ch == null) {
          break;
        }
        try {
          if (FileOpener.matches(cp, ch, ch.size())) {
            TrackedFile f = opener.plain(c, id, ch, cp.offset());
            it.remove();
            metrics.resumed.increment();
            c.append(f);
            markRotated(f);
          } else {
            FileOpener.closeQuietly(ch);
          }
        } catch (IOException e) {
          FileOpener.closeQuietly(ch);
        }
        break;
      }
    }
    c.gone = true;
    if (c.files().isEmpty()) {
      return null;
    }
    LOG.log(
        Level.INFO,
        "{0}: removed while logchute was down; draining what is left of its files",
        link);
    return c;
  }

  /**
   * A later scan found the path leading to {@code id}: a new identity is a rotation (or a
   * re-creation), and the new live file is read from its start; then the siblings are reconciled.
   */
  void refresh(ContainerLog c, Path file, FileIdentity id) {
    c.file = file;
    c.gone = false;
    TrackedFile live = c.live();
    if (live != null && !live.identity.equals(id)) {
      metrics.rotations.increment();
      markRotated(live);
      live = null;
    }
    // rotated files found now go before the new live file: added first, so that the reader never
    // sees the new live file follow the rotated one with the missed ones not yet in between
    reconcile(c, null, false);
    if (live == null) {
      FileChannel ch = opener.open(c.link);
      if (ch != null) {
        try {
          if (FileIdentity.of(c.link).equals(id)) {
            c.append(opener.plain(c, id, ch, 0));
          } else {
            FileOpener.closeQuietly(ch); // replaced again: next scan
          }
        } catch (IOException e) {
          FileOpener.closeQuietly(ch);
        }
      }
    }
  }

  /** The path matches nothing any more: its live file drains (with rotateWait), then goes. */
  void gone(ContainerLog c) {
    c.gone = true;
    TrackedFile live = c.live();
    if (live != null) {
      markRotated(live);
    }
  }

  void markRotated(TrackedFile f) {
    if (!f.rotated) {
      f.rotatedAtNanos = clock.nanoTime();
      f.rotated = true;
    }
  }

  /**
   * Lists the rotated siblings and adds, in rotation order, every one that is not a file of the
   * chain (by inode, or by content for a compressed or copied one), not resumed from {@code saved},
   * and not done; with {@code history}, such files are marked done instead (the first start).
   */
  void reconcile(ContainerLog c, List<FileCheckpoint> saved, boolean history) {
    // at a restore, a file that could not be looked at this time may be the one a saved position
    // is for (compressed, or deleted, between the listing and the open): look again before the
    // position is reported lost
    int attempts = saved == null || saved.isEmpty() ? 1 : RESTORE_ATTEMPTS;
    for (int i = 0; i < attempts; i++) {
      if (reconcileOnce(c, saved, history) || saved.isEmpty()) {
        return;
      }
    }
  }

  private static final int RESTORE_ATTEMPTS = 3;

  /** One pass of {@link #reconcile}; true if every sibling could be looked at. */
  private boolean reconcileOnce(ContainerLog c, List<FileCheckpoint> saved, boolean history) {
    List<Siblings.Sibling> siblings;
    try {
      siblings = c.siblings.scan(c.file);
    } catch (IOException e) {
      return false; // cannot list the directory: nothing can be concluded this time
    }
    refreshHeads(c);
    boolean complete = true;
    for (Siblings.Sibling s : siblings) {
      if (s.head() == null) {
        complete = false;
        continue;
      }
      TrackedFile known = fileOf(c, s);
      if (known != null) {
        if (known.rotationKey == null) {
          // renamed to this name, or copied to it (copytruncate) while still the live file
          known.rotationKey = s.key();
        }
        continue;
      }
      if (s.head().length == 0) {
        continue; // nothing in it yet
      }
      if (saved != null && resume(c, s, saved)) {
        continue;
      }
      if (c.isDone(s.head(), s.contentSize(), s.gz())) {
        continue;
      }
      if (history || tooOld(s)) {
        c.addDone(Fingerprint.of(s.head()), s.contentSize());
        continue;
      }
      if (!readWhole(c, s)) {
        complete = false;
      }
    }
    if (complete) {
      c.retainDone(siblings);
    }
    return complete;
  }

  /**
   * Files shorter than a full fingerprint when last read — or not read at all yet, because the
   * reader is busy with an older file or waits for the pipeline — get their first bytes read again
   * here, so that their compressed copy is recognised as theirs.
   */
  private static void refreshHeads(ContainerLog c) {
    for (TrackedFile f : c.files()) {
      LogInput in = f.input;
      if (!f.parked && in.growable() && f.head.length < Fingerprint.HEAD_BYTES) {
        try {
          byte[] head = in.head();
          // only a head that continues the one known: a file truncated and written again keeps
          // the head of what was read, so that its copy (copytruncate) is still known as its own
          if (head.length > f.head.length
              && (f.head.length == 0 || Fingerprint.samePrefix(f.head, head))) {
            f.head = head;
          }
        } catch (IOException e) {
          // closed under us (parked meanwhile): its last head stands
        }
      }
    }
  }

  /**
   * The chain's file {@code s} is: same inode (a plain file followed by descriptor), or same first
   * bytes (its compressed copy, or a copytruncate's copy of the live file, which the reader turns
   * to when it finds the file truncated). Parked files are matched by content only: their inode may
   * have been reused.
   */
  private static TrackedFile fileOf(ContainerLog c, Siblings.Sibling s) {
    for (TrackedFile f : c.files()) {
      if (!s.gz() && !f.parked && f.input.growable() && f.identity.equals(s.identity())) {
        return f;
      }
    }
    for (TrackedFile f : c.files()) {
      if (Fingerprint.samePrefix(f.head, s.head())) {
        return f;
      }
    }
    return null;
  }

  /**
   * Resumes {@code s} at a saved position, if one of {@code saved} is for it: by inode and content,
   * or — for a copy made while logchute was down (copytruncate), or a compressed file — by content
   * alone.
   */
  private boolean resume(ContainerLog c, Siblings.Sibling s, List<FileCheckpoint> saved) {
    if (resumeByIdentity(c, s, saved)) {
      return true;
    }
    if (s.gz()) {
      return false;
    }
    for (Iterator<FileCheckpoint> it = saved.iterator(); it.hasNext(); ) {
      FileCheckpoint cp = it.next();
      if (cp.fingerprintLength() == 0
          || s.size() < cp.offset()
          || !new Fingerprint(cp.fingerprintLength(), cp.fingerprint()).isPrefixOf(s.head())) {
        continue;
      }
      FileChannel ch = opener.open(s.path());
      if (ch == null) {
        return false;
      }
      try {
        if (FileOpener.matches(cp, ch, ch.size())) {
          TrackedFile f = opener.plain(c, s.identity(), ch, cp.offset());
          it.remove();
          metrics.resumed.increment();
          metrics.rotatedPickedUp.increment();
          LOG.log(
              Level.INFO,
              "{0}: copied while logchute was down (copytruncate); resuming the copy {1} at offset"
                  + " {2}",
              c.link,
              s.path().getFileName(),
              Long.toString(cp.offset()));
          addRotated(c, f, s.key());
          return true;
        }
        FileOpener.closeQuietly(ch);
      } catch (IOException e) {
        FileOpener.closeQuietly(ch);
      }
    }
    return false;
  }

  private boolean resumeByIdentity(ContainerLog c, Siblings.Sibling s, List<FileCheckpoint> saved) {
    for (Iterator<FileCheckpoint> it = saved.iterator(); it.hasNext(); ) {
      FileCheckpoint cp = it.next();
      TrackedFile f = null;
      try {
        if (!s.gz() && cp.device() == s.identity().device() && cp.inode() == s.identity().inode()) {
          FileChannel ch = opener.open(s.path());
          if (ch == null) {
            continue;
          }
          String why = FileOpener.mismatch(cp, ch, ch.size());
          if (why == null) {
            f = opener.plain(c, s.identity(), ch, cp.offset());
          } else {
            FileOpener.closeQuietly(ch);
            metrics.checkpointMismatch.increment();
            LOG.log(
                Level.WARNING,
                "{0}: {1} has the inode of a saved position (offset {2}) but not its content ({3}):"
                    + " the inode was reused, or the file rewritten",
                c.link,
                s.path().getFileName(),
                Long.toString(cp.offset()),
                why);
          }
        } else if (s.gz()
            && cp.fingerprintLength() > 0
            && new Fingerprint(cp.fingerprintLength(), cp.fingerprint()).isPrefixOf(s.head())) {
          LogInput.GzipInput in =
              LogInput.gzipAt(
                  s.path(),
                  cp.offset(),
                  new Fingerprint(cp.fingerprintLength(), cp.fingerprint()),
                  cp.tailLength(),
                  cp.tailHash());
          if (in == null) {
            LOG.log(
                Level.WARNING,
                "{0}: {1} begins like the file saved at offset {2} but is shorter or differs"
                    + " before that offset",
                c.link,
                s.path().getFileName(),
                Long.toString(cp.offset()));
          } else {
            f = opener.gzip(c, s.identity(), in, cp.offset());
            LOG.log(
                Level.INFO,
                "{0}: rotated and compressed while logchute was down; resuming {1} at offset {2}",
                c.link,
                s.path().getFileName(),
                Long.toString(cp.offset()));
          }
        }
      } catch (IOException e) {
        continue; // unreadable or gone: another checkpoint, or the file, is tried next
      }
      if (f != null) {
        it.remove();
        metrics.resumed.increment();
        metrics.rotatedPickedUp.increment();
        addRotated(c, f, s.key());
        return true;
      }
    }
    return false;
  }

  /** Reads a rotated file logchute has not read from its start. */
  private boolean readWhole(ContainerLog c, Siblings.Sibling s) {
    TrackedFile f;
    try {
      if (s.gz()) {
        LogInput.GzipInput in = LogInput.gzipAt(s.path(), 0, Fingerprint.NONE, 0, 0);
        if (in == null) {
          return false;
        }
        f = opener.gzip(c, s.identity(), in, 0);
      } else {
        FileChannel ch = opener.open(s.path());
        if (ch == null) {
          return false;
        }
        f = opener.plain(c, s.identity(), ch, 0);
      }
    } catch (IOException e) {
      return false; // gone or unreadable: the next scan looks again
    }
    metrics.rotatedPickedUp.increment();
    LOG.log(
        Level.INFO,
        "{0}: rotated file {1} was not read yet; reading it whole",
        c.link,
        s.path().getFileName());
    addRotated(c, f, s.key());
    return true;
  }

  private void addRotated(ContainerLog c, TrackedFile f, String key) {
    f.rotationKey = key;
    markRotated(f);
    c.insertRotated(f, key);
  }

  private boolean tooOld(Siblings.Sibling s) {
    if (config.ignoreOlder().isZero()) {
      return false;
    }
    try {
      long age = clock.epochNanos() / 1_000_000 - Files.getLastModifiedTime(s.path()).toMillis();
      return age > config.ignoreOlder().toMillis();
    } catch (IOException e) {
      return false;
    }
  }
}
