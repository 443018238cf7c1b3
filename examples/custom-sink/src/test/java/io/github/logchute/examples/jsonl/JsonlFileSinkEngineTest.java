package io.github.logchute.examples.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.logchute.core.Await;
import io.github.logchute.core.EngineHarness;
import io.github.logchute.core.FakeClock;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink behind the real engine: a kubelet-style CRI file in, every line out, in order. */
class JsonlFileSinkEngineTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void everyLineOfAContainerLogEndsUpInTheFileOnce() throws Exception {
    Path containers = Files.createDirectories(dir.resolve("containers"));
    Path log =
        containers.resolve("web-0_shop_nginx-" + "ab".repeat(32) + ".log"); // 64-hex container id
    StringBuilder cri = new StringBuilder();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      String msg = "request " + i + " \"GET /\" ok";
      expected.add(msg);
      cri.append("2026-11-25T10:15:30.")
          .append(String.format("%09d", i))
          .append("Z stdout F ")
          .append(msg)
          .append('\n');
    }
    Files.writeString(log, cri.toString(), StandardCharsets.UTF_8);
    Path out = dir.resolve("out.jsonl");
    MetricsRegistry metrics = new MetricsRegistry();
    JsonlFileSink sink =
        new JsonlFileSink(
            JsonlFileConfig.builder()
                .path(out)
                .maxBatchRecords(64)
                .linger(Duration.ofMillis(20))
                .build(),
            metrics,
            new FakeClock());

    try (EngineHarness engine =
        new EngineHarness(
            dir.resolve("data"),
            containers + "/*.log",
            "jsonl-file",
            sink,
            metrics,
            UnaryOperator.identity())) {
      Await.until("all lines in " + out, Duration.ofSeconds(20), () -> lineCount(out) >= 500);
      // counted just after the write returns, on the sink's writer thread
      long size = Files.size(out);
      Await.until(
          "bytes written counted",
          Duration.ofSeconds(10),
          () -> engine.metric("logchute_jsonl_file_bytes_written_total"),
          n -> n == size);
    }

    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      lines.add(JSON.readTree(line));
    }
    assertThat(lines)
        .extracting(n -> n.get("message").asText())
        .containsExactlyElementsOf(expected);
    assertThat(lines)
        .allSatisfy(n -> assertThat(n.get("container").get("pod").asText()).isEqualTo("web-0"));
    assertThat(lines.get(7).get("time").asText()).isEqualTo("2026-11-25T10:15:30.000000007Z");
  }

  private static long lineCount(Path p) {
    try {
      return Files.exists(p) ? Files.readAllLines(p, StandardCharsets.UTF_8).size() : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
