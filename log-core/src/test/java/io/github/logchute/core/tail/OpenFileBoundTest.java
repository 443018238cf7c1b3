package io.github.logchute.core.tail;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.LogRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** More files than maxOpenFiles: idle ones are closed and reopened by identity, nothing lost. */
class OpenFileBoundTest {

  @TempDir Path root;
  @TempDir Path data;

  private static Map<String, List<String>> byPod(TailHarness h) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (LogRecord r : h.sink.records()) {
      String pod = r.source().container().orElseThrow().pod();
      out.computeIfAbsent(pod, k -> new ArrayList<>()).add(r.messageText());
    }
    return out;
  }

  private static List<String> expected(String pod, int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(pod + " line " + i);
    }
    return out;
  }

  private static String dump(TailHarness h) {
    StringBuilder sb = new StringBuilder();
    h.metrics.writePrometheus(sb);
    return sb.toString();
  }

  @Test
  void idleFilesAreClosedAndReopenedWhenTheyGrow() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    List<KubeletLogs.Container> cs = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      cs.add(logs.container("ns", "pod" + i, "app"));
    }
    try (TailHarness h = new TailHarness(data, logs.glob(), b -> b.maxOpenFiles(2))) {
      for (int i = 0; i < 8; i++) {
        for (int n = 0; n < 50; n++) {
          cs.get(i).cri("stdout", "pod" + i + " line " + n);
        }
      }
      h.awaitMessages(400);
      h.until("at most 2 files open", () -> h.metrics.value("logchute_files_open"), v -> v <= 2);
      assertThat(h.metric("logchute_files_parked_total")).isGreaterThanOrEqualTo(6);

      for (int i = 0; i < 8; i++) {
        for (int n = 50; n < 70; n++) {
          cs.get(i).cri("stdout", "pod" + i + " line " + n);
        }
      }
      h.awaitMessages(560);
      assertThat(h.metric("logchute_files_reopened_total")).isGreaterThanOrEqualTo(6);
      Map<String, List<String>> got = byPod(h);
      for (int i = 0; i < 8; i++) {
        assertThat(got.get("pod" + i))
            .as("pod%d in order, once", i)
            .isEqualTo(expected("pod" + i, 0, 70));
      }
      h.until("idle files parked again", () -> h.metrics.value("logchute_files_open"), v -> v <= 2);
    } finally {
      for (KubeletLogs.Container c : cs) {
        c.close();
      }
    }
  }

  @Test
  void aFileRotatedAndCompressedWhileClosedIsStillDrained() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    List<KubeletLogs.Container> cs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      cs.add(logs.container("ns", "pod" + i, "app"));
    }
    try (TailHarness h =
        new TailHarness(
            data, logs.glob(), b -> b.maxOpenFiles(1).refreshInterval(Duration.ofMillis(300)))) {
      for (int i = 0; i < 3; i++) {
        cs.get(i).cri("stdout", "pod" + i + " line 0");
      }
      h.awaitMessages(3);
      h.until("two files parked", () -> h.metrics.value("logchute_files_open"), v -> v <= 1);
      // write, rotate, write, rotate again (the first rotated file is gzipped), write — faster
      // than the watcher looks, so the parked files are found renamed or compressed
      for (int i = 0; i < 3; i++) {
        KubeletLogs.Container c = cs.get(i);
        for (int n = 1; n < 10; n++) {
          c.cri("stdout", "pod" + i + " line " + n);
        }
        c.rotate(5, List.of());
        for (int n = 10; n < 20; n++) {
          c.cri("stdout", "pod" + i + " line " + n);
        }
        c.rotate(5, List.of());
        for (int n = 20; n < 30; n++) {
          c.cri("stdout", "pod" + i + " line " + n);
        }
      }
      try {
        h.awaitMessages(90);
      } catch (AssertionError e) {
        throw new AssertionError(byPod(h) + " metrics " + dump(h), e);
      }
      Map<String, List<String>> got = byPod(h);
      for (int i = 0; i < 3; i++) {
        // each line once; in order within each file (a file resumed from its .gz may come later)
        List<String> lines = got.get("pod" + i);
        assertThat(lines)
            .as("pod%d, each line once", i)
            .containsExactlyInAnyOrderElementsOf(expected("pod" + i, 0, 30));
        for (int[] range : new int[][] {{0, 10}, {10, 20}, {20, 30}}) {
          List<String> file = expected("pod" + i, range[0], range[1]);
          assertThat(lines.stream().filter(file::contains).toList())
              .as("pod%d, lines %d-%d in order", i, range[0], range[1] - 1)
              .isEqualTo(file);
        }
      }
      assertThat(h.metric("logchute_files_lost_total")).isZero();
    } finally {
      for (KubeletLogs.Container c : cs) {
        c.close();
      }
    }
  }

  @Test
  void aClosedFileDeletedAfterItWasReadIsReleasedWithoutCountingALoss() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container a = logs.container("ns", "a", "app");
    KubeletLogs.Container b = logs.container("ns", "b", "app");
    try (TailHarness h = new TailHarness(data, logs.glob(), t -> t.maxOpenFiles(1))) {
      a.cri("stdout", "a line 0");
      b.cri("stdout", "b line 0");
      h.awaitMessages(2);
      h.until("one file parked", () -> h.metric("logchute_files_parked_total"), v -> v >= 1);
      a.close();
      b.close();
      for (KubeletLogs.Container c : List.of(a, b)) {
        Files.delete(c.live());
        Files.delete(c.link());
      }
      h.until("both files let go", () -> h.metrics.value("logchute_files_tracked"), v -> v == 0);
      assertThat(h.metric("logchute_files_lost_total")).isZero();
      assertThat(h.messages()).containsExactlyInAnyOrder("a line 0", "b line 0");
    }
  }
}
