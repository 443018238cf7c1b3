package io.github.logchute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Await;
import io.github.logchute.core.tail.KubeletLogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A log file the agent may not read is logged and retried, never fatal, and read once its
 * permissions allow. Root reads everything, so when the tests run as root the child agent is
 * started with the capabilities that bypass file permissions (CAP_DAC_OVERRIDE,
 * CAP_DAC_READ_SEARCH) removed by {@code setpriv}.
 */
class UnreadableFileIT {

  @TempDir Path work;

  @Test
  void anUnreadableFileIsRetriedUntilItCanBeRead() throws Exception {
    KubeletLogs logs = new KubeletLogs(work.resolve("node"));
    KubeletLogs.Container locked = logs.container("prod", "locked", "app");
    KubeletLogs.Container open = logs.container("prod", "open", "app");
    locked.cri("stdout", "secret line");
    open.cri("stdout", "readable line");
    Files.setPosixFilePermissions(locked.live(), PosixFilePermissions.fromString("---------"));
    List<String> wrapper =
        isRoot()
            ? List.of(
                "setpriv",
                "--inh-caps=-dac_override,-dac_read_search",
                "--bounding-set=-dac_override,-dac_read_search")
            : List.of();
    List<String> args =
        List.of(
            "--paths", logs.glob(),
            "--start-at", "beginning",
            "--data-dir", work.resolve("data").toString());
    try (AgentProcess agent = new AgentProcess(work, "agent", args, Map.of(), wrapper)) {
      Await.until(
          "the readable file's line",
          Duration.ofSeconds(30),
          () -> stdout(agent).contains("readable line"));
      Await.until(
          "the permission problem logged",
          Duration.ofSeconds(30),
          () -> stderr(agent).contains("is skipped (permission): permission denied"));
      assertThat(stdout(agent)).doesNotContain("secret line");
      assertThat(agent.process.isAlive()).isTrue();

      Files.setPosixFilePermissions(locked.live(), PosixFilePermissions.fromString("rw-r--r--"));
      Await.until(
          "the file read once allowed",
          Duration.ofSeconds(30),
          () -> stdout(agent).contains("secret line"));
    }
  }

  private static boolean isRoot() throws IOException, InterruptedException {
    Process id = new ProcessBuilder("id", "-u").start();
    String uid = new String(id.getInputStream().readAllBytes()).trim();
    id.waitFor();
    return uid.equals("0");
  }

  private static String stdout(AgentProcess a) {
    try {
      return String.join("\n", a.stdoutLines());
    } catch (IOException e) {
      return "";
    }
  }

  private static String stderr(AgentProcess a) {
    try {
      return a.stderrText();
    } catch (IOException e) {
      return "";
    }
  }
}
