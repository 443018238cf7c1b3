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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Resolves each container's {@link SourceMetadata} through the {@link MetadataEnricher} chain, once
 * per path and again when the enricher reports a change — never per line, and not again at a
 * rotation: the rotated and live files of a container share it.
 */
final class Enrichment implements AutoCloseable {

  /*
   * Design notes.
   *
   * A new container's metadata starts null; the reader skips a container whose metadata is null,
   * so its records wait for the pod to be known without holding anything in memory (the file is
   * the buffer) and without delaying other containers. The first of two events sets it: the
   * enricher's whenReady stage completes, or metadataWait elapses — which the reader notices on
   * the injected clock and reports through timedOut() (then the file goes out with what the
   * enrichers know from the path, counted). A whenReady that completes after the timeout
   * re-enriches, so later records get the pod's metadata.
   *
   * enrich() runs on the single enrichment thread, except when whenReady is already complete at
   * registration: then on the registering (watcher) thread, so that a container of a known pod —
   * the common case — is read without a thread hop. Never on the reader thread.
   */

  private static final RateLimitedLogger LOG =
      RateLimitedLogger.every10Seconds(Enrichment.class.getName());

  private final MetadataEnricher enricher;
  private final Duration wait;
  private final Runnable wakeReader;
  private final ExecutorService executor;
  private final Counter waitTimeouts;
  private final Counter updates;
  private final Counter errors;

  Enrichment(
      MetadataEnricher enricher,
      Duration wait,
      MetricsRegistry metrics,
      Function<LogSource, ContainerLog> lookup,
      Runnable wakeReader) {
    this.enricher = enricher;
    this.wait = wait;
    this.wakeReader = wakeReader;
    this.executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "logchute-enrich");
              t.setDaemon(true);
              return t;
            });
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
          ContainerLog c = lookup.apply(source);
          if (c != null) {
            submit(() -> apply(c, true));
          }
        });
  }

  /** Starts resolving {@code c}'s metadata; the reader skips {@code c} until it is set. */
  void register(ContainerLog c) {
    CompletableFuture<?> ready;
    try {
      ready = enricher.whenReady(c.source).toCompletableFuture();
    } catch (RuntimeException e) {
      errors.increment();
      ready = CompletableFuture.completedFuture(null);
    }
    if (ready.isDone() || wait.isZero()) {
      apply(c, false);
      if (ready.isDone()) {
        return;
      }
    }
    ready.whenComplete((v, e) -> submit(() -> apply(c, c.metadata != null)));
  }

  /**
   * Reader thread: {@code c} has no metadata yet; at {@code nowNanos} (the injected clock) it has
   * waited as long as it may, so it goes out with what is known from the path.
   *
   * @return true if the wait just ran out
   */
  boolean expire(ContainerLog c, long nowNanos) {
    if (c.waitExpired || nowNanos - c.registeredNanos < wait.toNanos()) {
      return false;
    }
    c.waitExpired = true;
    waitTimeouts.increment();
    LOG.log(
        Level.INFO,
        "{0}: no metadata after {1}; reading it with what is known from the path",
        c.link,
        wait);
    submit(
        () -> {
          if (c.metadata == null) {
            apply(c, false);
          }
        });
    return true;
  }

  private void submit(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      // closed: the engine is stopping
    }
  }

  private void apply(ContainerLog c, boolean update) {
    synchronized (c.enrichLock) { // the watcher and the enrichment thread may both get here
      SourceMetadata.Builder b = SourceMetadata.builder();
      SourceMetadata previous = c.metadata;
      try {
        enricher.enrich(c.source, b);
      } catch (RuntimeException e) {
        errors.increment();
        LOG.log(Level.WARNING, "{0}: an enricher failed: {1}", c.link, e.toString());
        if (previous != null) {
          return;
        }
      }
      SourceMetadata m = b.build();
      if (previous != null && previous.equals(m)) {
        return;
      }
      c.metadata = m;
      if (update) {
        updates.increment();
      }
    }
    wakeReader.run();
  }

  /** {@code c} was drained and let go: the enrichers may forget its source. */
  void release(ContainerLog c) {
    submit(
        () -> {
          try {
            enricher.release(c.source);
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
