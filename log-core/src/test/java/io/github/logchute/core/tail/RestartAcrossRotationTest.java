package io.github.logchute.core.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * logchute is down while the kubelet rotates a file twice: the file it was reading is renamed and
 * then gzipped, a second file is written and rotated, a third is live. At restart it resumes the
 * gzipped file from the saved offset, reads the file it never saw, and the live one: nothing lost,
 * nothing read twice.
 */
class RestartAcrossRotationTest {

  @TempDir Path root;

  @Test
  void resumesAGzippedRotatedFileAndReadsWhatWasRotatedMeanwhile() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container a = logs.container("prod", "web-1", "app");
    Path data = root.resolve("data");
    for (int i = 0; i < 100; i++) {
      a.cri("stdout", "seen " + i);
    }
    try (TailHarness h = new TailHarness(data, logs.glob(), b -> b)) {
      h.awaitMessages(100);
    }
    // logchute is down from here
    for (int i = 0; i < 50; i++) {
      a.cri("stdout", "unread in first file " + i);
    }
    a.rotate(5, List.of()); // 0.log -> 0.log.00000000
    for (int i = 0; i < 20; i++) {
      a.cri("stdout", "second file " + i);
    }
    a.rotate(5, List.of()); // 0.log.00000000 -> .gz (new inode), 0.log -> 0.log.00000001
    for (int i = 0; i < 10; i++) {
      a.cri("stdout", "live file " + i);
    }
    assertThat(a.live().resolveSibling("0.log.00000000.gz")).exists();
    assertThat(a.live().resolveSibling("0.log.00000000")).doesNotExist();

    try (TailHarness h = new TailHarness(data, logs.glob(), b -> b.startAt(StartAt.END))) {
      h.awaitMessages(80);
      List<String> expected = new ArrayList<>();
      IntStream.range(0, 50).forEach(i -> expected.add("unread in first file " + i));
      IntStream.range(0, 20).forEach(i -> expected.add("second file " + i));
      IntStream.range(0, 10).forEach(i -> expected.add("live file " + i));
      assertThat(h.messages()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(h.metric("logchute_checkpoints_unresumed_total")).isZero();
      assertThat(h.metric("logchute_rotated_files_recovered_total")).isEqualTo(2);
    }
    assertThat(Files.readString(data.resolve("checkpoints.json"))).doesNotContain("00000000");
  }

  @Test
  void aCompressedFileReadToItsEndAndDeletedWhileDownIsNoLoss() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container a = logs.container("prod", "web-1", "app");
    Path data = root.resolve("data");
    for (int i = 0; i < 10; i++) {
      a.cri("stdout", "seen " + i);
    }
    try (TailHarness h = new TailHarness(data, logs.glob(), b -> b)) {
      h.awaitMessages(10);
    }
    for (int i = 0; i < 5; i++) {
      a.cri("stdout", "written while down " + i);
    }
    a.rotate(5, List.of()); // 0.log -> 0.log.00000000
    a.rotate(5, List.of()); // -> 0.log.00000000.gz; the empty next file -> 0.log.00000001
    // resumed in the .gz and read to its end; the files after it are still empty, so at the stop
    // it is saved at its end rather than as done
    try (TailHarness h = new TailHarness(data, logs.glob(), b -> b)) {
      h.awaitMessages(5);
    }
    assertThat(Files.readString(data.resolve("checkpoints.json"))).contains("\"tailLen\":0");
    Files.delete(a.live().resolveSibling("0.log.00000000.gz"));
    a.cri("stdout", "after");
    try (TailHarness h = new TailHarness(data, logs.glob(), b -> b)) {
      h.awaitMessages(1);
      assertThat(h.messages()).containsExactly("after");
      assertThat(h.metric("logchute_files_lost_total")).isZero();
    }
  }

  @Test
  void aCheckpointThatMatchesNothingIsCountedAsPossibleLoss() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container a = logs.container("prod", "web-1", "app");
    Path data = root.resolve("data");
    a.cri("stdout", "seen");
    try (TailHarness h = new TailHarness(data, logs.glob(), b -> b)) {
      h.awaitMessages(1);
    }
    a.cri("stdout", "never read");
    // the runtime's file disappears altogether, a new one takes its place
    a.rotate(5, List.of());
    Files.delete(a.live().resolveSibling("0.log.00000000"));
    a.cri("stdout", "new");
    try (TailHarness h = new TailHarness(data, logs.glob(), b -> b)) {
      h.awaitMessages(1);
      assertThat(h.messages()).containsExactly("new");
      assertThat(h.metric("logchute_checkpoints_unresumed_total")).isEqualTo(1);
    }
  }

  @Test
  void aFileCreatedRotatedAndCompressedWhileDownIsReadWhole() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container a = logs.container("prod", "web-1", "app");
    Path data = root.resolve("data");
    a.cri("stdout", "seen");
    try (TailHarness h = new TailHarness(data, logs.glob(), b -> b)) {
      h.awaitMessages(1);
    }
    // down: the checkpointed file is rotated, a second file is written and rotated, a third one
    // too; each rotation compresses the previous one
    a.cri("stdout", "first file, unread");
    a.rotate(5, List.of()); // first -> 0.log.00000000
    a.cri("stdout", "second file, never seen");
    a.rotate(5, List.of()); // first -> .gz, second -> 0.log.00000001
    a.cri("stdout", "third file, never seen");
    a.rotate(5, List.of()); // second -> .gz, third -> 0.log.00000002
    a.cri("stdout", "live");
    assertThat(a.live().resolveSibling("0.log.00000001.gz")).exists();

    try (TailHarness h = new TailHarness(data, logs.glob(), b -> b)) {
      try {
        h.awaitMessages(4);
      } catch (AssertionError e) {
        throw new AssertionError(
            h.messages() + " " + Files.readString(data.resolve("checkpoints.json")), e);
      }
      assertThat(h.messages())
          .containsExactlyInAnyOrder(
              "first file, unread", "second file, never seen", "third file, never seen", "live");
      assertThat(h.metric("logchute_checkpoints_unresumed_total")).isZero();
    }
  }

  @Test
  void aFileFinishedBeforeTheStopAndCompressedWhileDownIsNotReadAgain() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container a = logs.container("prod", "web-1", "app");
    Path data = root.resolve("data");
    a.cri("stdout", "first file");
    try (TailHarness h = new TailHarness(data, logs.glob(), b -> b)) {
      h.awaitMessages(1);
      a.rotate(5, List.of()); // first -> 0.log.00000000, read to its end and let go
      a.cri("stdout", "second file");
      h.awaitMessages(2);
      h.until(
          "the first file is finished and its fingerprint saved",
          () -> {
            try {
              return Files.readString(data.resolve("checkpoints.json")).contains("\"finished\"");
            } catch (java.io.IOException e) {
              return false;
            }
          });
    }
    // down: the finished first file is compressed now (a new inode, written after the stop)
    a.rotate(5, List.of()); // first -> .gz, second -> 0.log.00000001
    a.cri("stdout", "third file");
    assertThat(a.live().resolveSibling("0.log.00000000.gz")).exists();

    try (TailHarness h = new TailHarness(data, logs.glob(), b -> b)) {
      h.awaitMessages(1);
      // the rotated second file is resumed at its end: nothing of it, nothing of the first, again
      h.until(
          "the rotated second file is released",
          () -> h.metric("logchute_files_released_total") >= 1);
      assertThat(h.messages()).containsExactly("third file");
    }
  }
}
