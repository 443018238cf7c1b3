package io.github.logchute.sink.stackdriver;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.logchute.core.Clock;
import io.github.logchute.core.config.Redact;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * Access tokens for a service-account key (SPECS.md 3.8): a JWT with header {@code
 * {"alg":"RS256","typ":"JWT"}} and claims {@code iss} (the key's {@code client_email}), {@code
 * scope} ({@code logging.write}), {@code aud} (the token endpoint), {@code iat} and {@code exp}
 * (one hour later, the most Google allows), signed RSASSA-PKCS1-v1_5 SHA-256 with the JDK's {@link
 * Signature}, posted as {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=}.
 */
final class ServiceAccountTokenFetcher implements TokenFetcher {

  static final String SCOPE = "https://www.googleapis.com/auth/logging.write";
  static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  /** The assertion's lifetime: Google accepts at most one hour (SPECS.md 3.8). */
  static final long ASSERTION_SECONDS = 3600;

  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final ServiceAccountKey key;
  private final URI tokenUri;
  private final HttpClient http;
  private final Duration timeout;
  private final Clock clock;

  /**
   * @param tokenUri where to exchange the assertion (the key's {@code token_uri} unless
   *     overridden); also the assertion's {@code aud}
   */
  ServiceAccountTokenFetcher(
      ServiceAccountKey key, URI tokenUri, HttpClient http, Duration timeout, Clock clock) {
    this.key = key;
    this.tokenUri = tokenUri;
    this.http = http;
    this.timeout = timeout;
    this.clock = clock;
  }

  /** Signs on the HTTP client's executor (an RSA signature is a millisecond of CPU), then posts. */
  @Override
  public CompletableFuture<AccessToken> fetch() {
    Executor executor = http.executor().orElse(ForkJoinPool.commonPool());
    return CompletableFuture.supplyAsync(this::form, executor)
        .thenCompose(
            form ->
                http.sendAsync(
                    HttpRequest.newBuilder(tokenUri)
                        .timeout(timeout)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form, StandardCharsets.UTF_8))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray()))
        .thenApply(
            r -> {
              try {
                return OAuthResponses.token(r, clock, "token endpoint " + Redact.url(tokenUri));
              } catch (IOException e) {
                throw new CompletionException(e);
              }
            });
  }

  private String form() {
    try {
      return "grant_type="
          + URLEncoder.encode(GRANT_TYPE, StandardCharsets.UTF_8)
          + "&assertion="
          + assertion(clock.epochNanos() / 1_000_000_000L);
    } catch (GeneralSecurityException e) {
      throw new CompletionException(
          new IOException("signing the token request failed: " + e.getMessage(), e));
    }
  }

  /** The signed JWT, {@code header.claims.signature}, each part base64url without padding. */
  String assertion(long nowSeconds) throws GeneralSecurityException {
    String header = B64URL.encodeToString(header());
    String claims = B64URL.encodeToString(claims(nowSeconds));
    String signingInput = header + "." + claims;
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initSign(key.privateKey());
    rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + B64URL.encodeToString(rsa.sign());
  }

  private byte[] header() {
    return json(
        g -> {
          g.writeStringField("alg", "RS256");
          g.writeStringField("typ", "JWT");
          if (key.privateKeyId() != null) {
            g.writeStringField("kid", key.privateKeyId());
          }
        });
  }

  private byte[] claims(long now) {
    return json(
        g -> {
          g.writeStringField("iss", key.clientEmail());
          g.writeStringField("scope", SCOPE);
          g.writeStringField("aud", tokenUri.toString());
          g.writeNumberField("iat", now);
          g.writeNumberField("exp", now + ASSERTION_SECONDS);
        });
  }

  private interface Fields {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] json(Fields fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JsonValues.FACTORY.createGenerator(out)) {
      g.writeStartObject();
      fields.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public String describe() {
    return "service account " + key.clientEmail();
  }
}
