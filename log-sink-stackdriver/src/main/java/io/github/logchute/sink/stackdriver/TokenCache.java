package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.Clock;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.metrics.Counter;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;

/**
 * Keeps one access token and refreshes it before it expires, without blocking callers.
 *
 * <p>A token is used until {@link #REFRESH_SKEW_NANOS} before its expiry (fluent-bit's default
 * skew, SPECS.md 3.8; at most half its lifetime for short-lived tokens). In that window callers
 * still get the current token while one refresh runs in the background; once it has expired they
 * wait for the refresh. At most one fetch is in flight. {@link #invalidate} drops a token the API
 * refused (HTTP 401). Thread-safe. The token's value is never logged.
 */
final class TokenCache {

  /** Refresh this long before expiry. */
  static final long REFRESH_SKEW_NANOS = 60_000_000_000L;

  private final TokenFetcher fetcher;
  private final Clock clock;
  private final Counter fetched;
  private final Counter failed;
  private final RateLimitedLogger log;

  private AccessToken current;
  private CompletableFuture<AccessToken> inFlight;

  TokenCache(
      TokenFetcher fetcher, Clock clock, Counter fetched, Counter failed, RateLimitedLogger log) {
    this.fetcher = fetcher;
    this.clock = clock;
    this.fetched = fetched;
    this.failed = failed;
    this.log = log;
  }

  /** A token that is valid now; completes at once when one is cached. */
  synchronized CompletableFuture<AccessToken> token() {
    long now = clock.nanoTime();
    AccessToken t = current;
    if (t != null && now - refreshAt(t) < 0) {
      return CompletableFuture.completedFuture(t);
    }
    CompletableFuture<AccessToken> refresh = refresh();
    if (t != null && now - t.expiresAtNanos() < 0) {
      return CompletableFuture.completedFuture(t); // still valid; the refresh runs meanwhile
    }
    return refresh;
  }

  /** Forgets {@code refused} if it is still the current token, so the next call fetches anew. */
  synchronized void invalidate(AccessToken refused) {
    if (current == refused) {
      current = null;
    }
  }

  private CompletableFuture<AccessToken> refresh() {
    if (inFlight != null) {
      return inFlight;
    }
    CompletableFuture<AccessToken> f;
    try {
      f = fetcher.fetch();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    CompletableFuture<AccessToken> done = f.whenComplete(this::fetchDone);
    if (!done.isDone()) {
      inFlight = done;
    }
    return done;
  }

  private synchronized void fetchDone(AccessToken token, Throwable error) {
    inFlight = null;
    if (token != null) {
      current = token;
      fetched.increment();
    } else {
      failed.increment();
      Throwable cause = error.getCause() != null ? error.getCause() : error;
      log.log(
          Level.WARNING,
          "stackdriver: could not get an access token from {0}: {1}",
          fetcher.describe(),
          String.valueOf(cause.getMessage()));
    }
  }

  private static long refreshAt(AccessToken t) {
    return t.expiresAtNanos() - Math.min(REFRESH_SKEW_NANOS, t.lifetimeNanos() / 2);
  }
}
