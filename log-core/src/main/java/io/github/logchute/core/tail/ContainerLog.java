package io.github.logchute.core.tail;

import io.github.logchute.core.LogSource;
import io.github.logchute.core.SourceMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One path the globs matched — for Kubernetes, one container's {@code /var/log/containers} link —
 * and the chain of its files in rotation order: rotated files oldest first, the live file last. The
 * reader reads one file of the chain at a time, so lines come out in the order the container wrote
 * them and a partial line cut by a rotation is joined.
 */
final class ContainerLog {

  /*
   * Design notes.
   *
   * The chain is changed by the watcher (a rotation appends the new live file, a rotated file found
   * in the directory is inserted in rotation order, a finished one is removed) and, for a
   * copytruncate, by the reader; changes are synchronized here and the list is copy-on-write, so
   * the reader walks a consistent snapshot without locking.
   *
   * Insertion order is rotation order: a file found rotated in a scan is newer than every file
   * rotated before the scan, and older than the live one. A rotated file whose name is known (its
   * key, the rotation time) is also placed before keyed files with later keys, which orders the
   * files found at a restart and a rare file found late. With copytruncate one inode holds one
   * generation after another: the live file gets the key of the copy of what it holds as soon as a
   * scan finds that copy, so a copy of a later generation, made while the reader was still behind,
   * goes after it; when the reader finds the live file truncated it goes on in the copy, and the
   * file read again from its start is appended last.
   *
   * `done` remembers, by content, the rotated files of this path that are not to be read again:
   * read to their end, or history at the very first start. An entry lives as long as a file with
   * that content is beside the live file (the kubelet compresses and deletes them), so a restart
   * knows every rotated file it finds; the entries are saved with the checkpoints.
   */

  /**
   * How many complete scans in a row may miss a done file before it is forgotten: a directory
   * listing taken while the kubelet renames files may miss an entry (readdir during a rename), and
   * forgetting a file that is still there would read it again.
   */
  static final int FORGET_AFTER_MISSES = 3;

  /**
   * A rotated file not to read: the fingerprint of its first bytes and its length (-1: unknown);
   * {@code misses} counts the scans in a row that did not find it.
   */
  record Done(Fingerprint fingerprint, long size, int[] misses) {

    Done(Fingerprint fingerprint, long size) {
      this(fingerprint, size, new int[1]);
    }

    boolean matches(byte[] head, long contentSize, boolean gz) {
      if (!fingerprint.isPrefixOf(head)) {
        return false;
      }
      if (size < 0 || contentSize < 0) {
        // the first bytes alone: all of them, so that a file that has grown is not taken for it
        return fingerprint.length() == head.length;
      }
      // a fingerprint taken while the file was short (its first bytes when first read; a
      // compressed file read to its end does not refresh them) is still its fingerprint at the
      // length it was read to
      return gz ? (size & 0xffffffffL) == contentSize : size == contentSize;
    }
  }

  final Path link;

  /** The source of the first file seen at the path: what the enrichers are asked about. */
  final LogSource source;

  /** The real file the path led to when last resolved. */
  volatile Path file;

  /** Set by {@link Enrichment}; null until known (the reader waits meanwhile, bounded). */
  volatile SourceMetadata metadata;

  final long registeredNanos;

  /** Held while the enrichers are asked about this path. */
  final Object enrichLock = new Object();

  /** Whether metadataWait ran out before the metadata was known (reader thread). */
  boolean waitExpired;

  /** The path matches no file any more (deleted, excluded): the chain drains, then it goes. */
  volatile boolean gone;

  private final CopyOnWriteArrayList<TrackedFile> files = new CopyOnWriteArrayList<>();
  private long added;

  // watcher thread only
  final Siblings siblings = new Siblings();
  final List<Done> done = new ArrayList<>();
  long lastSeenNanos;

