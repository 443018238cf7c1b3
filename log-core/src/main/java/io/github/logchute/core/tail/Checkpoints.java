package io.github.logchute.core.tail;

import io.github.logchute.core.checkpoint.CheckpointStore;
import io.github.logchute.core.checkpoint.FileCheckpoint;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the tailer's checkpoints: per file, the first byte not acknowledged by every sink, with
 * the hashes that recognise the file again; and per path the rotated files done with. A failed save
 * is logged every time and leaves {@link #healthy()} false until a save succeeds. Watcher thread,
 * and the closing thread once the watcher has stopped.
 */
final class Checkpoints {

  private static final Logger LOG = System.getLogger(FileTailer.class.getName());

  private final CheckpointStore store;
  private final Iterable<ContainerLog> containers;
  private volatile boolean healthy = true;
  private volatile String lastError;

  Checkpoints(CheckpointStore store, Iterable<ContainerLog> containers) {
    this.store = store;
    this.containers = containers;
  }

  /** False while the last save failed. */
  boolean healthy() {
    return healthy;
  }

  /** Why the last save failed, or null. */
  String lastError() {
    return lastError;
  }

  long lagBytes() {
    long lag = 0;
    for (ContainerLog c : containers) {
      for (TrackedFile f : c.files()) {
        lag += Math.max(0, f.safeOffset - Math.max(0, f.committed()));
      }
    }
    return lag;
  }

  /**
   * A file is finished — not to be saved, never to be read again — once it was read to its end,
   * everything from it was acknowledged, and the record that finishes a partial line it ended with
   * was too (the next file committed past offset -1, or is itself gone).
   */
  static boolean finished(TrackedFile f, List<TrackedFile> chain, Map<TrackedFile, Long> commits) {
    if (!f.released || !f.fullyAcknowledged()) {
      return false;
    }
    TrackedFile next = f.carriedTo;
    if (next == null || !chain.contains(next)) {
      return true;
    }
    Long c = commits.get(next);
    return (c != null ? c : next.committed()) >= 0;
  }

  /**
   * A rotated file delivered to its end whose next file has data: the runtime writes no more into
   * it, so it is as good as finished.
   */
  private static boolean complete(
      TrackedFile f, long committed, List<TrackedFile> chain, int index) {
    if (!f.rotated || f.carriedTo != null || index + 1 >= chain.size()) {
      return false;
    }
    try {
      LogInput in = f.input;
      // a compressed file's size is how far it was read, not how long it is
      if (!in.growable()
          || committed < 0
          || committed != in.size()
          || f.fingerprint().length() == 0) {
        return false;
      }
      TrackedFile next = chain.get(index + 1);
      return next.parked ? next.lastSeenSize > 0 : next.input.size() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  /** Saves now; true if it worked. */
  synchronized boolean save(long nowMillis) {
    List<FileCheckpoint> entries = new ArrayList<>();
    List<CheckpointStore.Finished> done = new ArrayList<>();
    for (ContainerLog c : containers) {
      List<TrackedFile> chain = c.files();
      Map<TrackedFile, Long> commits = new HashMap<>();
      // newest first: what a file's successor committed decides whether it is finished
      for (int i = chain.size() - 1; i >= 0; i--) {
        TrackedFile f = chain.get(i);
        if (f.quarantined) {
          // its last good position stands: a restart tries it again
        } else if (finished(f, chain, commits)) {
          Fingerprint fp = f.fingerprint();
          if (f.rotated && fp.length() > 0) {
            done.add(
                new CheckpointStore.Finished(
                    c.link.toString(), fp.length(), fp.crc(), f.assembler.position()));
          }
          continue;
        }
        FileCheckpoint entry = f.parked ? f.parkedCheckpoint : null;
        if (entry == null) {
          long committed = f.committed();
          commits.put(f, committed);
          if (complete(f, committed, chain, i)) {
            // read and delivered to its end, and the next file has begun: it will not grow, so a
            // restart that finds it gone (compressed and deleted meanwhile) has lost nothing
            Fingerprint fp = f.fingerprint();
            done.add(
                new CheckpointStore.Finished(c.link.toString(), fp.length(), fp.crc(), committed));
            continue;
          }
          entry = entryFor(f, committed, nowMillis);
        }
        if (entry == null) {
          entry = f.lastEntry; // not computable this round (closed under us): the last one stands
        } else {
          f.lastEntry = entry;
        }
        if (entry != null) {
          entries.add(entry);
        }
      }
      for (ContainerLog.Done d : c.done) {
        done.add(
            new CheckpointStore.Finished(
                c.link.toString(), d.fingerprint().length(), d.fingerprint().crc(), d.size()));
      }
    }
    try {
      store.save(entries, done);
      if (!healthy) {
        LOG.log(Level.INFO, "checkpoints are saved to {0} again", store.path());
      }
      healthy = true;
      lastError = null;
      return true;
    } catch (IOException | RuntimeException e) {
      healthy = false;
      lastError = e.toString();
      LOG.log(
          Level.ERROR,
          "saving checkpoints to {0} failed: {1}; positions are not persisted, a restart would"
              + " read again from older positions",
          store.path(),
          e.toString());
      return false;
    }
  }

  /** The checkpoint of {@code f} at its committed offset now, or null if it cannot be computed. */
  static FileCheckpoint entryFor(TrackedFile f, long committed, long nowMillis) {
    long offset = Math.max(0, committed);
    Fingerprint fp = f.fingerprint();
    int tailLen = 0;
    long tail = 0;
    long size = -1;
    LogInput in = f.input;
    if (in.growable()) {
      try {
        if (fp.length() > 0 && in.crc(0, fp.length()) != fp.crc()) {
          // truncated and written again (copytruncate), and the reader has not noticed yet — it
          // may be held up by the sinks, or stopping. The bytes there now are not the ones the
          // offset counts, but the offset still holds for the copy of what was read, which a
          // restart finds by its first bytes: saved without the bytes before it, which are no
          // longer here to check, and with no size (the copy may hold more than was seen)
          size = -1;
        } else {
          tailLen = (int) Math.min(Fingerprint.TAIL_BYTES, offset);
          if (tailLen > 0) {
            tail = in.crc(offset - tailLen, tailLen);
          }
          size = in.size();
        }
      } catch (IOException e) {
        return null; // channel closed under us
      }
      if (tail < 0) {
        return null;
      }
    }
    if (in instanceof LogInput.GzipInput gz) {
      size = gz.declaredSize();
    }
    return new FileCheckpoint(
        f.source.path().toString(),
        f.identity.device(),
        f.identity.inode(),
        offset,
        fp.length(),
        fp.crc(),
        tailLen,
        tail,
        nowMillis,
        size,
        String.valueOf(f.container.file));
  }
}
