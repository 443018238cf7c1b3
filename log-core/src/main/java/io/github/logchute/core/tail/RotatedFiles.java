package io.github.logchute.core.tail;

import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.checkpoint.FileCheckpoint;
import io.github.logchute.core.parse.RecordAssembler;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The tailer's search for rotated files it must read but is not following: at restart, the
 * checkpointed files the kubelet renamed or compressed meanwhile, and the files created and rotated
 * entirely while logchute was down; at run time, rotations a slow watcher missed. Watcher (and
 * start) thread only; part of {@link FileTailer}, whose state it shares.
 */
final class RotatedFiles {

  private static final Logger LOG = System.getLogger(FileTailer.class.getName());
  private static final RateLimitedLogger RATE_LIMITED =
      RateLimitedLogger.every10Seconds(FileTailer.class.getName());

  private final FileTailer t;

  RotatedFiles(FileTailer tailer) {
    this.t = tailer;
  }

  /**
   * Checkpoints saved for a path whose live file is another one now: the file was rotated while
   * logchute was down. It is looked for beside the live file (same inode, renamed {@code
   * <name>.<timestamp>}) and drained from its saved position; if it cannot be found, the possible
   * loss is counted and logged.
   */
  void recoverUnmatchedCheckpoints() {
    for (Map.Entry<String, List<FileCheckpoint>> e : t.saved.entrySet()) {
      for (FileCheckpoint cp : e.getValue()) {
        if (!resumeRotated(Path.of(e.getKey()), cp) && !resumeCompressed(Path.of(e.getKey()), cp)) {
          t.metrics.unresumed.increment();
          t.metrics.lost(
              LogSource.of(Path.of(e.getKey()), new FileIdentity(cp.device(), cp.inode())), 0);
          LOG.log(
              Level.WARNING,
              "{0} (inode {1}): t.saved at offset {2} but not found again (rotated and compressed,"
                  + " or deleted, while logchute was down); lines after that offset may be lost",
              e.getKey(),
              cp.inode(),
              cp.offset());
        }
      }
    }
    t.saved.clear();
  }

  boolean resumeRotated(Path link, FileCheckpoint cp) {
    for (Path sibling : rotatedSiblings(link, false)) {
      try {
        FileIdentity id = FileIdentity.of(sibling);
        if (id.device() != cp.device() || id.inode() != cp.inode()) {
          continue;
        }
        FileChannel ch = FileChannel.open(sibling, StandardOpenOption.READ);
        if (!FileOpener.matches(cp, ch, ch.size())) {
          FileTailer.closeQuietly(ch);
          return false;
        }
        TrackedFile f = t.opener.newTracked(link, id, ch, cp.offset());
        t.markRotated(f);
        t.metrics.resumed.increment();
        t.metrics.rotatedPickedUp.increment();
        t.track(f);
        return true;
      } catch (IOException ex) {
        // gone meanwhile; keep looking
      }
    }
    return false;
  }

  /**
   * The kubelet compresses a rotated file at the next rotation ({@code 0.log.<ts>} becomes {@code
   * 0.log.<ts>.gz}, a new inode). A checkpoint of it is matched by content: the gzip whose first
   * decompressed bytes and bytes before the saved offset hash as saved is read from that offset.
   */
  boolean resumeCompressed(Path link, FileCheckpoint cp) {
    if (cp.fingerprintLength() == 0 && cp.tailLength() == 0) {
      return false; // nothing to recognise it by
    }
    for (Path gz : rotatedSiblings(link, true)) {
      try {
        LogInput in =
            LogInput.gzipAt(
                gz,
                cp.offset(),
                cp.fingerprintLength(),
                cp.fingerprint(),
                cp.tailLength(),
                cp.tailHash());
        if (in == null) {
          continue;
        }
        FileIdentity id = new FileIdentity(cp.device(), cp.inode());
        LogSource source = LogSource.of(link, id);
        RecordAssembler a =
            new RecordAssembler(
                source,
                t.config.format(),
                cp.offset(),
                t.config.decodeOptions(),
                t.decodeMetrics,
                t.clock);
        TrackedFile f =
            new TrackedFile(link, source, id, in, a, t.clock.epochNanos() / 1_000_000, cp);
        f.fingerprint = new TrackedFile.Fingerprint(cp.fingerprintLength(), cp.fingerprint());
        t.markRotated(f);
        t.metrics.filesOpened.increment();
        t.metrics.resumed.increment();
        t.metrics.rotatedPickedUp.increment();
        LOG.log(
            Level.INFO,
            "{0}: rotated and compressed while logchute was down; resuming {1} at offset {2}",
            link,
            gz,
            cp.offset());
        t.track(f);
        return true;
      } catch (IOException e) {
        // unreadable or being written (.gz.tmp is excluded): try the next one
      }
    }
    return false;
  }

  /**
   * Files rotated while logchute was down and never seen by it lie beside the live files,
   * uncompressed, with identities no checkpoint knows, last written after the checkpoint file was:
   * they are read from their start. (Those the kubelet also compressed meanwhile are found by
   * {@link #recoverCompressedWhileDown}.)
   */
  void recoverRotatedWhileDown(long savedAtMillis) {
    Set<FileIdentity> known = new HashSet<>();
    for (TrackedFile f : t.files) {
      if (f.frozen == null) {
        known.add(f.identity); // a file resumed from its .gz names an inode that was freed
      }
    }
    for (Path link : new ArrayList<>(t.byPath.keySet())) {
      for (Path sibling : rotatedSiblings(link, false)) {
        try {
          FileIdentity id = FileIdentity.of(sibling);
          if (known.contains(id) || Files.getLastModifiedTime(sibling).toMillis() < savedAtMillis) {
            continue;
          }
          FileChannel ch = FileChannel.open(sibling, StandardOpenOption.READ);
          TrackedFile f = t.opener.newTracked(link, id, ch, 0);
          t.markRotated(f);
          t.metrics.rotatedPickedUp.increment();
          known.add(id);
          t.track(f);
        } catch (IOException e) {
          // compressed or deleted meanwhile
        }
      }
    }
  }

