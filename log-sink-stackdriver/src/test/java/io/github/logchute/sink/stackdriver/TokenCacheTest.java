package io.github.logchute.sink.stackdriver;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Token caching, early refresh, single flight and invalidation — on a fake clock, no sleeping. */
class TokenCacheTest {

  private final FakeClock clock = new FakeClock();
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final List<CompletableFuture<AccessToken>> fetches = new ArrayList<>();

  private final TokenFetcher fetcher =
      new TokenFetcher() {
        @Override
        public CompletableFuture<AccessToken> fetch() {
          CompletableFuture<AccessToken> f = new CompletableFuture<>();
          fetches.add(f);
          return f;
        }

        @Override
        public String describe() {
          return "test";
        }
      };

  private final SinkMetrics counters = new SinkMetrics(metrics);
  private final TokenCache cache =
      new TokenCache(
          fetcher,
          clock,
          counters.tokensFetched,
          counters.tokenErrors,
          RateLimitedLogger.every10Seconds("test"));

  private AccessToken token(String value, Duration lifetime) {
    return new AccessToken(value, clock.nanoTime() + lifetime.toNanos(), lifetime.toNanos());
  }

  @Test
  void aTokenIsFetchedOnceAndReusedUntilShortlyBeforeItExpires() {
    CompletableFuture<AccessToken> first = cache.token();
    CompletableFuture<AccessToken> second = cache.token();
    assertThat(fetches).hasSize(1); // one fetch in flight serves both callers
    assertThat(first).isNotDone();
    fetches.get(0).complete(token("t1", Duration.ofHours(1)));
    assertThat(first.join().value()).isEqualTo("t1");
    assertThat(second.join().value()).isEqualTo("t1");

    clock.advance(Duration.ofMinutes(58));
    assertThat(cache.token().join().value()).isEqualTo("t1");
    assertThat(fetches).hasSize(1);

    // inside the 60 s skew: the current token is still handed out while a refresh runs
    clock.advance(Duration.ofSeconds(61));
    assertThat(cache.token().join().value()).isEqualTo("t1");
    assertThat(fetches).hasSize(2);
    assertThat(cache.token().join().value()).isEqualTo("t1");
    assertThat(fetches).hasSize(2);
    fetches.get(1).complete(token("t2", Duration.ofHours(1)));
    assertThat(cache.token().join().value()).isEqualTo("t2");
    assertThat(metrics.value(SinkMetrics.TOKEN_FETCHES, "result", "ok")).isEqualTo(2);
  }

  @Test
  void anExpiredTokenIsNeverHandedOut() {
    cache.token();
    fetches.get(0).complete(token("t1", Duration.ofMinutes(10)));
    clock.advance(Duration.ofMinutes(11));
    CompletableFuture<AccessToken> next = cache.token();
    assertThat(next).isNotDone();
    fetches.get(1).complete(token("t2", Duration.ofMinutes(10)));
    assertThat(next.join().value()).isEqualTo("t2");
  }

  @Test
  void aShortLivedTokenIsRefreshedAtHalfItsLifetime() {
    cache.token();
    fetches.get(0).complete(token("t1", Duration.ofSeconds(40)));
    clock.advance(Duration.ofSeconds(19));
    cache.token();
    assertThat(fetches).hasSize(1);
    clock.advance(Duration.ofSeconds(2));
    cache.token();
    assertThat(fetches).hasSize(2);
  }

  @Test
  void anInvalidatedTokenIsReplacedButAStaleInvalidationIsIgnored() {
    cache.token();
    AccessToken t1 = token("t1", Duration.ofHours(1));
    fetches.get(0).complete(t1);
    cache.invalidate(t1);
    CompletableFuture<AccessToken> next = cache.token();
    assertThat(fetches).hasSize(2);
    AccessToken t2 = token("t2", Duration.ofHours(1));
    fetches.get(1).complete(t2);
    assertThat(next.join()).isSameAs(t2);
    cache.invalidate(t1); // a late 401 for the old token must not drop the new one
    assertThat(cache.token().join()).isSameAs(t2);
    assertThat(fetches).hasSize(2);
  }

  @Test
  void aFailedFetchFailsTheCallersAndIsRetriedByTheNextCall() {
    CompletableFuture<AccessToken> f = cache.token();
    fetches.get(0).completeExceptionally(new IOException("token endpoint answered HTTP 500"));
    assertThat(f).isCompletedExceptionally();
    assertThat(metrics.value(SinkMetrics.TOKEN_FETCHES, "result", "error")).isEqualTo(1);
    CompletableFuture<AccessToken> g = cache.token();
    assertThat(fetches).hasSize(2);
    fetches.get(1).complete(token("t", Duration.ofHours(1)));
    assertThat(g.join().value()).isEqualTo("t");
  }

  @Test
  void aTokenNeverShowsItsValue() {
    assertThat(token("ya29.secret-value", Duration.ofHours(1)).toString())
        .doesNotContain("secret")
        .contains("redacted");
  }
}
