package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.Clock;
import io.github.logchute.core.RateLimitedLogger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The last resort for a project id: the metadata server's {@code project/project-id} (SPECS.md
 * 4.2). Started when the sink is built; {@link #get()} waits for the first answer a bounded time
 * (only the first batch on a node that has neither configured nor credentials' project can wait),
 * and after a failure asks again at most every {@link #RETRY_INTERVAL}.
 */
final class ProjectLookup {

  static final Duration RETRY_INTERVAL = Duration.ofSeconds(30);

  private final Supplier<CompletableFuture<String>> lookup;
  private final Duration firstWait;
  private final Clock clock;
  private final RateLimitedLogger log;
  private CompletableFuture<String> current;
  private long startedNanos;
  private boolean waited;

  ProjectLookup(
      Supplier<CompletableFuture<String>> lookup,
      Duration firstWait,
      Clock clock,
      RateLimitedLogger log) {
    this.lookup = lookup;
    this.firstWait = firstWait;
    this.clock = clock;
    this.log = log;
    start();
  }

  private void start() {
    startedNanos = clock.nanoTime();
    CompletableFuture<String> f;
    try {
      f = lookup.get();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    current = f;
  }

  /** The project id, or null when the metadata server has not (yet) told it. */
  synchronized String get() {
    CompletableFuture<String> f = current;
    if (!f.isDone() && !waited) {
      waited = true;
      try {
        return f.get(firstWait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      } catch (ExecutionException | TimeoutException e) {
        // handled below
      }
    }
    if (f.isDone() && !f.isCompletedExceptionally()) {
      return f.join();
    }
    if (f.isDone()) {
      Throwable cause;
      try {
        f.join();
        cause = null;
      } catch (RuntimeException e) {
        cause = e.getCause() != null ? e.getCause() : e;
      }
      log.log(
          Level.ERROR,
          "stackdriver: no project id: none configured (project / LOGCHUTE_STACKDRIVER_PROJECT),"
              + " none in the credentials, none in the record metadata ({0}), and the metadata"
              + " server failed: {1}",
          io.github.logchute.core.MetadataKeys.CLOUD_PROJECT_ID,
          cause == null ? "?" : String.valueOf(cause.getMessage()));
      if (clock.nanoTime() - startedNanos > RETRY_INTERVAL.toNanos()) {
        start();
      }
    }
    return null;
  }
}
