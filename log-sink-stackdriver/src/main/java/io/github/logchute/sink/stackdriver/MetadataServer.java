package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.Clock;
import io.github.logchute.core.config.Redact;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The little of the GCE / GKE metadata server this sink needs (SPECS.md 3.8 and 4.2): the default
 * service account's access token and the project id. Every request carries {@code Metadata-Flavor:
 * Google} (the server refuses requests without it). This module does not depend on log-k8s-metadata
 * (DESIGN.md: sinks depend on log-core only), hence its own client.
 */
final class MetadataServer implements TokenFetcher {

  static final String TOKEN_PATH = "/computeMetadata/v1/instance/service-accounts/default/token";
  static final String PROJECT_PATH = "/computeMetadata/v1/project/project-id";

  private final URI base;
  private final HttpClient http;
  private final Duration timeout;
  private final Clock clock;

  MetadataServer(URI base, HttpClient http, Duration timeout, Clock clock) {
    this.base = base;
    this.http = http;
    this.timeout = timeout;
    this.clock = clock;
  }

  @Override
  public CompletableFuture<AccessToken> fetch() {
    return get(TOKEN_PATH)
        .thenApply(
            r -> {
              try {
                return OAuthResponses.token(r, clock, "metadata server " + base);
              } catch (IOException e) {
                throw new CompletionException(e);
              }
            });
  }

  /** The project the node runs in ({@code project/project-id}). */
  CompletableFuture<String> projectId() {
    return get(PROJECT_PATH)
        .thenApply(
            r -> {
              String body = new String(r.body(), StandardCharsets.UTF_8).trim();
              if (r.statusCode() != 200 || body.isEmpty() || body.indexOf('/') >= 0) {
                throw new CompletionException(
                    new IOException(
                        "metadata server "
                            + base
                            + " answered HTTP "
                            + r.statusCode()
                            + " for the project id: "
                            + OAuthResponses.excerpt(r.body())));
              }
              return body;
            });
  }

  private CompletableFuture<HttpResponse<byte[]>> get(String path) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(timeout)
            .header("Metadata-Flavor", "Google")
            .GET()
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  @Override
  public String describe() {
    return "metadata server " + Redact.url(base);
  }
}
