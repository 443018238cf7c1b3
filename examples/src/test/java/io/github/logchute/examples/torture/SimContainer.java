package io.github.logchute.examples.torture;

import io.github.logchute.core.parse.Timestamps;
import io.github.logchute.examples.torture.Ledger.FileRec;
import io.github.logchute.examples.torture.Ledger.Holder;
import io.github.logchute.examples.torture.Ledger.Msg;
import io.github.logchute.examples.torture.Ledger.Piece;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.GZIPOutputStream;

/**
 * One container as its runtime (containerd) and the kubelet treat its log: CRI lines appended to
 * {@code 0.log} at a paced rate, and rotation as SPECS.md §1.4 describes it — the kubelet deletes
 * the oldest rotated files beyond {@code maxFiles - 2}, gzips the other uncompressed ones ({@code
 * <f>} to {@code <f>.tmp}, renamed {@code <f>.gz}, {@code <f>} deleted), renames {@code 0.log} to
 * {@code 0.log.<YYYYMMDD-HHMMSS>}; the runtime writes a few more lines into the renamed file, then
 * reopens a fresh {@code 0.log}. Or, for some rotations, copytruncate: {@code 0.log} is copied and
 * truncated in place while the writer waits. Everything written is recorded in the {@link Ledger}
 * types.
 *
 * <p>Rotated names use the kubelet's exact format; the seconds are virtual (one more than the
 * previous rotation's when the wall clock has not moved on) so that several rotations per second
 * still get distinct names that sort in rotation order.
 *
 * <p>All writing happens under this object's lock: on the writer thread ({@link #run}) or from a
 * test thread calling {@link #write}, {@link #rotate} directly.
 */
final class SimContainer implements Runnable {

  /*
   * Design notes. The writer thread both writes and rotates, so the ledger of one container is
   * only ever touched by one thread at a time and needs no further locking. A real kubelet rotates
   * from another thread at a monitor interval; what a tailer can observe is the same: a rename at
   * any point between two lines, late lines into the renamed file, a new inode under the old name.
   */

  private static final DateTimeFormatter ROTATED_SUFFIX =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  final String name;
  final String namespace;
  final String pod;
  final Path link;
  final Path live;
  private final Messages messages;
  private final SplittableRandom random;
  private final long t0;

  private volatile ContainerSettings settings;
  private volatile long limit = Long.MAX_VALUE;
  private volatile boolean stop;
  private volatile Throwable failure;

  private FileChannel out;
  private FileRec current;
  private final List<FileRec> rotated = new ArrayList<>();
  private final List<FileRec> allFiles = new ArrayList<>();
  private final List<Msg> msgs = new ArrayList<>();
  private final AtomicLong written = new AtomicLong();
  private long lastRotationSecond;

  /**
   * The least time between two rotations, like the kubelet's {@code containerLogMonitorInterval}
   * (it checks sizes only that often, at least every 3 s): 0 rotates as soon as the size is
   * reached.
   */
  private volatile long minRotationGapNanos;

  private volatile boolean rotationsHeld;

  private long lastRotationNanos = Long.MIN_VALUE / 2;
  private int generation;
  private final AtomicLong rotations = new AtomicLong();

  SimContainer(
      String name,
      String namespace,
      String pod,
      Path link,
      Path live,
      Messages messages,
      long seed,
      ContainerSettings settings,
      long t0)
      throws IOException {
    this.name = name;
    this.namespace = namespace;
    this.pod = pod;
    this.link = link;
    this.live = live;
    this.messages = messages;
    this.random = new SplittableRandom(seed);
    this.settings = settings;
    this.t0 = t0;
    openLive();
  }

  /** New settings (rate, rotation) from now on. */
  void settings(ContainerSettings s) {
    settings = s;
  }

  ContainerSettings settings() {
    return settings;
  }

  /** The writer thread stops once this many messages were written. */
  void limit(long messages) {
    limit = messages;
  }

  void stop() {
    stop = true;
  }

  /** Messages written so far. */
  long written() {
    return written.get();
  }

  long rotations() {
    return rotations.get();
  }

  /** What stopped the writer thread, if anything did. */
  Throwable failure() {
    return failure;
  }

  /** Every message written, by sequence number (read once writing stopped). */
  synchronized List<Msg> messages() {
    return List.copyOf(msgs);
  }

  /** Every file generation, oldest first (read once writing stopped). */
  synchronized List<FileRec> files() {
    return List.copyOf(allFiles);
  }

  // ------------------------------------------------------------------ the writer thread

