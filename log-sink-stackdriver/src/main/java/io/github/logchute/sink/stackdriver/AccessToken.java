package io.github.logchute.sink.stackdriver;

import java.util.Objects;

/**
 * An OAuth2 access token and when it expires. The value is a secret: {@link #toString()} never
 * shows it.
 *
 * @param value the bearer token
 * @param expiresAtNanos when it expires, on {@link io.github.logchute.core.Clock#nanoTime()}
 * @param lifetimeNanos how long it was valid for when issued
 */
record AccessToken(String value, long expiresAtNanos, long lifetimeNanos) {

  AccessToken {
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return "AccessToken[value=<redacted>, lifetime=" + lifetimeNanos / 1_000_000_000L + "s]";
  }
}
