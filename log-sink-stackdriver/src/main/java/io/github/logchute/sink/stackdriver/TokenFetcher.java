package io.github.logchute.sink.stackdriver;

import java.util.concurrent.CompletableFuture;

/** Obtains a new access token over the network, asynchronously. */
interface TokenFetcher {

  /** Starts a fetch; the future fails with a message that holds no secret. */
  CompletableFuture<AccessToken> fetch();

  /**
   * What kind of credentials this is, for logs ({@code metadata server}, {@code service account
   * ...}).
   */
  String describe();
}
