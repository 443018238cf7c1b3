package io.github.logchute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.logchute.core.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's run command, as a child JVM: the shipped samples into the console sink. */
class AgentSamplesIT {

  private static final Path SAMPLES = Path.of("sample-logs", "containers");

  @TempDir Path work;

  @Test
  void lineRulesAndRedactionFromTheConfigurationActBeforeTheSinks() throws Exception {
    java.nio.file.Path extra = java.nio.file.Files.createDirectories(work.resolve("extra"));
    java.nio.file.Files.writeString(
        extra.resolve("pay.log"),
        "2026-11-25T10:15:40.000000000Z stdout F paid 4111 1111 1111 1111 for jane@example.com\n");
    List<String> args =
        List.of(
            "--paths",
            SAMPLES.toAbsolutePath() + "/*.log," + extra + "/*.log",
            "--start-at",
            "beginning",
            "--data-dir",
            work.resolve("data").toString());
    String rules =
        "[{\"type\":\"exclude_at_match\",\"name\":\"no_workers\",\"pattern\":\"^worker \"},"
            + "{\"type\":\"mask_sequences\",\"name\":\"ips\","
            + "\"pattern\":\"\\\\d+\\\\.\\\\d+\\\\.\\\\d+\\\\.\\\\d+\",\"replace_placeholder\":\"[ip]\"}]";
    try (AgentProcess agent =
        new AgentProcess(
            work,
            "agent",
            args,
            Map.of("LOGCHUTE_PROCESSING_RULES", rules, "LOGCHUTE_PROCESSING_REDACT", "all"))) {
      int port = agent.statusPort(Duration.ofSeconds(30));
      Await.until(
          "every sample through the processing stage",
          Duration.ofSeconds(30),
          () -> {
            try {
              return metric(port, "logchute_processing_records_total") >= 19;
            } catch (Exception e) {
              return false;
            }
          });
      assertThat(agent.terminate(Duration.ofSeconds(30))).isZero();
      List<Map<String, String>> records = new ArrayList<>();
      for (String line : agent.stdoutLines()) {
        records.add(parse(line));
      }
      assertThat(records).isNotEmpty().hasSizeLessThan(19);
      assertThat(records).noneMatch(r -> r.get("message").startsWith("worker "));
      assertThat(records).anyMatch(r -> r.get("message").startsWith("[ip] "));
      // the card number (Luhn-valid) and the address are redacted, the line kept
      assertThat(records)
          .filteredOn(r -> r.get("message").startsWith("paid "))
          .singleElement()
          .satisfies(
              r ->
                  assertThat(r.get("message"))
                      .isEqualTo("paid [REDACTED:card] for [REDACTED:email]"));
      assertThat(records)
          .noneMatch(r -> r.get("message").matches("(?s).*\\d+\\.\\d+\\.\\d+\\.\\d+.*"));
    }
  }

