package io.github.logchute.sink.stackdriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.logchute.core.FakeClock;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service-account key flow against a fake token endpoint that verifies the JWT. */
class ServiceAccountAuthTest {

  private static final KeyPair KEYS = ServiceAccounts.keyPair();

  @TempDir Path dir;
  private final FakeClock clock = new FakeClock();
  private final FakeCloudLogging api = new FakeCloudLogging();
  private final FakeTokenEndpoint endpoint =
      new FakeTokenEndpoint(KEYS.getPublic(), ServiceAccounts.EMAIL, clock, api);
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void close() {
    endpoint.close();
    api.close();
  }

  private ServiceAccountTokenFetcher fetcher(KeyPair keys) throws IOException {
    ServiceAccountKey key =
        ServiceAccountKey.load(ServiceAccounts.write(dir, keys, endpoint.uri(), "sa-project"));
    return new ServiceAccountTokenFetcher(key, key.tokenUri(), http, Duration.ofSeconds(5), clock);
  }

  @Test
  void aSignedAssertionIsExchangedForAnAccessToken() throws IOException {
    AccessToken token = fetcher(KEYS).fetch().join();
    assertThat(token.value()).isEqualTo("sa-token-1");
    assertThat(token.lifetimeNanos()).isEqualTo(Duration.ofHours(1).toNanos());
    assertThat(endpoint.server.handlerErrors()).isEmpty();
    Map<String, Object> claims = endpoint.claims().get(0);
    long now = clock.epochNanos() / 1_000_000_000L;
    assertThat(claims)
        .containsEntry("iss", ServiceAccounts.EMAIL)
        .containsEntry("scope", "https://www.googleapis.com/auth/logging.write")
        .containsEntry("aud", endpoint.uri().toString())
        .containsEntry("iat", now)
        .containsEntry("exp", now + 3600);
  }

  @Test
  void theFakeEndpointRefusesAnAssertionSignedWithAnotherKey() throws IOException {
    ServiceAccountTokenFetcher wrong = fetcher(ServiceAccounts.keyPair());
    assertThatThrownBy(() -> wrong.fetch().join())
        .isInstanceOf(CompletionException.class)
        .hasMessageContaining("HTTP 500");
    assertThat(endpoint.server.handlerErrors())
        .singleElement()
        .satisfies(e -> assertThat(e).hasMessageContaining("signature does not verify"));
  }

  @Test
  void anErrorAnswerFailsTheFetchWithItsReason() throws IOException {
    endpoint.server.enqueue(
        io.github.logchute.core.http.FakeHttpServer.Response.json(
            400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}"));
    assertThatThrownBy(() -> fetcher(KEYS).fetch().join())
        .hasMessageContaining("HTTP 400")
        .hasMessageContaining("invalid_grant");
  }

  @Test
  void aKeyFileIsReadWithItsProjectAndNeverShowsTheKey() throws IOException {
    Path file = ServiceAccounts.write(dir, KEYS, endpoint.uri(), "sa-project");
    ServiceAccountKey key = ServiceAccountKey.load(file);
    assertThat(key.clientEmail()).isEqualTo(ServiceAccounts.EMAIL);
    assertThat(key.projectId()).isEqualTo("sa-project");
    assertThat(key.privateKey().getEncoded()).isEqualTo(KEYS.getPrivate().getEncoded());
    String pemBody = ServiceAccounts.pem(KEYS).split("\n")[1];
    assertThat(key.toString()).doesNotContain(pemBody).doesNotContain("0123456789abcdef");
  }

  @Test
  void badKeyFilesAreClearErrors() throws IOException {
    Path noEmail = dir.resolve("no-email.json");
    Files.writeString(noEmail, "{\"type\":\"service_account\",\"private_key\":\"x\"}");
    assertThatThrownBy(() -> ServiceAccountKey.load(noEmail)).hasMessageContaining("client_email");
    Path badPem = dir.resolve("bad-pem.json");
    Files.writeString(
        badPem, "{\"client_email\":\"a@b\",\"private_key\":\"-----BEGIN RSA PRIVATE KEY-----\"}");
    assertThatThrownBy(() -> ServiceAccountKey.load(badPem)).hasMessageContaining("PKCS#8");
    Path user = dir.resolve("user.json");
    Files.writeString(user, "{\"type\":\"authorized_user\"}");
    assertThatThrownBy(() -> ServiceAccountKey.load(user)).hasMessageContaining("authorized_user");
    assertThatThrownBy(() -> ServiceAccountKey.load(dir.resolve("missing.json")))
        .hasMessageContaining("missing.json");
  }
}
