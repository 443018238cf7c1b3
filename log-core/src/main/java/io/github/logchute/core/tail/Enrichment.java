package io.github.logchute.core.tail;

import io.github.logchute.core.LogSource;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.MetadataEnricher;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Resolves each tracked file's {@link SourceMetadata} through the {@link MetadataEnricher} chain,
 * once per source and again when the enricher reports a change — never per line.
 */
final class Enrichment implements AutoCloseable {

  /*
   * Design notes.
   *
   * A new file's metadata starts null; the reader skips a file whose metadata is null, so its
   * records wait for the pod to be known without holding anything in memory (the file is the
   * buffer) and without delaying other files. The first of two events sets it: the enricher's
   * whenReady stage completes, or metadataWait elapses (then the file goes out with what the
   * enrichers know from the path, counted). A whenReady that completes after the timeout
   * re-enriches, so later records get the pod's metadata.
   *
   * enrich() runs on the single enrichment thread, except when whenReady is already complete at
   * registration: then on the registering (watcher) thread, so that a file of a known pod — the
   * common case — is read without a thread hop. Never on the reader thread.
   */

  private static final RateLimitedLogger LOG =
      RateLimitedLogger.every10Seconds(Enrichment.class.getName());

  private final MetadataEnricher enricher;
  private final Duration wait;
  private final Runnable wakeReader;
  private final ScheduledExecutorService executor;
  private final Counter waitTimeouts;
  private final Counter updates;
  private final Counter errors;

  Enrichment(
      MetadataEnricher enricher,
      Duration wait,
      MetricsRegistry metrics,
      Function<LogSource, TrackedFile> lookup,
      Runnable wakeReader) {
    this.enricher = enricher;
    this.wait = wait;
    this.wakeReader = wakeReader;
    ScheduledThreadPoolExecutor ex =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "logchute-enrich");
              t.setDaemon(true);
              return t;
            });
    ex.setRemoveOnCancelPolicy(true);
    this.executor = ex;
    this.waitTimeouts =
        metrics.counter(
            "logchute_metadata_wait_timeouts_total",
            "Files whose records went out with partial metadata because the enrichers did not know"
                + " their source within metadataWait.");
    this.updates =
        metrics.counter(
            "logchute_metadata_updates_total",
            "Metadata changes applied to open files (pod updated, pod appeared late).");
    this.errors =
        metrics.counter(
            "logchute_metadata_errors_total",
            "Enricher calls that failed; the records kept the metadata known before.");
    enricher.onChange(
        source -> {
          TrackedFile f = lookup.apply(source);
          if (f != null) {
            submit(() -> apply(f, true));
          }
        });
  }

  /** Starts resolving {@code f}'s metadata; the reader skips {@code f} until it is set. */
  void register(TrackedFile f) {
    CompletableFuture<?> ready;
    try {
      ready = enricher.whenReady(f.source).toCompletableFuture();
    } catch (RuntimeException e) {
      errors.increment();
      ready = CompletableFuture.completedFuture(null);
    }
    if (ready.isDone()) {
      apply(f, false);
      return;
    }
    if (wait.isZero()) {
      apply(f, false);
    } else {
      try {
        executor.schedule(
            () -> {
              if (f.metadata == null) {
                waitTimeouts.increment();
                LOG.log(
                    Level.INFO,
                    "{0}: no metadata after {1}; reading it with what is known from the path",
                    f.path,
                    wait);
                apply(f, false);
              }
            },
            wait.toNanos(),
            TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        apply(f, false); // shutting down
      }
    }
    ready.whenComplete((v, e) -> submit(() -> apply(f, f.metadata != null)));
  }

  private void submit(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // closed: the engine is stopping
    }
  }

  private void apply(TrackedFile f, boolean update) {
    synchronized (f) { // the watcher and the enrichment thread may both get here for one file
      applyLocked(f, update);
    }
  }

  private void applyLocked(TrackedFile f, boolean update) {
    SourceMetadata.Builder b = SourceMetadata.builder();
    SourceMetadata previous = f.metadata;
    try {
      enricher.enrich(f.source, b);
    } catch (RuntimeException e) {
      errors.increment();
      LOG.log(Level.WARNING, "{0}: an enricher failed: {1}", f.path, e.toString());
      if (previous != null) {
        return;
      }
    }
    SourceMetadata m = b.build();
    if (previous != null && previous.equals(m)) {
      return;
    }
    f.metadata = m;
    if (update) {
      updates.increment();
    }
    wakeReader.run();
  }

  /** {@code f} was drained and let go: the enrichers may forget its source. */
  void release(TrackedFile f) {
    submit(
        () -> {
          try {
            enricher.release(f.source);
          } catch (RuntimeException e) {
            errors.increment();
          }
        });
  }

  @Override
  public void close() {
    executor.shutdownNow();
    enricher.close();
  }
}
