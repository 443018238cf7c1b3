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
import io.github.logchute.core.process.MessageProcessor;
import io.github.logchute.core.process.ProcessMetrics;
import io.github.logchute.core.process.ProcessingOptions;
import io.github.logchute.core.process.RecordProcessor;
import io.github.logchute.core.spi.MetadataEnricher;
import io.github.logchute.core.spi.RecordEmitter;
import io.github.logchute.core.spi.Tailer;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The default {@link Tailer}: reads container log files found by glob, follows them through
 * rotation, and keeps checkpoints so that a restart resumes where delivery stopped.
 *
 * <ul>
 *   <li><b>Discovery</b> every {@code refreshInterval}: new files are opened (from their beginning,
 *       or — at the very first start without a checkpoint file — per {@link StartAt}); a path whose
 *       file changed identity (rename + create, the kubelet's rotation) keeps the old file open and
 *       drains it; a path that disappeared is drained too.
 *   <li><b>Reading</b> on one thread, a buffer per file per turn, so a busy container cannot starve
 *       a quiet one. A file shorter than the read position was truncated: it is counted and read
 *       again from 0.
 *   <li><b>Checkpoints</b> every {@code checkpointInterval} and at {@link #close}: per file, the
 *       first byte not acknowledged by every sink (never inside a line or a merge still being
 *       assembled), with a fingerprint of the first 1 KiB and a hash of the 256 bytes before the
 *       offset, so a reused inode or a rewritten file is not mistaken for the saved one.
 * </ul>
 */
public final class FileTailer implements Tailer {

  private static final Logger LOG = System.getLogger(FileTailer.class.getName());
  private static final RateLimitedLogger RATE_LIMITED =
      RateLimitedLogger.every10Seconds(FileTailer.class.getName());

  final TailerConfig config;
  final Clock clock;
  final TailMetrics metrics;
  final DecodeMetrics decodeMetrics;
  private final Discovery discovery;
  final CheckpointStore store;
  final Enrichment enrichment;
  final RotationHistory history = new RotationHistory();
  final RotatedFiles rotated = new RotatedFiles(this);
  final FileOpener opener = new FileOpener(this);
  final Checkpoints checkpoints = new Checkpoints(this);
  final OpenFileBound bound = new OpenFileBound(this);
  final ProcessingOptions processing;
  final ProcessMetrics processMetrics;
  final RecordProcessor processor;
  final List<LogRecord> staged = new ArrayList<>();

  final Map<Path, TrackedFile> byPath = new ConcurrentHashMap<>();
  final Map<LogSource, TrackedFile> bySource = new ConcurrentHashMap<>();
  final List<TrackedFile> files = new CopyOnWriteArrayList<>();
  final Map<LogRecord, TrackedFile.Mark> marksByFirst = new ConcurrentHashMap<>();
  final Map<String, List<FileCheckpoint>> saved = new HashMap<>();
  boolean freshStart;

  final ReentrantLock lock = new ReentrantLock();
  final Condition wake = lock.newCondition();
  boolean reading;
  private boolean watching;
  boolean inEmit;
  private volatile Thread reader;
  private volatile Thread watcher;
  RecordEmitter emitter;

  /**
   * A tailer without enrichment: records carry no metadata beyond their {@link LogSource}.
   *
   * @param config settings
   * @param metrics where the tailer's and the decoders' counters go
   * @param clock time source
   * @throws IOException if the data directory cannot be created
   */
  public FileTailer(TailerConfig config, MetricsRegistry metrics, Clock clock) throws IOException {
    this(config, metrics, clock, MetadataEnricher.noop(), null);
  }

  /**
   * A tailer with enrichment and no record processing (messages stay text, one record per line).
   */
  public FileTailer(
      TailerConfig config, MetricsRegistry metrics, Clock clock, MetadataEnricher enricher)
      throws IOException {
    this(config, metrics, clock, enricher, null);
  }

  /**
   * @param config settings
   * @param metrics where the tailer's and the decoders' counters go
   * @param clock time source
   * @param enricher resolves each file's metadata once, and again when it reports a change; closed
   *     by {@link #close}
   * @param processing multi-line grouping and message parsing (JSON/logfmt fields, level), with
   *     per-source overrides from metadata; null for none
   * @throws IOException if the data directory cannot be created
   */
  public FileTailer(
      TailerConfig config,
      MetricsRegistry metrics,
      Clock clock,
      MetadataEnricher enricher,
      ProcessingOptions processing)
      throws IOException {
    Objects.requireNonNull(enricher, "enricher");
    this.processing = processing;
    if (processing != null) {
      this.processMetrics = ProcessMetrics.register(metrics);
      this.processor = new MessageProcessor(processing, processMetrics);
    } else {
      this.processMetrics = null;
      this.processor = null;
    }
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.metrics = new TailMetrics(metrics);
    this.decodeMetrics = DecodeMetrics.register(metrics);
    this.discovery = new Discovery(config.include(), config.exclude(), FileSystems.getDefault());
    this.store = new CheckpointStore(config.dataDir(), metrics);
    this.enrichment =
        new Enrichment(enricher, config.metadataWait(), metrics, bySource::get, this::signal);
    metrics.gauge(
        "logchute_files_tracked",
        "Files being followed (open or parked), including rotated ones still draining.",
        () -> files.size());
    metrics.gauge(
        "logchute_files_open",
        "Files held open (at most maxOpenFiles, plus draining ones).",
        bound::openFiles);
    metrics.gauge(
        "logchute_checkpoint_lag_bytes",
        "Bytes read but not yet acknowledged by every sink, over all files.",
        checkpoints::lagBytes);
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
    freshStart = !loaded.existed();
    for (FileCheckpoint c : loaded.files()) {
      saved.computeIfAbsent(c.path(), k -> new ArrayList<>()).add(c);
    }
    for (CheckpointStore.Finished f : loaded.finished()) {
      history.finished(
          Path.of(f.path()), new TrackedFile.Fingerprint(f.fingerprintLength(), f.fingerprint()));
    }
    scanSafely(true);
    rotated.recoverUnmatchedCheckpoints();
    if (!freshStart) {
      rotated.recoverRotatedWhileDown(loaded.savedAtMillis());
      rotated.recoverCompressedWhileDown(loaded.savedAtMillis());
    }
    reader = new Thread(new ReadLoop(this), "logchute-tail-reader");
    watcher = new Thread(this::watchLoop, "logchute-tail-watcher");
    reader.setDaemon(true);
    watcher.setDaemon(true);
    reader.start();
    watcher.start();
  }

  // ---------------------------------------------------------------- discovery (watcher thread)

  private void watchLoop() {
    long refresh = config.refreshInterval().toNanos();
    long interval = config.checkpointInterval().toNanos();
    long nextScan = clock.nanoTime() + refresh;
    long nextCheckpoint = clock.nanoTime() + interval;
    while (true) {
      lock.lock();
      try {
        long wait = Math.min(nextScan, nextCheckpoint) - clock.nanoTime();
        if (watching && wait > 0) {
          wake.awaitNanos(wait);
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
        scanSafely(false);
        bound.resolveParked();
        pruneReleased();
        nextScan = clock.nanoTime() + refresh;
      }
      if (now - nextCheckpoint >= 0) {
        checkpoints.save();
        nextCheckpoint = clock.nanoTime() + interval;
      }
    }
  }

  private void scanSafely(boolean initial) {
    try {
      scan(initial);
    } catch (IOException | RuntimeException e) {
      RATE_LIMITED.log(Level.WARNING, "scanning for log files failed: {0}", e.toString());
    }
  }

  private void scan(boolean initial) throws IOException {
    Set<Path> found = discovery.scan();
    boolean added = false;
    for (Path p : found) {
      FileIdentity id;
      try {
        id = FileIdentity.of(p);
      } catch (IOException e) {
        continue; // vanished since the scan, or a dangling link
      }
      TrackedFile current = byPath.get(p);
      if (current != null && current.identity.equals(id)) {
        continue;
      }
      if (current == null && tooOld(p)) {
        continue;
      }
      TrackedFile f = opener.open(p, id, initial, current);
      if (f == null) {
        continue;
      }
      if (current != null) {
        metrics.rotations.increment();
        markRotated(current);
        rotated.recoverSkippedRotations(p, current);
      }
      track(f);
      added = true;
    }
    for (Map.Entry<Path, TrackedFile> e : byPath.entrySet()) {
      if (!found.contains(e.getKey()) && byPath.remove(e.getKey(), e.getValue())) {
        markRotated(e.getValue()); // deleted (or excluded now): drain, then let go
      }
    }
    Set<Path> links = new HashSet<>(found);
    for (TrackedFile f : files) {
      links.add(f.path);
    }
    history.retain(links, clock.nanoTime());
    if (added) {
      signal();
    }
  }

  void track(TrackedFile f) {
    if (!history.observed(f.path)) {
      history.observe(
          f.path,
          RotatedFiles.rotatedSiblings(f.path, false),
          RotatedFiles.rotatedSiblings(f.path, true));
    }
    if (!f.rotated) {
      byPath.put(f.path, f);
    }
    bySource.put(f.source, f);
    files.add(f);
    enrichment.register(f);
  }

  void markRotated(TrackedFile f) {
    if (!f.rotated) {
      f.rotatedAtNanos = clock.nanoTime();
      f.rotated = true;
    }
  }

  private boolean tooOld(Path p) {
    if (config.ignoreOlder().isZero()) {
      return false;
    }
    try {
      long age = clock.epochNanos() / 1_000_000 - Files.getLastModifiedTime(p).toMillis();
      return age > config.ignoreOlder().toMillis();
    } catch (IOException e) {
      return true;
    }
  }

  private void pruneReleased() {
    for (TrackedFile f : files) {
      if (f.released && f.fullyAcknowledged()) {
        history.finished(f);
        enrichment.release(f);
        files.remove(f);
        bySource.remove(f.source, f);
        f.closeChannel();
      }
    }
  }

  void signal() {
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
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
      TrackedFile f = bySource.get(r.source());
      if (f != null) {
        TrackedFile.Mark done = f.acknowledge(r);
        if (done != null) {
          marksByFirst.remove(done.records[0], done);
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
    if (emitter != null) {
      checkpoints.save();
    }
    for (TrackedFile f : files) {
      f.closeChannel();
    }
    enrichment.close();
  }

  static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
