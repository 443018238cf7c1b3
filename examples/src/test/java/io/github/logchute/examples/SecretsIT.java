package io.github.logchute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Await;
import io.github.logchute.core.Clock;
import io.github.logchute.core.http.FakeHttpServer;
import io.github.logchute.sink.datadog.FakeDatadogIntake;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets planted in every place an operator may put one — the API key, a password and a key in the
 * intake URL — never leave the agent: not on stdout, stderr, {@code /metrics}, nor in {@code
 * --check-config}, also while the intake refuses the key and errors are logged.
 */
class SecretsIT {

  private static final String PLANTED_KEY = "0123456789abcdef0123456789abcdef";
  private static final String URL_PASSWORD = "pa55-in-the-url";
  private static final String URL_KEY = "k3y-in-the-query";

  @TempDir Path work;

  @Test
  void plantedSecretsAppearInNoOutputChannel() throws Exception {
    FakeDatadogIntake intake = new FakeDatadogIntake("another-key", true, Clock.system());
    try (FakeHttpServer datadog = FakeHttpServer.start(intake)) {
      URI base = datadog.uri("/api/v2/logs");
      String url =
          "http://ops:"
              + URL_PASSWORD
              + "@127.0.0.1:"
              + base.getPort()
              + "/api/v2/logs?dd-api-key="
              + URL_KEY;
      Map<String, String> env =
          Map.of(
              "DD_API_KEY", PLANTED_KEY,
              "LOGCHUTE_DATADOG_URL", url,
              "LOGCHUTE_METADATA_CLOUD", "none");
      List<String> args =
          List.of(
              "--paths",
              Path.of("sample-logs", "containers").toAbsolutePath() + "/*.log",
              "--start-at",
              "beginning",
              "--data-dir",
              work.resolve("data").toString(),
              "--sinks",
              "datadog",
              "--shutdown-timeout",
              "2s"); // the intake refuses everything: no flush to wait for
      StringBuilder everything = new StringBuilder();
      try (AgentProcess check =
          new AgentProcess(work, "check", append(args, "--check-config"), env)) {
        assertThat(check.waitFor(Duration.ofSeconds(30))).isZero();
        everything.append(String.join("\n", check.stdoutLines())).append(check.stderrText());
        assertThat(String.join("\n", check.stdoutLines())).contains("dd-api-key=****");
      }
      try (AgentProcess agent = new AgentProcess(work, "agent", args, env)) {
        int port = agent.statusPort(Duration.ofSeconds(30));
        Await.until(
            "the sink's failures logged",
            Duration.ofSeconds(60),
            () -> {
              try {
                return agent.stderrText().contains("sink datadog:");
              } catch (java.io.IOException e) {
                return false;
              }
            });
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/metrics", "/healthz", "/readyz")) {
          everything.append(
              http.send(
                      HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .body());
        }
        agent.terminate(Duration.ofSeconds(30));
        everything.append(String.join("\n", agent.stdoutLines())).append(agent.stderrText());
      }
      String out = everything.toString();
      assertThat(out).contains("sink datadog:"); // the channels were read
      assertThat(out)
          .doesNotContain(PLANTED_KEY)
          .doesNotContain(URL_PASSWORD)
          .doesNotContain(URL_KEY);
    }
  }

  private static List<String> append(List<String> list, String more) {
    List<String> out = new java.util.ArrayList<>(list);
    out.add(more);
    return out;
  }
}
