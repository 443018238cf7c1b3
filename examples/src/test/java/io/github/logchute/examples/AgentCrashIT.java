package io.github.logchute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.logchute.core.Await;
import io.github.logchute.core.tail.KubeletLogs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent, a real child JVM sending to a slow sink, is killed with SIGKILL in mid-stream and
 * started again: every line arrives at least once, and every duplicate is a line that was delivered
 * after the last checkpoint the first process saved — nothing before it is sent twice.
 */
class AgentCrashIT {

  private static final int FILES = 3;
  private static final int LINES = 10_000;

  @TempDir Path work;

  @Test
  void sigkillMidStreamLosesNothingAndDuplicatesOnlyWhatWasInFlight() throws Exception {
    KubeletLogs logs = new KubeletLogs(work.resolve("node"));
    List<KubeletLogs.Container> containers = new ArrayList<>();
    for (int i = 0; i < FILES; i++) {
      KubeletLogs.Container c = logs.container("crash", "pod-" + i, "app");
      for (int seq = 0; seq < LINES; seq++) {
        c.cri("stdout", "pod-" + i + " seq=" + seq);
      }
      containers.add(c);
    }
    Path out = work.resolve("delivered.txt");
    Path data = work.resolve("data");
    List<String> args =
        List.of(
            "--paths", logs.glob(),
            "--data-dir", data.toString(),
            "--start-at", "beginning",
            "--sinks", "slowfile",
            "--checkpoint-interval", "100ms");
    Map<String, String> env =
        Map.of(
            "LOGCHUTE_SINKS_SLOWFILE_PATH", out.toString(),
            "LOGCHUTE_SINKS_SLOWFILE_DELAY", "10ms",
            "LOGCHUTE_SINKS_SLOWFILE_MAX_BATCH_RECORDS", "100");

    int deliveredBeforeKill;
    try (AgentProcess first = new AgentProcess(work, "first", args, env)) {
      Await.until(
          "a third of the lines delivered and a checkpoint saved",
          Duration.ofSeconds(60),
          () -> count(out) >= FILES * LINES / 3 && Files.exists(data.resolve("checkpoints.json")));
      first.kill();
      deliveredBeforeKill = count(out);
      assertThat(deliveredBeforeKill).as("killed in mid-stream").isLessThan(FILES * LINES);
      assertThat(first.stderrText()).doesNotContain("Exception");
    }
    Map<String, Long> checkpointAtKill = checkpointOffsets(data.resolve("checkpoints.json"));
    assertThat(checkpointAtKill).hasSize(FILES);

    try (AgentProcess second = new AgentProcess(work, "second", args, env)) {
      Await.until(
          "every line delivered after the restart",
          Duration.ofSeconds(120),
          () -> distinct(out),
          n -> n == FILES * LINES);
      assertThat(second.terminate(Duration.ofSeconds(30))).isIn(0, 143);
    }

    List<String> delivered = Files.readAllLines(out, StandardCharsets.UTF_8);
    List<String> firstRun = delivered.subList(0, deliveredBeforeKill);
    Map<String, Integer> times = new HashMap<>();
    for (String line : delivered) {
      times.merge(line, 1, Integer::sum);
    }
    int duplicates = delivered.size() - times.size();
    long firstRunAfterCheckpoint = 0;
    for (String line : firstRun) {
      if (startOffset(containers, checkpointAtKill, line)
          >= checkpointOffset(containers, checkpointAtKill, line)) {
        firstRunAfterCheckpoint++;
      }
    }
    for (Map.Entry<String, Integer> e : times.entrySet()) {
      assertThat(e.getValue())
          .as("%s delivered more than twice", e.getKey())
          .isLessThanOrEqualTo(2);
      if (e.getValue() == 2) {
        assertThat(startOffset(containers, checkpointAtKill, e.getKey()))
            .as("duplicate %s lies after the checkpoint", e.getKey())
            .isGreaterThanOrEqualTo(checkpointOffset(containers, checkpointAtKill, e.getKey()));
      }
    }
    assertThat((long) duplicates).isLessThanOrEqualTo(firstRunAfterCheckpoint);
    System.out.printf(
        "crash test: %d delivered before SIGKILL, %d of them after the saved checkpoint,"
            + " %d duplicates after restart%n",
        deliveredBeforeKill, firstRunAfterCheckpoint, duplicates);
  }

  private static int count(Path out) {
    try {
      return Files.exists(out) ? Files.readAllLines(out).size() : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  private static int distinct(Path out) {
    try {
      return Files.exists(out) ? (int) Files.readAllLines(out).stream().distinct().count() : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Offset of the line holding {@code message} in its container's file. */
  private static long startOffset(
      List<KubeletLogs.Container> containers, Map<String, Long> cp, String message) {
    int pod = Integer.parseInt(message.substring(4, message.indexOf(' ')));
    int seq = Integer.parseInt(message.substring(message.indexOf("seq=") + 4));
    return OFFSETS.computeIfAbsent(pod, p -> lineOffsets(containers.get(p).live()))[seq];
  }

  private static final Map<Integer, long[]> OFFSETS = new HashMap<>();

  private static long[] lineOffsets(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      long[] out = new long[lines.size()];
      long offset = 0;
      for (int i = 0; i < lines.size(); i++) {
        out[i] = offset;
        offset += lines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static long checkpointOffset(
      List<KubeletLogs.Container> containers, Map<String, Long> cp, String message) {
    int pod = Integer.parseInt(message.substring(4, message.indexOf(' ')));
    return cp.get(containers.get(pod).link().toString());
  }

  private static Map<String, Long> checkpointOffsets(Path file) throws IOException {
    Map<String, Long> out = new HashMap<>();
    try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
      String path = null;
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.FIELD_NAME && p.currentName().equals("path")) {
          p.nextToken();
          path = p.getText();
        } else if (t == JsonToken.FIELD_NAME && p.currentName().equals("offset")) {
          p.nextToken();
          out.put(path, p.getLongValue());
        }
      }
    }
    return out;
  }
}
