package io.github.logchute.core.tail;

import io.github.logchute.core.Clock;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.checkpoint.CheckpointStore;
import io.github.logchute.core.checkpoint.FileCheckpoint;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.parse.DecodeMetrics;
import io.github.logchute.core.process.ProcessMetrics;
import io.github.logchute.core.process.ProcessingOptions;
import io.github.logchute.core.spi.MetadataEnricher;
import io.github.logchute.core.spi.RecordEmitter;
import io.github.logchute.core.spi.Tailer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The default {@link Tailer}: reads container log files found by glob, follows them through
 * rotation, and keeps checkpoints so that a restart resumes where delivery stopped.
 *
 * <ul>
 *   <li><b>Discovery</b> every {@code refreshInterval}: each matching path is a container whose
 *       files form a chain in rotation order — the rotated siblings beside the file ({@code
 *       0.log.<time>}, {@code 0.log.<time>.gz}) oldest first, then the live file. A new path is
 *       read from the beginning of every file not read before (at the very first start, per {@link
 *       StartAt}, and earlier rotations are history). At every scan the directory is listed again:
 *       a rotated file that is neither a file of the chain, nor one read to its end before, is read
 *       from its start — however many rotations happened between two scans, during backpressure or
 *       while logchute was down.
 *   <li><b>Reading</b> on one thread, a buffer per container per turn, so a busy container cannot
 *       starve a quiet one. A rotated file is read to its end before the next file of the chain; a
 *       partial line it ends with is joined with its end in the next file.
 *   <li><b>Checkpoints</b> every {@code checkpointInterval} and at {@link #close}: per file, the
 *       first byte not acknowledged by every sink (never inside a line or a merge still being
 *       assembled), with a fingerprint of the first 1 KiB and a hash of the 256 bytes before the
 *       offset; per path, the fingerprints of rotated files done with.
 *   <li><b>Losses</b> — a file deleted before it was read to its end — are counted ({@code
 *       logchute_files_lost_total}, {@code logchute_bytes_lost_total}) and logged, one line per
 *       file; nothing is skipped without being counted.
 * </ul>
 */
public final class FileTailer implements Tailer {

  /*
   * Design notes.
   *
   * Threads. The watcher thread scans, builds and updates the chains (Chains), reopens parked files
   * (OpenFileBound), lets finished files go and saves checkpoints (Checkpoints). The reader thread
   * reads (ReadLoop). Sinks acknowledge on their own threads. Every wait goes through the injected
   * clock (Clock.awaitUntil), so tests drive time.
   */

  private static final RateLimitedLogger RATE_LIMITED =
      RateLimitedLogger.every10Seconds(FileTailer.class.getName());
  private static final System.Logger LOG = System.getLogger(FileTailer.class.getName());

  final TailerConfig config;
  final Clock clock;
  final TailMetrics metrics;
  private final Discovery discovery;
  private final CheckpointStore store;
  final Enrichment enrichment;
  final Skips skips;
  final FileOpener opener;
  private final Chains chains;
  final OpenFileBound bound;
  private final Checkpoints checkpoints;
  final ProcessingOptions processing;
  final ProcessMetrics processMetrics;

  /** The containers, for the reader to go round; changed by the watcher only. */
  final List<ContainerLog> containers = new CopyOnWriteArrayList<>();

  private final Map<Path, ContainerLog> byLink = new ConcurrentHashMap<>();
  final Map<LogRecord, TrackedFile.Mark> marksByFirst = new ConcurrentHashMap<>();

  /**
   * The done lists of paths let go recently (watcher thread): a path that comes back — a plain file
   * renamed and re-created, seen missing by a scan in between — does not read its rotations again.
   */
  private final Map<Path, Retired> retired = new HashMap<>();

  private record Retired(List<ContainerLog.Done> done, long sinceNanos) {}

  private static final long RETIRED_NANOS = 10L * 60 * 1_000_000_000;

  /** Checkpoints loaded at start, by path, until each is matched (start thread only). */
  private final Map<String, List<FileCheckpoint>> saved = new HashMap<>();

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private boolean reading;
  private boolean watching;
  private boolean inEmit;
  private volatile Thread reader;
  private volatile Thread watcher;
  private RecordEmitter emitter;
  private volatile boolean finalSaveFailed;

  /** {@link #filesAdded} at the last save (watcher thread; set at start before it runs). */
  private long savedAdded;

  /**
   * A tailer without enrichment: records carry no metadata beyond their {@link LogSource}.
   *
   * @param config settings
   * @param metrics where the tailer's and the decoders' counters go
   * @param clock time source
   * @throws IOException if the data directory cannot be created or written
   */
  public FileTailer(TailerConfig config, MetricsRegistry metrics, Clock clock) throws IOException {
    this(config, metrics, clock, MetadataEnricher.noop(), null);
  }

  /** A tailer with enrichment and no multi-line grouping (one record per line). */
  public FileTailer(
      TailerConfig config, MetricsRegistry metrics, Clock clock, MetadataEnricher enricher)
      throws IOException {
    this(config, metrics, clock, enricher, null);
  }

  /**
   * @param config settings
   * @param metrics where the tailer's and the decoders' counters go
   * @param clock time source: every interval and wait of the tailer runs on it
   * @param enricher resolves each container's metadata once, and again when it reports a change;
   *     closed by {@link #close}
   * @param processing multi-line grouping (per file, in file order; checkpoints never pass an event
   *     being grouped), with per-source overrides from metadata; null for none. Message parsing
   *     (JSON/logfmt fields, level) is the pipeline's processing stage ({@link
   *     io.github.logchute.core.process.MessageProcessor})
   * @throws IOException if the data directory cannot be created or written
   */
  public FileTailer(
      TailerConfig config,
      MetricsRegistry metrics,
      Clock clock,
      MetadataEnricher enricher,
      ProcessingOptions processing)
      throws IOException {
    Objects.requireNonNull(enricher, "enricher");
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.processing = processing;
    this.processMetrics = processing != null ? ProcessMetrics.register(metrics) : null;
    this.metrics = new TailMetrics(metrics);
    this.discovery = new Discovery(config.include(), config.exclude(), FileSystems.getDefault());
    this.store = new CheckpointStore(config.dataDir(), metrics);
    store.checkWritable();
    this.skips = new Skips(this.metrics);
    this.opener =
        new FileOpener(config, DecodeMetrics.register(metrics), clock, this.metrics, skips);
    this.chains = new Chains(config, clock, this.metrics, opener);
    this.checkpoints = new Checkpoints(store, containers);
    this.bound =
        new OpenFileBound(
            config,
            this.metrics,
            new OpenFileBound.Host() {
              @Override
              public List<ContainerLog> containers() {
                return containers;
              }

              @Override
              public FileCheckpoint entryFor(TrackedFile f, long nowMillis) {
                return Checkpoints.entryFor(f, f.committed(), nowMillis);
              }

              @Override
              public void markRotated(TrackedFile f) {
                chains.markRotated(f);
              }
            });
    this.enrichment =
        new Enrichment(
            enricher, config.metadataWait(), metrics, s -> byLink.get(s.path()), this::signal);
    metrics.gauge(
        "logchute_files_tracked",
        "Files being followed (open or parked), including rotated ones still draining.",
        this::trackedFiles);
    metrics.gauge(
        "logchute_files_open",
        "Files held open (at most maxOpenFiles, plus draining ones).",
        bound::openFiles);
    metrics.gauge(
        "logchute_checkpoint_lag_bytes",
        "Bytes read but not yet acknowledged by every sink, over all files.",
        checkpoints::lagBytes);
    metrics.gauge(
        "logchute_checkpoint_healthy",
        "1 while the last checkpoint save succeeded, 0 while saves fail.",
        () -> checkpoints.healthy() ? 1 : 0);
  }

  /** Files ever added to any chain, plus the containers: changes when a file becomes known. */
  private long filesAdded() {
    long n = containers.size();
    for (ContainerLog c : containers) {
      n += c.added();
    }
    return n;
  }

  private long trackedFiles() {
    long n = 0;
    for (ContainerLog c : containers) {
      n += c.files().size();
    }
    return n;
  }

  @Override
  public void start(RecordEmitter emitter) {
    lock.lock();
    try {
      if (this.emitter != null) {
        throw new IllegalStateException("already started");
      }
      this.emitter = Objects.requireNonNull(emitter, "emitter");
      reading = true;
      watching = true;
    } finally {
      lock.unlock();
    }
    CheckpointStore.Loaded loaded = store.load();
    for (FileCheckpoint c : loaded.files()) {
      saved.computeIfAbsent(c.path(), k -> new ArrayList<>()).add(c);
    }
    Map<Path, List<ContainerLog.Done>> done = new HashMap<>();
    for (CheckpointStore.Finished f : loaded.finished()) {
      done.computeIfAbsent(Path.of(f.path()), k -> new ArrayList<>())
          .add(
              new ContainerLog.Done(
                  new Fingerprint(f.fingerprintLength(), f.fingerprint()), f.size()));
    }
    Chains.Start start = loaded.existed() ? Chains.Start.RESTORE : Chains.Start.FIRST;
    try {
      scan(start, done);
    } catch (IOException | RuntimeException e) {
      RATE_LIMITED.log(Level.WARNING, "scanning for log files failed: {0}", e.toString());
    }
    restoreGone(done);
    reportUnmatched();
    // what this start found is saved before anything is read: a run killed before its first
    // interval leaves a checkpoint file that names every file it saw, so the next start counts
    // one deleted meanwhile as lost instead of never having heard of it
    checkpoints.save(clock.epochNanos() / 1_000_000);
    savedAdded = filesAdded();
    reader = new Thread(new ReadLoop(this), "logchute-tail-reader");
    watcher = new Thread(this::watchLoop, "logchute-tail-watcher");
    reader.setDaemon(true);
    watcher.setDaemon(true);
    reader.start();
    watcher.start();
  }

  // ---------------------------------------------------------------- watcher thread

  private void watchLoop() {
    long refresh = config.refreshInterval().toNanos();
    long interval = config.checkpointInterval().toNanos();
    long nextScan = clock.nanoTime() + refresh;
    long nextCheckpoint = clock.nanoTime() + interval;
    while (true) {
      lock.lock();
      try {
        if (watching && clock.nanoTime() - Math.min(nextScan, nextCheckpoint) < 0) {
          clock.awaitUntil(lock, wake, Math.min(nextScan, nextCheckpoint));
        }
        if (!watching) {
          return;
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      long now = clock.nanoTime();
      if (now - nextScan >= 0) {
        try {
          scan(Chains.Start.NEW, Map.of());
          if (bound.resolveParked()) {
            signal();
          }
          prune();
        } catch (IOException | RuntimeException e) {
          RATE_LIMITED.log(Level.WARNING, "scanning for log files failed: {0}", e.toString());
        }
        nextScan = clock.nanoTime() + refresh;
      }
      long added = filesAdded();
      if (now - nextCheckpoint >= 0 || added != savedAdded) {
        // a file joined a chain (a rotation, a new container): saved now, not at the interval
        try {
          checkpoints.save(clock.epochNanos() / 1_000_000);
        } catch (RuntimeException e) {
          LOG.log(Level.ERROR, "saving checkpoints failed", e);
        }
        savedAdded = added;
        nextCheckpoint = clock.nanoTime() + interval;
      }
    }
  }

  private void scan(Chains.Start start, Map<Path, List<ContainerLog.Done>> done)
      throws IOException {
    Discovery.Result found = discovery.scan();
    found.skipped().forEach((p, reason) -> skips.report(p, reason, describe(reason)));
    List<Path> matched = new ArrayList<>(found.files());
    matched.addAll(found.skipped().keySet());
    skips.retain(new java.util.HashSet<>(matched));
    long now = clock.nanoTime();
    boolean added = false;
    for (Path p : found.files()) {
      Path file;
      FileIdentity id;
      try {
        file = p.toRealPath();
        id = FileIdentity.of(p);
      } catch (IOException e) {
        continue; // vanished since the scan
      }
      ContainerLog c = byLink.get(p);
      if (c != null) {
        c.lastSeenNanos = now;
        chains.refresh(c, file, id);
        continue;
      }
      if (start == Chains.Start.NEW && tooOld(p)) {
        continue;
      }
      List<ContainerLog.Done> known = done.get(p);
      Retired r = retired.remove(p);
      if (known == null && r != null) {
        known = r.done;
      }
      c = newContainer(p, file, id, start, known);
      added |= c != null;
    }
    for (ContainerLog c : containers) {
      if (!c.gone && !found.files().contains(c.link)) {
        chains.gone(c); // deleted (or excluded now): drain, then let go
      }
    }
    if (added) {
      signal();
    }
  }

  private static String describe(String reason) {
    switch (reason) {
      case "directory":
        return "it is a directory";
      case "fifo":
        return "it is a FIFO, not a regular file";
      case "dangling_link":
        return "it is a symbolic link to nothing";
      default:
        return "it is not a regular file";
    }
  }

  private ContainerLog newContainer(
      Path link, Path file, FileIdentity id, Chains.Start start, List<ContainerLog.Done> done) {
    ContainerLog c = chains.discover(link, file, id, start, saved.get(link.toString()), done);
    if (c == null) {
      return null;
    }
    skips.clear(link);
    byLink.put(link, c);
    containers.add(c);
    enrichment.register(c);
    return c;
  }

  /**
   * Checkpoints of paths no scan found (the container's link was removed while logchute was down):
   * if the real file they were read from is still there, it is drained.
   */
  private void restoreGone(Map<Path, List<ContainerLog.Done>> done) {
    for (String link : new ArrayList<>(saved.keySet())) {
      List<FileCheckpoint> entries = saved.get(link);
      if (entries == null || entries.isEmpty() || byLink.containsKey(Path.of(link))) {
        continue;
      }
      String file = entries.get(0).file();
      if (file == null) {
        continue;
      }
      ContainerLog c =
          chains.restoreGone(Path.of(link), Path.of(file), entries, done.get(Path.of(link)));
      if (c != null) {
        byLink.put(c.link, c);
        containers.add(c);
        enrichment.register(c);
      }
    }
  }

  /** Checkpoints that matched no file: what they had not delivered is lost. */
  private void reportUnmatched() {
    for (Map.Entry<String, List<FileCheckpoint>> e : saved.entrySet()) {
      for (FileCheckpoint cp : e.getValue()) {
        metrics.unresumed.increment();
        FileIdentity id = new FileIdentity(cp.device(), cp.inode());
        if (readToItsEnd(cp)) {
          LOG.log(
              Level.INFO,
              "{0}: inode {1} was read to its end ({2} bytes) before logchute stopped and deleted"
                  + " since; nothing of it is lost",
              e.getKey(),
              Long.toString(cp.inode()),
              Long.toString(cp.offset()));
          continue;
        }
        metrics.lost(
            LogSource.of(Path.of(e.getKey()), id),
            id,
            cp.offset(),
            cp.size() < 0 ? -1 : cp.size() - cp.offset(),
            "saved at this offset but not found again at start (rotated, compressed and deleted,"
                + " or deleted, while logchute was down)");
      }
    }
    saved.clear();
  }

  /**
   * A compressed file delivered up to the size its trailer declares: it cannot have grown. (A
   * compressed file's entry has no bytes before the offset to check; a plain file's always has,
   * past offset 0, and a plain file may have grown after the save.)
   */
  private static boolean readToItsEnd(FileCheckpoint cp) {
    return cp.tailLength() == 0
        && cp.offset() > 0
        && cp.offset() < 1L << 32 // the trailer declares the size modulo 2^32
        && cp.size() > 0
        && cp.offset() >= cp.size();
  }

  private boolean tooOld(Path p) {
    if (config.ignoreOlder().isZero()) {
      return false;
    }
    try {
      long age =
          clock.epochNanos() / 1_000_000 - java.nio.file.Files.getLastModifiedTime(p).toMillis();
      return age > config.ignoreOlder().toMillis();
    } catch (IOException e) {
      return true;
    }
  }

  /** Lets go of files read, acknowledged and finished; of containers drained. */
  private void prune() {
    for (ContainerLog c : containers) {
      List<TrackedFile> chain = c.files();
      for (TrackedFile f : chain) {
        if (Checkpoints.finished(f, chain, Map.of())) {
          if (f.rotated) {
            c.addDone(f.fingerprint(), f.assembler.position());
          }
          c.remove(f);
          f.closeChannel();
        }
      }
      if (c.drained()) {
        containers.remove(c);
        byLink.remove(c.link, c);
        enrichment.release(c);
        retired.put(c.link, new Retired(List.copyOf(c.done), clock.nanoTime()));
      }
    }
    long now = clock.nanoTime();
    retired.values().removeIf(r -> now - r.sinceNanos > RETIRED_NANOS);
  }

  void markRotated(TrackedFile f) {
    chains.markRotated(f);
  }

  void signal() {
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- reader thread support

  boolean isReading() {
    lock.lock();
    try {
      return reading;
    } finally {
      lock.unlock();
    }
  }

  /** Reader thread: waits for work or until {@code deadlineNanos} on the clock. */
  void awaitWork(long deadlineNanos) throws InterruptedException {
    lock.lock();
    try {
      if (reading) {
        clock.awaitUntil(lock, wake, deadlineNanos);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Reader thread: hands records to the emitter; blocks under backpressure. */
  void emit(List<LogRecord> records) throws InterruptedException {
    lock.lock();
    try {
      if (!reading) {
        throw new InterruptedException("stopped");
      }
      inEmit = true;
    } finally {
      lock.unlock();
    }
    try {
      emitter.emit(records);
    } finally {
      lock.lock();
      try {
        inEmit = false;
      } finally {
        lock.unlock();
      }
    }
  }

  // ---------------------------------------------------------------- acknowledgement

  @Override
  public void acknowledge(List<LogRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    TrackedFile.Mark m = marksByFirst.get(records.get(0));
    if (m != null
        && m.records.length == records.size()
        && m.records[m.records.length - 1] == records.get(records.size() - 1)) {
      marksByFirst.remove(records.get(0), m);
      m.file.acknowledge(m);
      return;
    }
    for (LogRecord r : records) {
      ContainerLog c = byLink.get(r.source().path());
      if (c == null) {
        continue;
      }
      for (TrackedFile f : c.files()) {
        if (f.source.equals(r.source()) && f.holds(r)) {
          TrackedFile.Mark done = f.acknowledge(r);
          if (done != null) {
            marksByFirst.remove(done.records[0], done);
          }
          break;
        }
      }
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /** True while the reading and watching threads run (for a liveness check). */
  public boolean isAlive() {
    Thread r = reader;
    Thread w = watcher;
    return r != null && w != null && r.isAlive() && w.isAlive();
  }

  /**
   * False while checkpoints cannot be saved (the data directory became read-only or full): the
   * engine goes on, but a restart would read again from older positions. For a readiness check.
   */
  public boolean checkpointsHealthy() {
    return checkpoints.healthy() && !finalSaveFailed;
  }

  /** Why the last checkpoint save failed, or null if it worked. */
  public String checkpointError() {
    return checkpoints.lastError();
  }

  @Override
  public void stopReading() {
    Thread r;
    lock.lock();
    try {
      reading = false;
      wake.signalAll();
      if (inEmit && reader != null) {
        reader.interrupt();
      }
      r = reader;
    } finally {
      lock.unlock();
    }
    if (r != null) {
      try {
        r.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Stops the threads, saves the final checkpoint and closes every file. If that save fails it is
   * logged and {@link #checkpointsHealthy()} answers false afterwards.
   */
  @Override
  public void close() {
    stopReading();
    Thread w;
    lock.lock();
    try {
      watching = false;
      wake.signalAll();
      w = watcher;
    } finally {
      lock.unlock();
    }
    if (w != null) {
      try {
        w.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (emitter != null && !checkpoints.save(clock.epochNanos() / 1_000_000)) {
      finalSaveFailed = true;
    }
    for (ContainerLog c : containers) {
      for (TrackedFile f : c.files()) {
        f.closeChannel();
      }
    }
    enrichment.close();
  }
}
