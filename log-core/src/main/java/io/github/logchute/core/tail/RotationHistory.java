package io.github.logchute.core.tail;

import io.github.logchute.core.FileIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

/**
 * What the watcher knows about the rotated files of each link, so that a rotation it did not see —
 * a file created, renamed and perhaps already compressed between two scans of a slow watcher — is
 * still read, once: which rotated files were already there when the link was first seen (history,
 * not ours to read), and which files of the link logchute has finished (by identity, and by the
 * fingerprint of their first bytes, which survives compression into a new inode).
 *
 * <p>Watcher thread only.
 */
final class RotationHistory {

  /** Finished files remembered per link (the kubelet keeps 5 rotated files by default). */
  private static final int REMEMBERED = 32;

  /**
   * How long a link that no scan found is remembered: the kubelet's rename-then-create leaves the
   * link dangling for a moment, and forgetting it then would forget what was read.
   */
  private static final long FORGET_AFTER_NANOS = 10L * 60 * 1_000_000_000;

  private static final class Link {
    long lastSeenNanos;
    boolean observed;
    final Set<FileIdentity> preexisting = new HashSet<>();
    final Set<String> gzSeen = new HashSet<>();
    final ArrayDeque<FileIdentity> finishedIds = new ArrayDeque<>();
    final ArrayDeque<TrackedFile.Fingerprint> finishedFps = new ArrayDeque<>();
  }

  private final Map<Path, Link> links = new HashMap<>();

  boolean observed(Path link) {
    Link l = links.get(link);
    return l != null && l.observed;
  }

  /** A file of {@code link} finished before the last stop (from the checkpoint file). */
  void finished(Path link, TrackedFile.Fingerprint fp) {
    Link l = links.computeIfAbsent(link, k -> new Link());
    l.finishedFps.addLast(fp);
    while (l.finishedFps.size() > REMEMBERED) {
      l.finishedFps.removeFirst();
    }
  }

  /** The fingerprints of finished files, per link, to save with the checkpoints. */
  Map<Path, List<TrackedFile.Fingerprint>> finishedFingerprints() {
    Map<Path, List<TrackedFile.Fingerprint>> out = new HashMap<>();
    links.forEach(
        (link, l) -> {
          if (!l.finishedFps.isEmpty()) {
            out.put(link, List.copyOf(l.finishedFps));
          }
        });
    return out;
  }

  /**
   * Whether {@code head} (a file's first bytes) is the start of a finished file of {@code link}.
   */
  boolean isFinished(Path link, byte[] head) {
    Link l = links.get(link);
    return l != null && matchesAny(head, l.finishedFps);
  }

  /** The fingerprint of a compressed file's first decompressed bytes. */
  static TrackedFile.Fingerprint fingerprint(Path gz) throws IOException {
    byte[] head = head(gz);
    CRC32C crc = new CRC32C();
    crc.update(head, 0, head.length);
    return new TrackedFile.Fingerprint(head.length, crc.getValue());
  }

  /** Records the rotated files beside {@code link} the first time the link is seen. */
  void observe(Path link, List<Path> plainSiblings, List<Path> gzSiblings) {
    Link l = links.computeIfAbsent(link, k -> new Link());
    if (l.observed) {
      return;
    }
    l.observed = true;
    for (Path p : plainSiblings) {
      try {
        l.preexisting.add(FileIdentity.of(p));
      } catch (IOException e) {
        // gone
      }
    }
    for (Path p : gzSiblings) {
      l.gzSeen.add(p.getFileName().toString());
    }
  }

  /** A file of {@code link} was read to its end and let go. */
  void finished(TrackedFile f) {
    Link l = links.get(f.path);
    if (l == null) {
      return;
    }
    l.finishedIds.addLast(f.identity);
    if (f.fingerprint.length() > 0) {
      l.finishedFps.addLast(f.fingerprint);
    }
    while (l.finishedIds.size() > REMEMBERED) {
      l.finishedIds.removeFirst();
    }
    while (l.finishedFps.size() > REMEMBERED) {
      l.finishedFps.removeFirst();
    }
  }

  /** True if the plain rotated file {@code id} beside {@code link} is not one to read. */
  boolean known(Path link, FileIdentity id) {
    Link l = links.get(link);
    return l != null && (l.preexisting.contains(id) || l.finishedIds.contains(id));
  }

  /**
   * The compressed siblings of {@code link} not seen before whose content is not a file logchute
   * has read or is reading ({@code tracked}: the link's files being followed, compared by their
   * first bytes read afresh — one may not have been read yet). Each is returned once.
   */
  List<Path> unseenCompressed(Path link, List<Path> gzSiblings, List<TrackedFile> tracked) {
    Link l = links.get(link);
    List<Path> out = new ArrayList<>();
    if (l == null) {
      return out;
    }
    for (Path gz : gzSiblings) {
      if (!l.gzSeen.add(gz.getFileName().toString())) {
        continue;
      }
      byte[] head;
      try {
        head = head(gz);
      } catch (IOException e) {
        continue; // unreadable or being written: not ours to guess at
      }
      if (head.length == 0) {
        continue; // nothing in it to lose
      }
      if (!matchesAny(head, l.finishedFps) && !isContentOf(tracked, head)) {
        out.add(gz);
      }
    }
    return out;
  }

  /**
   * Whether {@code head} (a compressed file's first bytes) is how one of {@code candidates} begins:
   * compared with its first bytes read afresh (it may not have been read that far yet), or with its
   * last fingerprint when it cannot be read (parked, or itself a compressed file).
   */
  static boolean isContentOf(List<TrackedFile> candidates, byte[] head) {
    for (TrackedFile f : candidates) {
      TrackedFile.Fingerprint fp = f.fingerprint;
      if (f.input.growable()) {
        try {
          int len = (int) Math.min(head.length, f.input.size());
          long crc = len > 0 ? f.input.crc(0, len) : -1;
          if (crc >= 0) {
            fp = new TrackedFile.Fingerprint(len, crc);
          }
        } catch (IOException e) {
          // parked or gone: its last fingerprint stands
        }
      }
      if (matchesAny(head, List.of(fp))) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchesAny(byte[] head, Iterable<TrackedFile.Fingerprint> fps) {
    for (TrackedFile.Fingerprint fp : fps) {
      if (fp.length() > 0 && fp.length() <= head.length) {
        CRC32C crc = new CRC32C();
        crc.update(head, 0, fp.length());
        if (crc.getValue() == fp.crc()) {
          return true;
        }
      }
    }
    return false;
  }

  /** Notes that the links in {@code seen} exist; forgets links not seen for ten minutes. */
  void retain(Set<Path> seen, long nowNanos) {
    for (Map.Entry<Path, Link> e : links.entrySet()) {
      if (seen.contains(e.getKey()) || e.getValue().lastSeenNanos == 0) {
        e.getValue().lastSeenNanos = nowNanos;
      }
    }
    links.values().removeIf(l -> nowNanos - l.lastSeenNanos > FORGET_AFTER_NANOS);
  }

  static byte[] head(Path gz) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      return in.readNBytes(Fingerprints.HEAD_BYTES);
    }
  }
}
