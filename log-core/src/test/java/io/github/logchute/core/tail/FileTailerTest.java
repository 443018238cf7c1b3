package io.github.logchute.core.tail;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.checkpoint.CheckpointStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTailerTest {

  @TempDir Path root;

  private Path data() {
    return root.resolve("data");
  }

  @Test
  void readsExistingAndNewFilesWithTheirContainer() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container a = logs.container("prod", "web-1", "app");
    a.cri("stdout", "before start");
    try (TailHarness h = new TailHarness(data(), logs.glob(), b -> b)) {
      h.awaitMessages(1);
      KubeletLogs.Container b = logs.container("prod", "web-2", "app");
      b.cri("stderr", "new pod");
      a.cri("stdout", "after start");
      h.awaitMessages(3);
      assertThat(h.messages()).containsExactlyInAnyOrder("before start", "after start", "new pod");
      LogRecord fromB =
          h.sink.records().stream()
              .filter(r -> r.messageText().equals("new pod"))
              .findFirst()
              .orElseThrow();
      assertThat(fromB.source().container().orElseThrow().pod()).isEqualTo("web-2");
      assertThat(fromB.stream().wireName()).isEqualTo("stderr");
    }
  }

  @Test
  void atTheVeryFirstStartExistingFilesBeginAtTheirEndButNewFilesAtTheirBeginning()
      throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container a = logs.container("prod", "web-1", "app");
    a.cri("stdout", "old 1");
    a.cri("stdout", "old 2");
    try (TailHarness h = new TailHarness(data(), logs.glob(), b -> b.startAt(StartAt.END))) {
      h.until("file opened", () -> h.metric("logchute_files_opened_total") == 1);
      KubeletLogs.Container b = logs.container("prod", "web-2", "app");
      b.cri("stdout", "b 1");
      a.cri("stdout", "new a");
      h.awaitMessages(2);
      assertThat(h.messages()).containsExactlyInAnyOrder("new a", "b 1");
    }
  }

  @Test
  void restartResumesAtTheCheckpointWithoutLossOrDuplicates() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container a = logs.container("prod", "web-1", "app");
    for (int i = 0; i < 100; i++) {
      a.cri("stdout", "first " + i);
    }
    try (TailHarness h = new TailHarness(data(), logs.glob(), b -> b)) {
      h.awaitMessages(100);
    }
    assertThat(Files.readString(data().resolve(CheckpointStore.FILE_NAME))).contains("\"offset\"");
    for (int i = 0; i < 50; i++) {
      a.cri("stdout", "second " + i);
    }
    // startAt END must not override the stored checkpoint
    try (TailHarness h = new TailHarness(data(), logs.glob(), b -> b.startAt(StartAt.END))) {
      h.awaitMessages(50);
      a.cri("stdout", "marker");
      h.awaitMessages(51);
      assertThat(h.messages())
          .containsExactlyElementsOf(
              IntStream.range(0, 51).mapToObj(i -> i < 50 ? "second " + i : "marker").toList());
      assertThat(h.metric("logchute_checkpoints_resumed_total")).isEqualTo(1);
    }
  }

  @Test
  void renameAndCreateRotationDrainsTheOldFileEvenMidLine() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container a = logs.container("prod", "web-1", "app");
    try (TailHarness h = new TailHarness(data(), logs.glob(), b -> b)) {
      a.cri("stdout", "one");
      h.awaitMessages(1);
      // half a line, then the rename; the runtime finishes the line in the renamed file
      a.write("2026-11-25T10:00:00Z stdout F tw");
      a.rotate(5, List.of());
      // (rotate() reopened the live file; finish the line in the old one through its path)
      Path renamed = a.live().resolveSibling("0.log.00000000");
      Files.write(
          renamed, "o\n".getBytes(StandardCharsets.UTF_8), java.nio.file.StandardOpenOption.APPEND);
      a.cri("stdout", "three");
      h.awaitMessages(3);
      assertThat(h.messages()).containsExactly("one", "two", "three");
      h.until("rotated file released", () -> h.metric("logchute_files_released_total") == 1);
      assertThat(h.metric("logchute_rotations_total")).isEqualTo(1);
    }
  }

  @Test
  void truncationIsDetectedAndWhatFollowsIsRead() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container a = logs.container("prod", "web-1", "app");
    try (TailHarness h = new TailHarness(data(), logs.glob(), b -> b)) {
      for (int i = 0; i < 20; i++) {
        a.cri("stdout", "before truncation " + i);
      }
      h.awaitMessages(20);
      a.truncate();
      a.cri("stdout", "after");
      h.awaitMessages(21);
      assertThat(h.messages()).last().isEqualTo("after");
      assertThat(h.metric("logchute_truncations_total")).isEqualTo(1);
    }
  }

  @Test
  void aFileDeletedWhileOpenIsDrainedThenReleased() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container a = logs.container("prod", "web-1", "app");
    a.cri("stdout", "first");
    try (TailHarness h = new TailHarness(data(), logs.glob(), b -> b)) {
      h.awaitMessages(1);
      for (int i = 0; i < 1000; i++) {
        a.cri("stdout", "late " + i);
      }
      Files.delete(a.live());
      Files.delete(a.link());
      h.awaitMessages(1001);
      h.until("released", () -> h.metric("logchute_files_released_total") == 1);
      h.until("no file tracked", () -> h.metrics.value("logchute_files_tracked") == 0);
    }
  }

  @Test
  void aCorruptCheckpointFileIsSetAsideAndStartAtApplies() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container a = logs.container("prod", "web-1", "app");
    a.cri("stdout", "old");
    Files.createDirectories(data());
    Files.writeString(data().resolve(CheckpointStore.FILE_NAME), "{\"version\":1,\"files\":[{\"pa");
    try (TailHarness h = new TailHarness(data(), logs.glob(), b -> b.startAt(StartAt.END))) {
      h.until("file opened", () -> h.metric("logchute_files_opened_total") == 1);
      a.cri("stdout", "new");
      h.awaitMessages(1);
      assertThat(h.messages()).containsExactly("new");
      assertThat(h.metric("logchute_checkpoint_load_errors_total")).isEqualTo(1);
      assertThat(data().resolve(CheckpointStore.FILE_NAME + ".corrupt")).exists();
    }
  }

  @Test
  void binaryGarbageAndEmptyFilesNeitherCrashNorStopOtherFiles() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container garbage = logs.container("prod", "junk", "app");
    logs.container("prod", "empty", "app");
    KubeletLogs.Container good = logs.container("prod", "good", "app");
    byte[] noise = new byte[200_000];
    new Random(1).nextBytes(noise);
    garbage.cri("stdout", "a valid first line makes the file CRI");
    garbage.write(noise);
    garbage.write("\n");
    good.cri("stdout", "still read");
    try (TailHarness h = new TailHarness(data(), logs.glob(), b -> b)) {
      h.until("the good file's line", () -> h.messages().contains("still read"));
      h.until("garbage kept as raw records", () -> h.metric("logchute_lines_unparsed_total") > 0);
      h.until(
          "every line of the garbage file delivered",
          () -> h.metric("logchute_lines_read_total"),
          n -> n == 2 + noiseLines(noise));
      assertThat(h.sink.records())
          .filteredOn(r -> r.source().container().orElseThrow().pod().equals("junk"))
          .filteredOn(r -> !r.messageText().startsWith("a valid first line"))
          .isNotEmpty()
          .allMatch(r -> r.hasFlag(LogRecord.UNPARSED))
          .allMatch(
              r -> r.messageText().getBytes(StandardCharsets.UTF_8).length == r.messageLength());
    }
  }

  private static long noiseLines(byte[] noise) {
    long n = 1; // the final newline closes the last line
    for (byte b : noise) {
      if (b == '\n') {
        n++;
      }
    }
    return n;
  }

  @Test
  void aTwentyMegabyteLineWithoutNewlineIsTruncatedAndTheFileGoesOn() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container a = logs.container("prod", "web-1", "app");
    try (TailHarness h = new TailHarness(data(), logs.glob(), b -> b)) {
      a.write("2026-11-25T10:00:00Z stdout F ");
      byte[] mb = new byte[1 << 20];
      java.util.Arrays.fill(mb, (byte) 'x');
      for (int i = 0; i < 20; i++) {
        a.write(mb);
      }
      h.awaitMessages(1);
      assertThat(h.sink.records().get(0).hasFlag(LogRecord.TRUNCATED)).isTrue();
      a.write("\n");
      a.cri("stdout", "next");
      h.awaitMessages(2);
      assertThat(h.messages()).last().isEqualTo("next");
      assertThat(h.metric("logchute_line_bytes_skipped_total")).isGreaterThan(19L << 20);
    }
  }
}
