package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.Clock;
import io.github.logchute.core.http.FakeHttpServer;
import io.github.logchute.core.http.FakeHttpServer.Request;
import io.github.logchute.core.http.FakeHttpServer.Response;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake Google OAuth2 token endpoint ({@code POST /token}) for service-account JWTs (SPECS.md
 * 3.8): it checks the form ({@code grant_type} jwt-bearer, {@code assertion}), the JWT header
 * ({@code RS256}, {@code JWT}), its RS256 signature against the key pair's public key, and its
 * claims ({@code iss} = the key's email, {@code scope} = logging.write, {@code aud} = this
 * endpoint, {@code iat} = now by the test's clock, {@code exp} after now and at most an hour after
 * {@code iat}). A good assertion gets a fresh token, which the fake API is told to accept; anything
 * wrong fails the handler (tests assert it never does).
 */
final class FakeTokenEndpoint implements AutoCloseable {

  static final String PATH = "/token";

  final FakeHttpServer server;
  private final PublicKey publicKey;
  private final String clientEmail;
  private final Clock clock;
  private final FakeCloudLogging api;
  private final AtomicInteger issued = new AtomicInteger();
  private final List<Map<String, Object>> claims = new CopyOnWriteArrayList<>();
  private volatile long expiresInSeconds = 3600;

  FakeTokenEndpoint(PublicKey publicKey, String clientEmail, Clock clock, FakeCloudLogging api) {
    this.publicKey = publicKey;
    this.clientEmail = clientEmail;
    this.clock = clock;
    this.api = api;
    this.server = FakeHttpServer.start(this::handle);
  }

  URI uri() {
    return server.uri(PATH);
  }

  void expiresIn(long seconds) {
    expiresInSeconds = seconds;
  }

  int issued() {
    return issued.get();
  }

  /** The claims of every accepted assertion. */
  List<Map<String, Object>> claims() {
    return List.copyOf(claims);
  }

  private Response handle(Request r) {
    check(
        r.method().equals("POST") && r.path().equals(PATH),
        "unexpected " + r.method() + " " + r.uri());
    check(
        "application/x-www-form-urlencoded".equals(r.header("Content-Type")),
        "Content-Type " + r.header("Content-Type"));
    Map<String, String> form = new HashMap<>();
    for (String pair : r.bodyText().split("&")) {
      int eq = pair.indexOf('=');
      check(eq > 0, "malformed form: " + pair);
      form.put(
          URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    check(
        form.keySet().equals(java.util.Set.of("grant_type", "assertion")), "form " + form.keySet());
    check(
        "urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type")),
        "grant_type " + form.get("grant_type"));
    Map<String, Object> c = verify(form.get("assertion"));
    claims.add(c);
    String token = "sa-token-" + issued.incrementAndGet();
    api.acceptToken(token);
    return Response.json(
        200,
        "{\"access_token\":\""
            + token
            + "\",\"expires_in\":"
            + expiresInSeconds
            + ",\"token_type\":\"Bearer\"}");
  }

  private Map<String, Object> verify(String jwt) {
    String[] parts = jwt.split("\\.", -1);
    check(parts.length == 3, "a JWT has three parts");
    Base64.Decoder b64 = Base64.getUrlDecoder();
    for (String p : parts) {
      check(!p.contains("="), "JWT parts are base64url without padding");
    }
    Map<String, Object> header = json(b64.decode(parts[0]));
    check("RS256".equals(header.get("alg")), "alg " + header.get("alg"));
    check("JWT".equals(header.get("typ")), "typ " + header.get("typ"));
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initVerify(publicKey);
      rsa.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      check(rsa.verify(b64.decode(parts[2])), "the JWT's signature does not verify");
    } catch (GeneralSecurityException e) {
      throw new AssertionError("signature check failed", e);
    }
    Map<String, Object> c = json(b64.decode(parts[1]));
    check(clientEmail.equals(c.get("iss")), "iss " + c.get("iss"));
    check(ServiceAccountTokenFetcher.SCOPE.equals(c.get("scope")), "scope " + c.get("scope"));
    check(uri().toString().equals(c.get("aud")), "aud " + c.get("aud") + ", expected " + uri());
    check(c.get("iat") instanceof Long && c.get("exp") instanceof Long, "iat/exp must be integers");
    long now = clock.epochNanos() / 1_000_000_000L;
    long iat = (Long) c.get("iat");
    long exp = (Long) c.get("exp");
    check(Math.abs(iat - now) <= 60, "iat " + iat + " is not now (" + now + ")");
    check(exp > now, "the assertion has expired");
    check(exp > iat && exp - iat <= 3600, "exp must be within an hour of iat");
    return c;
  }

  private static Map<String, Object> json(byte[] b) {
    try {
      return JsonValues.readObject(b);
    } catch (java.io.IOException e) {
      throw new AssertionError("not JSON: " + new String(b, StandardCharsets.UTF_8));
    }
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