  ContainerLog(Path link, LogSource source, Path file, long nowNanos) {
    this.link = link;
    this.source = source;
    this.file = file;
    this.registeredNanos = nowNanos;
    this.lastSeenNanos = nowNanos;
  }

  /** The files of the chain, oldest first (a snapshot). */
  List<TrackedFile> files() {
    return files;
  }

  /** The file the reader works on: the oldest neither let go nor quarantined; null if none. */
  TrackedFile current() {
    for (TrackedFile f : files) {
      if (!f.released && !f.quarantined) {
        return f;
      }
    }
    return null;
  }

  /** The file after {@code f} in rotation order, or null. */
  TrackedFile successor(TrackedFile f) {
    boolean seen = false;
    for (TrackedFile x : files) {
      if (seen) {
        return x;
      }
      seen = x == f;
    }
    return null;
  }

  /**
   * The file at the path now, or null if the live file rotated and no new one is known. Usually the
   * last of the chain; but copies of it made later (copytruncate) follow it while it is still read.
   */
  TrackedFile live() {
    for (int i = files.size() - 1; i >= 0; i--) {
      TrackedFile f = files.get(i);
      if (!f.rotated) {
        return f;
      }
      if (f.rotationKey == null) {
        return null; // rotated, and nothing known to be newer than it
      }
    }
    return null;
  }

  /** Appends the new live file. */
  synchronized void append(TrackedFile f) {
    files.add(f);
    added++;
  }

  /**
   * How many files were ever added to the chain: a change tells the watcher to save checkpoints
   * now, so a file that is known is in the checkpoint file before it can be deleted unseen.
   */
  synchronized long added() {
    return added;
  }

  /** Inserts a rotated file in rotation order (see the design notes). */
  synchronized void insertRotated(TrackedFile f, String key) {
    int at = files.size();
    for (int i = 0; i < files.size(); i++) {
      TrackedFile x = files.get(i);
      // a file with a key is placed by it — also the live file once a copy of what it holds is
      // known (copytruncate): later copies are of later generations; a live file without one
      // holds what is newer than any rotated file
      if (x.rotationKey != null ? x.rotationKey.compareTo(key) > 0 : !x.rotated) {
        at = i;
        break;
      }
    }
    files.add(at, f);
    added++;
  }

  /** Inserts {@code next} right after {@code f} (a truncated file read again). */
  synchronized void insertAfter(TrackedFile f, TrackedFile next) {
    int at = files.indexOf(f);
    files.add(at < 0 ? files.size() : at + 1, next);
    added++;
  }

  synchronized void remove(TrackedFile f) {
    files.remove(f);
  }

  /** Whether a rotated file with these first bytes and length is one not to read. */
  boolean isDone(byte[] head, long contentSize, boolean gz) {
    for (Done d : done) {
      if (d.matches(head, contentSize, gz)) {
        return true;
      }
    }
    return false;
  }

  void addDone(Fingerprint fp, long size) {
    if (fp.length() > 0) {
      done.add(new Done(fp, size));
    }
  }

  /**
   * Forgets done entries that matched none of the siblings of {@link #FORGET_AFTER_MISSES} full
   * scans in a row ({@code present}: what this scan found).
   */
  void retainDone(List<Siblings.Sibling> present) {
    for (Iterator<Done> it = done.iterator(); it.hasNext(); ) {
      Done d = it.next();
      boolean found = false;
      for (Siblings.Sibling s : present) {
        if (s.head() != null && d.matches(s.head(), s.contentSize(), s.gz())) {
          found = true;
          break;
        }
      }
      if (found) {
        d.misses()[0] = 0;
      } else if (++d.misses()[0] >= FORGET_AFTER_MISSES) {
        it.remove();
      }
    }
  }

  /** True when every file was read, acknowledged and let go, and the path is gone. */
  boolean drained() {
    return gone && files.isEmpty();
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (TrackedFile f : files) {
      names.add(String.valueOf(f));
    }
    return link + " " + names;
  }
}
