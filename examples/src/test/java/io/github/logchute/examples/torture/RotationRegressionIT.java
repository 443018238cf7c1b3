package io.github.logchute.examples.torture;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Await;
import io.github.logchute.examples.torture.AgentUnderTest.Checkpoint;
import io.github.logchute.examples.torture.Deliveries.Delivery;
import io.github.logchute.examples.torture.IntakeFaults.Fault;
import io.github.logchute.examples.torture.IntakeFaults.Plan;
import io.github.logchute.examples.torture.Ledger.FileRec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scenarios of issue 11 against the real agent, at the rates: rotated files are never
 * skipped (1, 2), kill -9 loses nothing and duplicates only what a checkpoint did not cover (3), a
 * CRI partial line split across a rotation arrives joined and in order (4), and SIGTERM restarts
 * around a rotation duplicate nothing (5). Messages are 360 characters, about 400 bytes per CRI
 * line, which makes the byte rates and message counts agree.
 */
class RotationRegressionIT {

  /** Content of one message: with the CRI prefix, about 400 bytes per line. */
  static final int MESSAGE_BYTES = 360;

  static final int LINE_BYTES = MESSAGE_BYTES + 38;
  static final long KIB = 1024;
  static final long MIB = 1024 * KIB;
  static final Duration QUIET = Duration.ofSeconds(15);
  static final Duration MAX_DRAIN = Duration.ofMinutes(3);
  static final Duration STOP = Duration.ofSeconds(60);

  @TempDir Path work;

  /**
   * Issue 11, scenario 1: 4 containers writing 5 MiB/s in total, rotation every 256 KiB, nothing
   * deleted, the agent started before the writers, the Datadog intake answering every 3rd request
   * 500: all 12,000 messages arrive (once).
   */
  @Test
  void scenario1_rotatedFilesAreAllReadWhileEveryThirdDatadogRequestFails() throws Exception {
    try (TortureRig rig = TortureRig.builder(work, 11_01).datadog().build()) {
      rig.datadog().plan(Plan.every(3, Fault.SERVER_ERROR));
      rig.agent().start();
      ContainerSettings s = ContainerSettings.kubelet(5 * MIB / 4, MESSAGE_BYTES, 256 * KIB, 0);
      for (int i = 0; i < 4; i++) {
        rig.node().add("shop", "web-" + i, "c" + i, s).limit(3_000);
      }
      rig.node().start();
      rig.node().awaitWritersDone();
      rig.awaitDelivered(12_000, QUIET, MAX_DRAIN);
      rig.agent().terminate(STOP);
      rig.verify("scenario1", rig.checker());
      assertThat(rig.node().rotations()).as("rotations").isGreaterThanOrEqualTo(16);
      assertThat(rig.deliveries().distinct(TortureRig.DATADOG)).isEqualTo(12_000);
    }
  }

  /**
   * Issue 11, scenario 2: the same with the Cloud Logging sink, which answers one 500 at the start:
   * all 8,000 messages arrive.
   */
  @Test
  void scenario2_rotatedFilesAreAllReadAfterACloudLogging500() throws Exception {
    try (TortureRig rig = TortureRig.builder(work, 11_02).stackdriver().build()) {
      rig.cloudLogging().failNext(500);
      rig.agent().start();
      ContainerSettings s = ContainerSettings.kubelet(5 * MIB / 4, MESSAGE_BYTES, 256 * KIB, 0);
      for (int i = 0; i < 4; i++) {
        rig.node().add("shop", "api-" + i, "c" + i, s).limit(2_000);
      }
      rig.node().start();
      rig.node().awaitWritersDone();
      rig.awaitDelivered(8_000, QUIET, MAX_DRAIN);
      rig.agent().terminate(STOP);
      rig.verify("scenario2", rig.checker());
      assertThat(rig.deliveries().distinct(TortureRig.STACKDRIVER)).isEqualTo(8_000);
    }
  }