  @Override
  public void run() {
    long next = System.nanoTime();
    try {
      while (!stop && written.get() < limit) {
        ContainerSettings s = settings;
        if (s.bytesPerSecond() <= 0) {
          LockSupport.parkNanos(5_000_000);
          next = System.nanoTime();
          continue;
        }
        int bytes;
        synchronized (this) {
          if (s.rotateBytes() > 0
              && current.size >= s.rotateBytes()
              && !rotationsHeld
              && System.nanoTime() - lastRotationNanos >= minRotationGapNanos) {
            rotate();
            lastRotationNanos = System.nanoTime();
          }
          bytes = writeMessage(s);
        }
        next += bytes * 1_000_000_000L / s.bytesPerSecond();
        long wait = next - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait); // pacing the workload, not synchronisation
        } else if (wait < -500_000_000L) {
          next = System.nanoTime(); // fell behind (a slow disk, a paused rate): no burst after it
        }
      }
    } catch (Throwable t) {
      failure = t;
    }
  }

  // ------------------------------------------------------------------ direct control

  /** Writes {@code n} messages now (a test driving the container itself). */
  synchronized void write(int n) {
    for (int i = 0; i < n; i++) {
      writeMessage(settings);
    }
  }

  /** Sets the least time between two size-triggered rotations (see the kubelet's interval). */
  void minRotationGap(java.time.Duration gap) {
    this.minRotationGapNanos = gap.toNanos();
  }

  /**
   * Holds size-triggered rotations back (the file grows past its rotation size meanwhile), or lets
   * them go again.
   */
  void holdRotations(boolean held) {
    this.rotationsHeld = held;
  }

  /** Rotates now, with the current settings. */
  synchronized void rotate() {
    ContainerSettings s = settings;
    boolean copy = s.copyTruncate() > 0 && random.nextDouble() < s.copyTruncate();
    boolean split =
        s.splitAcrossRotation() > 0
            && random.nextDouble() < s.splitAcrossRotation()
            && written.get() < limit;
    rotate(
        copy,
        split,
        s.maxLateLines() == 0 ? 0 : random.nextInt(s.maxLateLines() + 1),
        random.nextBoolean());
  }

  /**
   * Rotates now.
   *
   * @param copyTruncate copy and truncate instead of rename and reopen
   * @param splitAcross a message's P pieces end the rotated file, its F piece starts the new one
   * @param lateLines lines the runtime writes into the renamed file before it reopens
   * @param interleave with {@code splitAcross}: a line of the other stream comes between the last P
   *     piece and the F piece
   */
  synchronized void rotate(
      boolean copyTruncate, boolean splitAcross, int lateLines, boolean interleave) {
    try {
      ContainerSettings s = settings;
      long now = System.nanoTime();
      kubeletCleanup(s, now);
      Path target = live.resolveSibling(live.getFileName() + "." + nextSuffix());
      FileRec old = current;
      PendingSplit split = null;
      if (copyTruncate) {
        if (splitAcross) {
          split = startSplit(s);
        }
        Files.copy(live, target, StandardCopyOption.COPY_ATTRIBUTES);
        Holder copy = holder(target, false);
        old.holders.add(copy);
        old.copyTruncated = true;
        out.truncate(0); // the writer waits meanwhile: nothing is lost by design
        long truncatedAt = System.nanoTime();
        Holder liveHolder = old.holders.get(0);
        liveHolder.goneNanos = truncatedAt;
        liveHolder.path = live;
        rotated.add(old);
        newGeneration(holder(live, false));
      } else {
        Files.move(live, target, StandardCopyOption.ATOMIC_MOVE);
        old.current().path = target;
        for (int i = 0; i < lateLines && written.get() < limit; i++) {
          writeMessage(s, false, null); // the runtime still writes to the renamed file
        }
        if (splitAcross) {
          split = startSplit(s);
        }
        rotated.add(old);
        out.close();
        openLive();
      }
      rotations.incrementAndGet();
      if (split != null) {
        finishSplit(split, interleave);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ------------------------------------------------------------------ the kubelet

  private void kubeletCleanup(ContainerSettings s, long now) throws IOException {
    if (s.maxFiles() > 0) {
      while (rotated.size() > s.maxFiles() - 2) {
        FileRec oldest = rotated.remove(0);
        Holder h = oldest.current();
        Files.delete(h.path);
        h.goneNanos = now;
      }
    }
    if (s.gzip()) {
      for (FileRec f : rotated) {
        Holder h = f.current();
        if (!h.gzip) {
          gzip(f, h);
        }
      }
    }
  }

  private void gzip(FileRec f, Holder plain) throws IOException {
    Path tmp = plain.path.resolveSibling(plain.path.getFileName() + ".tmp");
    Path gz = plain.path.resolveSibling(plain.path.getFileName() + ".gz");
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(tmp))) {
      Files.copy(plain.path, o);
    }
    Files.move(tmp, gz, StandardCopyOption.ATOMIC_MOVE);
    f.holders.add(holder(gz, true));
    Files.delete(plain.path);
    plain.goneNanos = System.nanoTime();
  }

  private String nextSuffix() {
    long second = Math.max(Instant.now().getEpochSecond(), lastRotationSecond + 1);
    lastRotationSecond = second;
    return ROTATED_SUFFIX.format(Instant.ofEpochSecond(second));
  }

  // ------------------------------------------------------------------ the runtime

  private void openLive() throws IOException {
    out =
        FileChannel.open(
            live, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    newGeneration(holder(live, false));
  }

  private void newGeneration(Holder h) {
    current = new FileRec(name, generation++, link, h);
    allFiles.add(current);
  }

  private Holder holder(Path p, boolean gzip) throws IOException {
    long dev = ((Number) Files.getAttribute(p, "unix:dev")).longValue();
    long ino = ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    return new Holder(p, dev, ino, gzip, System.nanoTime());
  }

  private int writeMessage(ContainerSettings s) {
    return writeMessage(s, s.splitShare() > 0 && random.nextDouble() < s.splitShare(), null);
  }

  /** Writes one message (as P pieces and an F piece when split); returns the bytes written. */
  private int writeMessage(ContainerSettings s, boolean split, String onStream) {
    long seq = written.get();
    String stream =
        onStream != null ? onStream : random.nextDouble() < s.stderrShare() ? "stderr" : "stdout";
    int length = length(s, split);
    String content = messages.content(name, seq, length);
    List<String> parts = split ? cut(content) : List.of(content);
    Piece[] pieces = new Piece[parts.size()];
    int bytes = 0;
    for (int i = 0; i < parts.size(); i++) {
      pieces[i] = line(stream, i < parts.size() - 1 ? "P" : "F", parts.get(i));
      bytes += pieces[i].lineBytes();
    }
    msgs.add(new Msg(name, seq, stream, content.length(), pieces));
    written.incrementAndGet();
    return bytes;
  }

  /** A message whose P pieces are written now and whose F piece waits for the new file. */
  private record PendingSplit(
      long seq, String stream, String content, List<Piece> pieces, String last) {}

  private PendingSplit startSplit(ContainerSettings s) {
    long seq = written.getAndIncrement();
    String stream = random.nextDouble() < 0.5 ? "stdout" : "stderr";
    String content = messages.content(name, seq, length(s, true));
    List<String> parts = cut(content);
    List<Piece> pieces = new ArrayList<>();
    for (int i = 0; i < parts.size() - 1; i++) {
      pieces.add(line(stream, "P", parts.get(i)));
    }
    Msg placeholder = new Msg(name, seq, stream, content.length(), new Piece[0]);
    msgs.add(placeholder); // keeps msgs indexed by seq; replaced when the F piece is written
    return new PendingSplit(seq, stream, content, pieces, parts.get(parts.size() - 1));
  }

  private void finishSplit(PendingSplit p, boolean interleave) {
    if (interleave && written.get() < limit) {
      // a line of the other stream comes between: pieces are joined per stream
      writeMessage(settings, false, p.stream().equals("stdout") ? "stderr" : "stdout");
    }
    List<Piece> pieces = new ArrayList<>(p.pieces());
    pieces.add(line(p.stream(), "F", p.last()));
    msgs.set(
        (int) p.seq(),
        new Msg(name, p.seq(), p.stream(), p.content().length(), pieces.toArray(new Piece[0])));
  }

  private int length(ContainerSettings s, boolean split) {
    int min = s.minMessageBytes();
    int max = s.maxMessageBytes();
    int len = min == max ? min : min + random.nextInt(max - min + 1);
    return split ? Math.max(len, 64) : len;
  }

  /** Cuts a message into 2-4 pieces, none starting before the token's end. */
  private List<String> cut(String content) {
    int from = content.indexOf(' ') + 2;
    int pieces = 2 + random.nextInt(3);
    List<Integer> cuts = new ArrayList<>();
    for (int i = 0; i < pieces - 1 && content.length() - from > 2; i++) {
      cuts.add(from + random.nextInt(content.length() - from - 1));
    }
    cuts.sort(null);
    List<String> out = new ArrayList<>();
    int at = 0;
    for (int c : cuts) {
      if (c > at) {
        out.add(content.substring(at, c));
        at = c;
      }
    }
    out.add(content.substring(at));
    if (out.size() == 1) {
      out = List.of(content.substring(0, from), content.substring(from));
    }
    return out;
  }

  private Piece line(String stream, String tag, String content) {
    Instant now = Instant.now();
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    byte[] bytes =
        (Timestamps.formatRfc3339Nano(nanos) + " " + stream + " " + tag + " " + content + "\n")
            .getBytes(StandardCharsets.UTF_8);
    long offset = current.size;
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        out.write(b);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    current.size = offset + bytes.length;
    return new Piece(current, offset, bytes.length);
  }

  String describe() {
    return name + " (" + namespace + "/" + pod + ", " + link.getFileName() + ")";
  }

  long t0() {
    return t0;
  }
}
