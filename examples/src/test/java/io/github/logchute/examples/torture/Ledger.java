package io.github.logchute.examples.torture;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the simulator wrote, for the checker: every generation of every container's log file (with
 * each copy of its content on disk — the file under its names, its gzip, the copy of a copytruncate
 * — their device and inode, and when each was deleted), and every logical message with the file,
 * byte offset and length of each of its lines.
 *
 * <p>Written by each container's writer thread; read by the checker after the writers stopped
 * (joined), so plain lists suffice, except where the test looks while writing (counters).
 */
final class Ledger {

  private Ledger() {}

  /**
   * One place a file's content lives on disk: the file itself (whose {@code path} changes when it
   * is renamed), its {@code .gz}, or the copy a copytruncate made.
   */
  static final class Holder {
    volatile Path path;
    final long device;
    final long inode;
    final boolean gzip;
    final long sinceNanos;
    volatile long goneNanos = -1;

    Holder(Path path, long device, long inode, boolean gzip, long sinceNanos) {
      this.path = path;
      this.device = device;
      this.inode = inode;
      this.gzip = gzip;
      this.sinceNanos = sinceNanos;
    }

    boolean is(long dev, long ino) {
      return device == dev && inode == ino;
    }

    @Override
    public String toString() {
      return path.getFileName() + " (dev " + device + " ino " + inode + ")";
    }
  }

  /**
   * One generation of a container's log: the bytes written to {@code 0.log} between two rotations
   * (and the late writes into it after its rename).
   */
  static final class FileRec {
    final String container;
    final int generation;
    final Path link;
    final List<Holder> holders = new CopyOnWriteArrayList<>();
    volatile long size;
    volatile boolean copyTruncated;

    FileRec(String container, int generation, Path link, Holder first) {
      this.container = container;
      this.generation = generation;
      this.link = link;
      holders.add(first);
    }

    Holder current() {
      return holders.get(holders.size() - 1);
    }

    /** When the last copy of the content was deleted, or -1 while some copy is on disk. */
    long contentGoneNanos() {
      long gone = -1;
      for (Holder h : holders) {
        if (h.goneNanos < 0) {
          return -1;
        }
        gone = Math.max(gone, h.goneNanos);
      }
      return gone;
    }

    /** The copy of this content with identity {@code dev}/{@code ino}, or null. */
    Holder holder(long dev, long ino) {
      for (Holder h : holders) {
        if (h.is(dev, ino)) {
          return h;
        }
      }
      return null;
    }

    String describe(long t0) {
      StringBuilder b = new StringBuilder(container + " file #" + generation + " [");
      for (int i = 0; i < holders.size(); i++) {
        Holder h = holders.get(i);
        b.append(i == 0 ? "" : " -> ").append(h);
        if (h.goneNanos >= 0) {
          b.append(String.format(" gone at +%.2fs", (h.goneNanos - t0) / 1e9));
        }
      }
      b.append("; ").append(size).append(" bytes");
      if (copyTruncated) {
        b.append("; copytruncated");
      }
      return b.append(']').toString();
    }
  }

  /** One line of a message: where it was written. */
  record Piece(FileRec file, long offset, int lineBytes) {}

  /** A logical message: {@code pieces} has one line, or several (P... F) for a split one. */
  record Msg(String container, long seq, String stream, int length, Piece[] pieces) {
    Piece first() {
      return pieces[0];
    }

    List<FileRec> files() {
      List<FileRec> out = new ArrayList<>(pieces.length);
      for (Piece p : pieces) {
        if (!out.contains(p.file())) {
          out.add(p.file());
        }
      }
      return out;
    }
  }
}