  /**
   * Issue 11, scenario 3: kill -9 three times, down 1 s each (one second of writing), while 10
   * containers write 2 MiB/s in total with 256 KiB rotation and 5 files kept (each kill once the
   * agent has delivered what was written up to a fifth, two fifths, three fifths): none of the
   * 60,000 messages is lost, and a message arrives twice only if it lies past the checkpoint the
   * killed agent left for its file.
   */
  @Test
  void scenario3_killMinus9ThreeTimesUnderRotationLosesNothing() throws Exception {
    try (TortureRig rig = TortureRig.builder(work, 11_03).datadog().build()) {
      rig.agent().start();
      ContainerSettings s = ContainerSettings.kubelet(2 * MIB / 10, MESSAGE_BYTES, 256 * KIB, 5);
      for (int i = 0; i < 10; i++) {
        rig.node().add("batch", "worker-" + i, "c" + i, s).limit(6_000);
      }
      rig.node().start();
      long perSecond = 2 * MIB / LINE_BYTES;
      for (int k = 1; k <= 3; k++) {
        long at = 60_000L * k / 5;
        Await.until(
            "the writers reach message " + at,
            Duration.ofMinutes(2),
            () -> rig.node().written() >= at);
        // the kill comes once the agent has caught up with that point: what is tested is a restart
        // in the middle of rotations, not whether a loaded machine reads faster than it writes
        Await.until(
            "the agent delivers message " + at,
            Duration.ofMinutes(2),
            () -> rig.deliveries().distinct(TortureRig.DATADOG) >= at);
        rig.agent().kill();
        long killedAt = rig.node().written();
        System.out.printf(
            "scenario3: kill %d at %d written, %d delivered%n",
            k, killedAt, rig.deliveries().distinct(TortureRig.DATADOG));
        Await.until(
            "a second of writing while the agent is down",
            Duration.ofMinutes(1),
            // on a loaded machine the agent may catch up only as the writers end: down until then
            () -> rig.node().written() >= Math.min(killedAt + perSecond, 60_000L));
        rig.agent().start();
      }
      rig.node().awaitWritersDone();
      rig.awaitDelivered(60_000, QUIET, MAX_DRAIN);
      rig.agent().terminate(STOP);
      rig.verify("scenario3", rig.checker());
      assertThat(rig.deliveries().distinct(TortureRig.DATADOG)).isEqualTo(60_000);
    }
  }

  /**
   * Issue 11, scenario 4: a CRI partial line whose P piece ends the rotated file and whose F piece
   * starts the new {@code 0.log} arrives as one record, in order with the lines around it.
   */
  @Test
  void scenario4_partialLineAcrossRotationArrivesJoinedAndInOrder() throws Exception {
    try (TortureRig rig =
        TortureRig.builder(work, 11_04).datadog().sinkSetting("maxInFlight", "1").build()) {
      rig.agent().start();
      SimContainer c =
          rig.node().add("shop", "cart-0", "c0", ContainerSettings.kubelet(0, MESSAGE_BYTES, 0, 0));
      c.write(50);
      awaitDistinct(rig, 50); // the agent follows the file before it is rotated
      c.rotate(false, true, 2, false);
      c.write(50);
      long expected = c.written();
      rig.awaitDelivered(expected, QUIET, MAX_DRAIN);
      rig.agent().terminate(STOP);
      rig.verify("scenario4", rig.checker());
      List<Long> order = new ArrayList<>();
      for (Delivery d : rig.deliveries().all()) {
        order.add(d.seq());
      }
      assertThat(order).as("delivery order").isSorted();
    }
  }

  /**
   * Issue 11, scenario 4, per stream: P pieces of a stdout line end the rotated file, a stderr line
   * comes first in the new file, then the F piece: the stdout line is still one record.
   */
  @Test
  void scenario4_partialLinesAcrossRotationAreJoinedPerStream() throws Exception {
    try (TortureRig rig = TortureRig.builder(work, 11_41).datadog().build()) {
      rig.agent().start();
      SimContainer c =
          rig.node().add("shop", "cart-1", "c0", ContainerSettings.kubelet(0, MESSAGE_BYTES, 0, 0));
      for (int i = 0; i < 5; i++) {
        c.write(20);
        awaitDistinct(rig, c.written() - 1); // all but the split line in the making
        c.rotate(false, true, 1, true);
      }
      c.write(20);
      rig.awaitDelivered(c.written(), QUIET, MAX_DRAIN);
      rig.agent().terminate(STOP);
      rig.verify("scenario4-per-stream", rig.checker());
    }
  }

