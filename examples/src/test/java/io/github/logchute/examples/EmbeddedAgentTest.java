package io.github.logchute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.logchute.core.Await;
import io.github.logchute.core.Clock;
import io.github.logchute.core.http.FakeHttpServer;
import io.github.logchute.core.tail.KubeletLogs;
import io.github.logchute.sink.datadog.FakeDatadogIntake;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's embedding example, run as written against the fake Datadog intake. */
class EmbeddedAgentTest {

  private static final String API_KEY = "dd-api-key-0123456789abcdef";

  @TempDir Path work;

  @Test
  void theReadmeExampleShipsContainerLogsToDatadogAndStopsCleanly() throws Exception {
    KubeletLogs logs = new KubeletLogs(work.resolve("node"));
    FakeDatadogIntake intake = new FakeDatadogIntake(API_KEY, true, Clock.system());
    CountDownLatch stop = new CountDownLatch(1);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    try (FakeHttpServer datadog = FakeHttpServer.start(intake)) {
      Map<String, String> settings =
          Map.of(
              "apiKey", API_KEY, "url", datadog.uri("/api/v2/logs").toString(), "linger", "50ms");
      Thread app =
          new Thread(
              () -> {
                try {
                  EmbeddedAgent.run(logs.glob(), work.resolve("data"), settings, stop);
                } catch (Throwable t) {
                  failed.set(t);
                }
              },
              "embedding-application");
      app.start();
      // the first start reads files already there from their end (startAt's default); one found
      // later — a container started after the engine's first look — from its beginning
      Path saved = work.resolve("data").resolve("checkpoints.json");
      Await.until("the engine's first look", Duration.ofSeconds(60), () -> Files.exists(saved));
      try (KubeletLogs.Container c = logs.container("shop", "api-1", "app")) {
        c.cri("stdout", "{\"level\":\"warn\",\"msg\":\"slow checkout\"}");
        c.cri("stdout", "plain line");
        Await.until(
            "2 logs at Datadog", Duration.ofSeconds(60), () -> intake.accepted().size() == 2);
      }
      stop.countDown();
      app.join(Duration.ofSeconds(60).toMillis());
      assertThat(app.isAlive()).as("stopped").isFalse();
      assertThat(failed.get()).isNull();

      List<JsonNode> got = intake.accepted();
      assertThat(got)
          .extracting(n -> n.path("message").asText())
          .containsExactly("slow checkout", "plain line");
      assertThat(got.get(0).path("status").asText()).isEqualTo("warning");
      assertThat(intake.violations()).isEmpty();
    }
  }

  @Test
  void theReadmeQuotesTheExampleVerbatimInAtMostTenLines() throws Exception {
    String source =
        Files.readString(
            Path.of("src/main/java/io/github/logchute/examples/EmbeddedAgent.java"),
            StandardCharsets.UTF_8);
    String example =
        source.substring(
            source.indexOf("// README:begin\n") + "// README:begin\n".length(),
            source.indexOf("    // README:end"));
    List<String> lines = example.lines().map(l -> l.substring(Math.min(4, l.length()))).toList();
    assertThat(lines).hasSizeLessThanOrEqualTo(10);
    String readme = Files.readString(Path.of("../README.md"), StandardCharsets.UTF_8);
    assertThat(readme).contains(String.join("\n", lines));
  }
}
