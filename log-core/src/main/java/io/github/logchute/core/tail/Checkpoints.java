package io.github.logchute.core.tail;

import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.checkpoint.CheckpointStore;
import io.github.logchute.core.checkpoint.FileCheckpoint;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the tailer's checkpoints: per file, the first byte not acknowledged by every sink, with
 * the hashes that recognise the file again; and the fingerprints of files recently finished. Part
 * of {@link FileTailer}, whose state it shares.
 */
final class Checkpoints {

  private static final Logger LOG = System.getLogger(FileTailer.class.getName());
  private static final RateLimitedLogger RATE_LIMITED =
      RateLimitedLogger.every10Seconds(FileTailer.class.getName());

  private final FileTailer t;

  Checkpoints(FileTailer tailer) {
    this.t = tailer;
  }

  long lagBytes() {
    long lag = 0;
    for (TrackedFile f : t.files) {
      lag += Math.max(0, f.safeOffset - f.committed());
    }
    return lag;
  }

  synchronized void save() {
    List<FileCheckpoint> entries = new ArrayList<>();
    long now = t.clock.epochNanos() / 1_000_000;
    for (TrackedFile f : t.files) {
      if (f.released && f.fullyAcknowledged()) {
        continue; // finished for good: pruned
      }
      FileCheckpoint parked = f.parkedCheckpoint;
      if (f.parked && parked != null) {
        entries.add(parked);
        continue;
      }
      FileCheckpoint entry = entryFor(f, now);
      if (entry == null && f.parked && f.parkedCheckpoint != null) {
        entry = f.parkedCheckpoint; // parked while we were hashing it
      }
      if (entry != null) {
        entries.add(entry);
      }
    }
    List<CheckpointStore.Finished> finished = new ArrayList<>();
    t.history
        .finishedFingerprints()
        .forEach(
            (link, fps) -> {
              for (TrackedFile.Fingerprint fp : fps) {
                finished.add(new CheckpointStore.Finished(link.toString(), fp.length(), fp.crc()));
              }
            });
    try {
      t.store.save(entries, finished);
    } catch (IOException e) {
      RATE_LIMITED.log(
          Level.ERROR, "saving checkpoints to {0} failed: {1}", t.store.path(), e.toString());
    }
  }

  /** The checkpoint of {@code f} now, or null if it cannot be computed this round. */
  FileCheckpoint entryFor(TrackedFile f, long nowMillis) {
    if (f.frozen != null) {
      return f.frozen; // a gzip stream cannot be hashed at random: resume it the same way
    }
    long offset = f.committed();
    int tailLen = (int) Math.min(Fingerprints.TAIL_BYTES, offset);
    long tail = 0;
    TrackedFile.Fingerprint fp = f.fingerprint;
    try {
      if (tailLen > 0) {
        tail = f.input.crc(offset - tailLen, tailLen);
      }
    } catch (IOException e) {
      return null; // channel closed under us: its entry would be wrong, leave it out this round
    }
    if (tail < 0) {
      return null;
    }
    return new FileCheckpoint(
        f.path.toString(),
        f.identity.device(),
        f.identity.inode(),
        offset,
        fp.length(),
        fp.crc(),
        tailLen,
        tail,
        nowMillis);
  }
}