  /**
   * Issue 11, scenario 5, smallest case: 1,000 lines, rotation, 100 more, SIGTERM 2.5 s after the
   * rotation (everything delivered and checkpointed by then), restart, SIGTERM, restart, then the
   * kubelet gzips the rotated file and rotates again: the 1,000 lines arrive exactly once.
   */
  @Test
  void scenario5_sigtermRestartsAroundARotationDuplicateNothing() throws Exception {
    try (TortureRig rig = TortureRig.builder(work, 11_05).datadog().build()) {
      rig.agent().start();
      SimContainer c =
          rig.node()
              .add("shop", "orders-0", "c0", ContainerSettings.kubelet(0, MESSAGE_BYTES, 0, 5));
      c.write(1_000);
      awaitDistinct(rig, 1_000); // the agent follows the file before it is rotated
      c.rotate(false, false, 0, false);
      long rotatedAt = System.nanoTime();
      c.write(100);
      FileRec liveFile = c.files().get(c.files().size() - 1);
      Path checkpoints = rig.agent().dataDir().resolve("checkpoints.json");
      Await.until(
          "1,100 lines delivered, the live file checkpointed to its end, 2.5 s after the rotation",
          Duration.ofSeconds(30),
          () ->
              rig.deliveries().distinct(TortureRig.DATADOG)
                  + " delivered; live file "
                  + liveFile.describe(rig.node().t0())
                  + "; checkpoints "
                  + AgentUnderTest.readCheckpoints(checkpoints),
          x ->
              rig.deliveries().distinct(TortureRig.DATADOG) >= 1_100
                  && checkpointedToEnd(checkpoints, liveFile)
                  && System.nanoTime() - rotatedAt >= 2_500_000_000L);
      assertThat(rig.agent().terminate(STOP).exitCode).isZero();
      for (int i = 0; i < 2; i++) {
        AgentUnderTest.Run run = rig.agent().start();
        FileTime before = Files.getLastModifiedTime(checkpoints);
        Await.until(
            "the restarted agent saved its checkpoints",
            Duration.ofMinutes(1),
            () -> savedSince(checkpoints, before) && run.process.process().isAlive());
        if (i == 0) {
          assertThat(rig.agent().terminate(STOP).exitCode).isZero();
        }
      }
      c.rotate(false, false, 0, false); // gzips 0.log.<first>, renames 0.log
      c.write(10);
      rig.awaitDelivered(1_110, QUIET, MAX_DRAIN);
      rig.awaitQuiet(Duration.ofSeconds(8), Duration.ofMinutes(1));
      rig.agent().terminate(STOP);
      rig.verify("scenario5", rig.checker());
      assertThat(rig.deliveries().count(TortureRig.DATADOG)).as("deliveries").isEqualTo(1_110);
    }
  }

  /**
   * Issue 11, scenario 5 under load: 10 containers write 300,000 messages at 4 MiB/s in total,
   * rotating every 1 MiB with 5 files kept, while the agent is stopped with SIGTERM and restarted
   * three times: every message arrives, none twice.
   */
  @Test
  void scenario5_threeSigtermRestartsUnderLoadDuplicateNothing() throws Exception {
    try (TortureRig rig = TortureRig.builder(work, 11_55).datadog().build()) {
      rig.agent().start();
      ContainerSettings s = ContainerSettings.kubelet(4 * MIB / 10, MESSAGE_BYTES, MIB, 5);
      for (int i = 0; i < 10; i++) {
        rig.node().add("shop", "checkout-" + i, "c" + i, s).limit(30_000);
      }
      rig.node().start();
      for (int k = 1; k <= 3; k++) {
        long at = 300_000L * k / 4;
        Await.until(
            "the writers reach message " + at,
            Duration.ofMinutes(3),
            () -> rig.node().written() >= at);
        assertThat(rig.agent().terminate(STOP).exitCode).as("exit code after SIGTERM").isZero();
        rig.agent().start();
      }
      rig.node().awaitWritersDone();
      rig.awaitDelivered(300_000, QUIET, MAX_DRAIN);
      rig.agent().terminate(STOP);
      rig.verify("scenario5-under-load", rig.checker());
      assertThat(rig.deliveries().count(TortureRig.DATADOG)).isEqualTo(300_000);
    }
  }

  /**
   * Waits for {@code n} distinct messages, or gives up quietly (the checker tells what is missing).
   */
  private static void awaitDistinct(TortureRig rig, long n) {
    rig.awaitDelivered(n, Duration.ofSeconds(5), Duration.ofSeconds(30));
  }

  private static boolean checkpointedToEnd(Path checkpoints, FileRec file) {
    for (Checkpoint cp : AgentUnderTest.readCheckpoints(checkpoints)) {
      if (file.holder(cp.device(), cp.inode()) != null && cp.offset() == file.size) {
        return true;
      }
    }
    return false;
  }

  private static boolean savedSince(Path file, FileTime before) {
    try {
      return Files.getLastModifiedTime(file).compareTo(before) > 0;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
