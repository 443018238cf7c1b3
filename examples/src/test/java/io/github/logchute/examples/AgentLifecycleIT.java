package io.github.logchute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as a real child process with a config file and environment variables: health and
 * readiness, Prometheus metrics that move as data flows, and SIGTERM → flush → exit 0.
 */
class AgentLifecycleIT {

  @TempDir Path work;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Parses Prometheus text format 0.0.4 strictly; returns sample name{labels} → value. */
  static Map<String, Double> parsePrometheus(String text) {
    Map<String, Double> samples = new HashMap<>();
    Map<String, String> types = new HashMap<>();
    for (String line : text.split("\n", -1)) {
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        assertThat(line.substring(7)).as(line).matches("[a-zA-Z_:][a-zA-Z0-9_:]* .*");
        continue;
      }
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).split(" ");
        assertThat(parts).as(line).hasSize(2);
        assertThat(parts[1]).as(line).isIn("counter", "gauge", "histogram", "summary", "untyped");
        assertThat(types.put(parts[0], parts[1])).as("TYPE given twice: " + line).isNull();
        continue;
      }
      assertThat(line).as("a sample line").doesNotStartWith("#");
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      assertThat(series)
          .as(line)
          .matches(
              "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*\\})?");
      String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
      assertThat(types).as("sample %s has a TYPE line before it", name).containsKey(name);
      samples.put(series, Double.parseDouble(line.substring(space + 1)));
    }
    return samples;
  }

  @Test
  void servesHealthAndMetricsAndExitsZeroOnSigtermAfterFlushing() throws Exception {
    Path logs = Files.createDirectories(work.resolve("containers"));
    Path file = logs.resolve("web-1_shop_nginx-" + "ab".repeat(32) + ".log");
    Files.writeString(file, "2026-11-25T10:00:00.000000001Z stdout F first line\n");
    Path config = work.resolve("logchute.yaml");
    Files.writeString(
        config,
        "paths: [\""
            + logs
            + "/*.log\"]\nstartAt: beginning\nsinks:\n  console:\n    maxBatchRecords: 10\n");
    Map<String, String> env =
        Map.of(
            "LOGCHUTE_CONFIG", config.toString(),
            "LOGCHUTE_DATA_DIR", work.resolve("data").toString(),
            "LOGCHUTE_SHUTDOWN_TIMEOUT", "20s");
    try (AgentProcess agent = new AgentProcess(work, "agent", List.of(), env)) {
      int port = agent.statusPort(Duration.ofSeconds(30));
      Await.until(
          "the first record on stdout",
          Duration.ofSeconds(30),
          () -> {
            try {
              return agent.stdoutLines().size() == 1;
            } catch (IOException e) {
              return false;
            }
          });
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(port, "/readyz").statusCode()).isEqualTo(200);
      assertThat(get(port, "/nope").statusCode()).isEqualTo(404);

      HttpResponse<String> m = get(port, "/metrics");
      assertThat(m.statusCode()).isEqualTo(200);
      assertThat(m.headers().firstValue("content-type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
      Map<String, Double> before = parsePrometheus(m.body());
      assertThat(before).containsKeys("logchute_bytes_read_total", "logchute_files_tracked");
      double bytesBefore = before.get("logchute_bytes_read_total");

      String more = "2026-11-25T10:00:01.000000001Z stdout F second line\n";
      Files.writeString(file, more, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
      Await.until(
          "bytes read grows as data flows",
          Duration.ofSeconds(30),
          () -> {
            try {
              return parsePrometheus(get(port, "/metrics").body()).get("logchute_bytes_read_total")
                  >= bytesBefore + more.length();
            } catch (Exception e) {
              return false;
            }
          });

      int code = agent.terminate(Duration.ofSeconds(30));
      assertThat(code).as("exit code after SIGTERM").isZero();
      assertThat(agent.stdoutLines()).hasSize(2);
      assertThat(agent.stderrText()).contains("everything read was delivered");
      // one time format on every line of the agent's own log, the last one (printed directly by
      // the shutdown hook) included: UTC to the millisecond
      assertThat(agent.stderrText().lines().toList())
          .isNotEmpty()
          .allMatch(
              l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z [A-Z]+ .*"),
              "starts with the agent's time format");
      assertThat(Files.readString(work.resolve("data").resolve("checkpoints.json")))
          .contains("\"offset\":" + Files.size(file) + ",");
    }
  }
}
