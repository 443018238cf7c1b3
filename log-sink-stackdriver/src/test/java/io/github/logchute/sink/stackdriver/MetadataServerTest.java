package io.github.logchute.sink.stackdriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.logchute.core.FakeClock;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sink's own metadata-server client against the fake (which insists on the flavor header). */
class MetadataServerTest {

  private final FakeClock clock = new FakeClock();
  private final FakeMetadataServer fake = new FakeMetadataServer(null, "md-project");
  private final HttpClient http = HttpClient.newHttpClient();
  private final MetadataServer client =
      new MetadataServer(fake.baseUri(), http, Duration.ofSeconds(5), clock);

  @AfterEach
  void close() {
    assertThat(fake.server.handlerErrors()).isEmpty();
    fake.close();
  }

  @Test
  void tokenAndProjectAreFetchedWithTheFlavorHeader() {
    fake.expiresIn(1800);
    AccessToken token = client.fetch().join();
    assertThat(token.value()).isEqualTo("md-token-1");
    assertThat(token.expiresAtNanos() - clock.nanoTime())
        .isEqualTo(Duration.ofMinutes(30).toNanos());
    assertThat(client.projectId().join()).isEqualTo("md-project");
    assertThat(fake.server.requests())
        .allSatisfy(r -> assertThat(r.header("Metadata-Flavor")).isEqualTo("Google"));
    assertThat(fake.refusedRequests()).isZero();
  }

  @Test
  void theFakeRefusesRequestsWithoutTheHeader() throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(fake.server.uri(MetadataServer.TOKEN_PATH)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(fake.refusedRequests()).isEqualTo(1);
  }

  @Test
  void aMissingProjectIsAnError() {
    try (FakeMetadataServer none = new FakeMetadataServer(null, null)) {
      MetadataServer c = new MetadataServer(none.baseUri(), http, Duration.ofSeconds(5), clock);
      assertThatThrownBy(() -> c.projectId().join()).hasMessageContaining("HTTP 404");
    }
  }
}
