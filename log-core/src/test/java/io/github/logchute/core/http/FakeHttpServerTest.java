package io.github.logchute.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FakeHttpServerTest {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private HttpResponse<String> post(FakeHttpServer server, String body, Duration timeout)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(server.uri("/in?x=1"))
            .timeout(timeout)
            .header("X-Key", "k")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void recordsRequestsAndAnswersScriptedFaultsBeforeTheHandler() throws Exception {
    try (FakeHttpServer server =
        FakeHttpServer.start(r -> FakeHttpServer.Response.text(202, "ok " + r.bodyText()))) {
      server.enqueue(FakeHttpServer.Response.status(429).withHeader("Retry-After", "3"));
      HttpResponse<String> first = post(server, "a", Duration.ofSeconds(5));
      HttpResponse<String> second = post(server, "b", Duration.ofSeconds(5));
      assertThat(first.statusCode()).isEqualTo(429);
      assertThat(first.headers().firstValue("retry-after")).hasValue("3");
      assertThat(second.statusCode()).isEqualTo(202);
      assertThat(second.body()).isEqualTo("ok b");
      assertThat(server.requests())
          .extracting(FakeHttpServer.Request::bodyText)
          .containsExactly("a", "b");
      FakeHttpServer.Request r = server.requests().get(0);
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.path()).isEqualTo("/in");
      assertThat(r.uri().getQuery()).isEqualTo("x=1");
      assertThat(r.header("x-KEY")).isEqualTo("k");
    }
  }

  @Test
  void aResetIsAnIoErrorForTheClient() {
    try (FakeHttpServer server = FakeHttpServer.start(r -> FakeHttpServer.Response.status(200))) {
      server.enqueue(FakeHttpServer.Response.reset());
      assertThatThrownBy(() -> post(server, "x", Duration.ofSeconds(5)))
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void aSlowAnswerMakesTheClientTimeOut() {
    try (FakeHttpServer server = FakeHttpServer.start(r -> FakeHttpServer.Response.status(200))) {
      server.enqueue(FakeHttpServer.Response.status(200).delayed(Duration.ofSeconds(30)));
      assertThatThrownBy(() -> post(server, "x", Duration.ofMillis(300)))
          .isInstanceOf(java.net.http.HttpTimeoutException.class);
    }
  }

  @Test
  void aFailingHandlerAnswers500AndIsRecorded() throws Exception {
    try (FakeHttpServer server =
        FakeHttpServer.start(
            r -> {
              throw new AssertionError("body must be JSON");
            })) {
      assertThat(post(server, "x", Duration.ofSeconds(5)).statusCode()).isEqualTo(500);
      assertThat(server.handlerErrors())
          .singleElement()
          .hasToString("java.lang.AssertionError: body must be JSON");
    }
  }
}
