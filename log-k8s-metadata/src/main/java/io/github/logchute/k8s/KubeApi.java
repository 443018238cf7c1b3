package io.github.logchute.k8s;

import io.github.logchute.core.Clock;
import io.github.logchute.core.RateLimitedLogger;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The HTTP side of the Kubernetes API: one {@link HttpClient} over TLS verified against the CA
 * bundle (there is no way to turn verification off), the service-account bearer token read from its
 * file — again at least every {@code tokenRefresh} and right after a 401, because projected tokens
 * rotate — and the two kinds of request a reflector makes: a list (body buffered, bounded by a
 * timeout) and a watch (body streamed line by line).
 */
final class KubeApi {

  private static final System.Logger LOG = System.getLogger(KubeApi.class.getName());

  private final URI base;
  private final HttpClient client;
  private final Path tokenFile;
  private final long tokenRefreshNanos;
  private final Duration requestTimeout;
  private final Clock clock;
  private final RateLimitedLogger tokenLog;

  private String token;
  private long tokenReadAt;
  private boolean tokenStale = true;

  KubeApi(
      URI base,
      Path caFile,
      Path tokenFile,
      Duration tokenRefresh,
      Duration requestTimeout,
      Clock clock,
      Executor executor)
      throws IOException, GeneralSecurityException {
    this.base = base;
    this.tokenFile = tokenFile;
    this.tokenRefreshNanos = tokenRefresh.toNanos();
    this.requestTimeout = requestTimeout;
    this.clock = clock;
    this.tokenLog = new RateLimitedLogger(LOG, 60_000_000_000L, clock);
    this.client =
        HttpClient.newBuilder()
            .sslContext(sslContext(caFile))
            .connectTimeout(requestTimeout)
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(executor)
            .build();
    if (tokenFile != null) {
      readToken(); // fails fast when the file is unreadable at start
      if (token == null) {
        throw new IOException("cannot read the token file " + tokenFile);
      }
    }
  }

  /** An SSL context trusting exactly the certificates of the PEM bundle {@code caFile}. */
  static SSLContext sslContext(Path caFile) throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(caFile)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    }
    if (certs.isEmpty()) {
      throw new GeneralSecurityException("no certificate in " + caFile);
    }
    int i = 0;
    for (Certificate c : certs) {
      trust.setCertificateEntry("ca-" + i++, c);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** GET {@code pathAndQuery} with the body buffered; fails after the request timeout. */
  CompletableFuture<HttpResponse<byte[]>> get(String pathAndQuery) {
    return client
        .sendAsync(
            request(pathAndQuery).timeout(requestTimeout).build(),
            HttpResponse.BodyHandlers.ofByteArray())
        .orTimeout(requestTimeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * GET {@code pathAndQuery} as a stream: the returned stage completes when the response ends; the
   * caller's body handler decides what to do with the body.
   */
  <T> CompletableFuture<HttpResponse<T>> stream(
      String pathAndQuery, HttpResponse.BodyHandler<T> handler) {
    return client.sendAsync(request(pathAndQuery).build(), handler);
  }

  /** The server answered 401: read the token file again before the next request. */
  synchronized void tokenRejected() {
    tokenStale = true;
  }

  private HttpRequest.Builder request(String pathAndQuery) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .header("Accept", "application/json")
            .header("User-Agent", "logchute");
    String t = currentToken();
    if (t != null) {
      b.header("Authorization", "Bearer " + t);
    }
    return b;
  }

  private synchronized String currentToken() {
    if (tokenFile != null && (tokenStale || clock.nanoTime() - tokenReadAt >= tokenRefreshNanos)) {
      readToken();
    }
    return token;
  }

  private synchronized void readToken() {
    try {
      String t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      if (!t.isEmpty()) {
        token = t;
      }
    } catch (IOException e) {
      tokenLog.log(
          Level.WARNING,
          "cannot read the Kubernetes token file {0} ({1}); using the token read before",
          tokenFile,
          e.toString());
    }
    tokenReadAt = clock.nanoTime();
    tokenStale = false;
  }

  /** The start of a response body, on one line, for a log message. */
  static String brief(byte[] body) {
    if (body == null) {
      return "";
    }
    String s = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
    return s.replace('\n', ' ');
  }
}