  private static double metric(int port, String name) throws Exception {
    String text =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())
            .body();
    double sum = 0;
    for (String l : text.split("\n")) {
      if (l.startsWith(name + "{") || l.startsWith(name + " ")) {
        sum += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  @Test
  void withLogFormatJsonEveryLineOfTheAgentsOwnLogIsAJsonObject() throws Exception {
    List<String> args =
        List.of(
            "--paths",
            SAMPLES.toAbsolutePath() + "/*.log",
            "--start-at",
            "beginning",
            "--data-dir",
            work.resolve("data").toString(),
            "--log-format",
            "json");
    try (AgentProcess agent = new AgentProcess(work, "agent", args, Map.of())) {
      Await.until("18 records on stdout", Duration.ofSeconds(30), () -> lines(agent), n -> n >= 18);
      assertThat(agent.terminate(Duration.ofSeconds(30))).isZero();
      List<String> log = agent.stderrText().lines().toList();
      assertThat(log).hasSizeGreaterThanOrEqualTo(2); // the start line and the last one at least
      com.fasterxml.jackson.databind.ObjectMapper json =
          new com.fasterxml.jackson.databind.ObjectMapper();
      for (String line : log) {
        com.fasterxml.jackson.databind.JsonNode n = json.readTree(line);
        assertThat(n.path("time").asText()).matches("\\d{4}-.*T.*\\.\\d{3}Z");
        assertThat(n.path("level").asText()).isNotEmpty();
        assertThat(n.path("logger").asText()).startsWith("io.github.logchute");
        assertThat(n.path("message").asText()).isNotEmpty();
      }
      assertThat(log.get(log.size() - 1)).contains("everything read was delivered");
    }
  }

  @Test
  void printsOneJsonObjectPerRecordAndCheckpointsEverythingOnSigterm() throws Exception {
    List<String> args =
        List.of(
            "--paths",
            SAMPLES.toAbsolutePath() + "/*.log",
            "--start-at",
            "beginning",
            "--data-dir",
            work.resolve("data").toString());
    try (AgentProcess agent = new AgentProcess(work, "agent", args, Map.of())) {
      Await.until("18 records on stdout", Duration.ofSeconds(30), () -> lines(agent), n -> n >= 18);
      List<Map<String, String>> records = new ArrayList<>();
      for (String line : agent.stdoutLines()) {
        records.add(parse(line));
      }
      assertThat(records).hasSize(18);
      assertThat(records)
          .allSatisfy(r -> assertThat(r).containsKeys("time", "stream", "message", "path"));
      // the CRI line split in P pieces around a stderr line comes out whole
      assertThat(records)
          .filteredOn(
              r -> r.get("message").startsWith("{\"level\":\"info\",\"msg\":\"cart snapshot\""))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r.get("message")).endsWith("]}").contains("SKU-0039");
                assertThat(r).containsEntry("merged", "true").containsEntry("stream", "stdout");
              });
      // the Docker line split by its 16 KiB buffer comes out whole
      assertThat(records)
          .filteredOn(r -> r.get("message").startsWith("10.2.0.21"))
          .singleElement()
          .satisfies(r -> assertThat(r.get("message")).endsWith("\"Mozilla/5.0\""));
      // CRI-O's numeric offset is converted to UTC
      assertThat(records)
          .filteredOn(r -> r.get("message").startsWith("worker 0 ready"))
          .singleElement()
          .satisfies(r -> assertThat(r.get("time")).isEqualTo("2026-11-25T10:15:40.1Z"));
      assertThat(records)
          .filteredOn(r -> r.get("message").contains("Payment declined"))
          .singleElement()
          .satisfies(
              r -> {
                assertThat(r).containsEntry("stream", "stderr");
                assertThat(r).containsEntry("container.namespace", "shop");
                assertThat(r).containsEntry("container.pod", "checkout-7d4b9c6f5-x2x5z");
              });
      assertThat(agent.stderrText())
          .contains("logchute agent reading")
          .doesNotContain("\"message\"");

      agent.terminate(Duration.ofSeconds(30));
      String checkpoints = Files.readString(work.resolve("data").resolve("checkpoints.json"));
      try (Stream<Path> files = Files.list(SAMPLES)) {
        for (Path f : files.toList()) {
          assertThat(checkpoints)
              .as("checkpoint of %s at its end", f.getFileName())
              .contains("\"offset\":" + Files.size(f) + ",");
        }
      }
    }
  }

  private static int lines(AgentProcess agent) {
    try {
      return agent.stdoutLines().size();
    } catch (IOException e) {
      return 0;
    }
  }

  /** A JSON line flattened to dotted keys, scalar values as text. */
  static Map<String, String> parse(String line) throws IOException {
    Map<String, String> out = new HashMap<>();
    try (JsonParser p = new JsonFactory().createParser(line)) {
      List<String> path = new ArrayList<>();
      String field = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME) {
          field = p.currentName();
        } else if (t == JsonToken.START_OBJECT) {
          if (field != null) {
            path.add(field);
          }
        } else if (t == JsonToken.END_OBJECT) {
          if (!path.isEmpty()) {
            path.remove(path.size() - 1);
          }
        } else if (t.isScalarValue() && field != null) {
          String prefix = path.isEmpty() ? "" : String.join(".", path) + ".";
          out.put(prefix + field, p.getText());
        }
      }
    }
    return out;
  }
}