  /**
   * Files created and rotated entirely while logchute was down, and already compressed by the
   * kubelet, lie beside the live files as {@code .gz} written after the last checkpoint, with
   * content that is neither a checkpointed file (resumed already) nor one finished before the stop
   * (its fingerprint is saved with the checkpoints). Each is read from its start.
   */
  void recoverCompressedWhileDown(long savedAtMillis) {
    for (Path link : new ArrayList<>(t.byPath.keySet())) {
      List<TrackedFile> ofLink = new ArrayList<>();
      for (TrackedFile f : t.files) {
        if (f.path.equals(link)) {
          ofLink.add(f);
        }
      }
      for (Path gz : rotatedSiblings(link, true)) {
        try {
          if (Files.getLastModifiedTime(gz).toMillis() < savedAtMillis) {
            continue; // compressed while logchute ran: it read the file, or it is history
          }
          byte[] head = RotationHistory.head(gz);
          if (head.length == 0
              || t.history.isFinished(link, head)
              || RotationHistory.isContentOf(ofLink, head)) {
            continue;
          }
          trackCompressedFromStart(link, gz);
        } catch (IOException e) {
          // unreadable or gone: nothing to recover from it
        }
      }
    }
  }

  /**
   * After a rotation of {@code link} was seen, files rotated in between two scans (written, renamed
   * and replaced before the scan noticed them — a slow watcher may miss several) lie beside the
   * live file: uncompressed with an identity never seen, or already compressed with content that is
   * no file logchute has read. Each is read from its start. Rotated files that were there when the
   * link was first seen are history, not read (see {@link RotationHistory}).
   */
  void recoverSkippedRotations(Path link, TrackedFile previous) {
    Set<FileIdentity> tracked = new HashSet<>();
    List<TrackedFile> ofLink = new ArrayList<>();
    for (TrackedFile f : t.files) {
      if (f.frozen == null) {
        tracked.add(f.identity); // a file resumed from its .gz names an inode that was freed
      }
      if (f.path.equals(link)) {
        ofLink.add(f);
      }
    }
    for (Path sibling : rotatedSiblings(link, false)) {
      try {
        FileIdentity id = FileIdentity.of(sibling);
        if (tracked.contains(id) || t.history.known(link, id)) {
          continue;
        }
        FileChannel ch = FileChannel.open(sibling, StandardOpenOption.READ);
        TrackedFile f = t.opener.newTracked(link, id, ch, 0);
        t.markRotated(f);
        t.metrics.rotatedPickedUp.increment();
        t.track(f);
      } catch (IOException e) {
        // compressed or deleted meanwhile: the compressed copy is found below or next time
      }
    }
    for (Path gz : t.history.unseenCompressed(link, rotatedSiblings(link, true), ofLink)) {
      trackCompressedFromStart(link, gz);
    }
  }

  /** Reads a compressed rotated file logchute never saw uncompressed, from its start. */
  void trackCompressedFromStart(Path link, Path gz) {
    try {
      TrackedFile.Fingerprint fp = RotationHistory.fingerprint(gz);
      LogInput in = LogInput.gzipAt(gz, 0, fp.length(), fp.crc(), 0, 0);
      if (in == null) {
        return;
      }
      FileIdentity id = FileIdentity.of(gz);
      LogSource source = LogSource.of(link, id);
      RecordAssembler a =
          new RecordAssembler(
              source, t.config.format(), 0, t.config.decodeOptions(), t.decodeMetrics, t.clock);
      long now = t.clock.epochNanos() / 1_000_000;
      // until it is done, a restart reads it again from the start (matched by its fingerprint)
      FileCheckpoint frozen =
          new FileCheckpoint(
              link.toString(), id.device(), id.inode(), 0, fp.length(), fp.crc(), 0, 0, now);
      TrackedFile f = new TrackedFile(link, source, id, in, a, now, frozen);
      f.fingerprint = fp;
      t.markRotated(f);
      t.metrics.filesOpened.increment();
      t.metrics.rotatedPickedUp.increment();
      LOG.log(
          Level.INFO,
          "{0}: {1} was rotated and compressed before logchute saw it; reading it whole",
          link,
          gz.getFileName());
      t.track(f);
    } catch (IOException e) {
      RATE_LIMITED.log(Level.WARNING, "{0}: cannot read {1}: {2}", link, gz, e.toString());
    }
  }

  /**
   * Rotated files beside the target of {@code link} ({@code <name>.<suffix>}): the uncompressed
   * ones, or with {@code gzipped} the {@code .gz} ones.
   */
  static List<Path> rotatedSiblings(Path link, boolean gzipped) {
    List<Path> out = new ArrayList<>();
    Path real;
    try {
      real = link.toRealPath();
    } catch (IOException e) {
      return out;
    }
    Path dir = real.getParent();
    String prefix = real.getFileName() + ".";
    try (var entries =
        Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (name.endsWith(".gz") == gzipped && !name.endsWith(".tmp") && Files.isRegularFile(p)) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      return out;
    }
    out.sort(null);
    return out;
  }
}
