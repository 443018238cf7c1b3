package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.http.FakeHttpServer;
import io.github.logchute.core.http.FakeHttpServer.Request;
import io.github.logchute.core.http.FakeHttpServer.Response;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake GCE / GKE metadata server (SPECS.md 3.8, 4.2) on 127.0.0.1: answers only GETs that carry
 * {@code Metadata-Flavor: Google} (others get 403, as the real one, and are counted), serves the
 * default service account's token (a fresh one each time, which the fake API is told to accept) and
 * the project id.
 */
public final class FakeMetadataServer implements AutoCloseable {

  final FakeHttpServer server;
  private final FakeCloudLogging api;
  private final String project;
  private final AtomicInteger tokens = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private volatile long expiresInSeconds = 3599;

  public FakeMetadataServer(FakeCloudLogging api, String project) {
    this.api = api;
    this.project = project;
    this.server = FakeHttpServer.start(this::handle);
  }

  public URI baseUri() {
    return server.baseUri();
  }

  public void expiresIn(long seconds) {
    expiresInSeconds = seconds;
  }

  /** Tokens handed out. */
  public int tokensIssued() {
    return tokens.get();
  }

  /** Requests refused for want of {@code Metadata-Flavor: Google}. */
  public int refusedRequests() {
    return refused.get();
  }

  private Response handle(Request r) {
    if (!"Google".equals(r.header("Metadata-Flavor"))) {
      refused.incrementAndGet();
      return Response.text(403, "Missing Metadata-Flavor:Google header.");
    }
    if (!r.method().equals("GET")) {
      throw new AssertionError("metadata requests are GETs, got " + r.method());
    }
    switch (r.path()) {
      case MetadataServer.TOKEN_PATH:
        String token = "md-token-" + tokens.incrementAndGet();
        if (api != null) {
          api.acceptToken(token);
        }
        return Response.json(
            200,
            "{\"access_token\":\""
                + token
                + "\",\"expires_in\":"
                + expiresInSeconds
                + ",\"token_type\":\"Bearer\"}");
      case MetadataServer.PROJECT_PATH:
        if (project == null) {
          return Response.text(404, "not found");
        }
        return Response.text(200, project);
      default:
        return Response.text(404, "not found");
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
