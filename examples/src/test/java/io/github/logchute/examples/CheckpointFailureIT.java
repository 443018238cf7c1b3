package io.github.logchute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints that cannot be written are never silent: a read-only data directory fails the start
 * naming it; saves that start failing while running are logged every time, make {@code /readyz}
 * answer 503 until they work again, and a final save that fails makes the agent say so and exit 1.
 */
class CheckpointFailureIT {

  @TempDir Path work;

  private final HttpClient http = HttpClient.newHttpClient();

  private int status(int port, String path) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private Path logFile() throws IOException {
    Path logs = Files.createDirectories(work.resolve("containers"));
    Path file = logs.resolve("web-1_shop_nginx-" + "ab".repeat(32) + ".log");
    Files.writeString(file, "2026-11-25T10:00:00.000000001Z stdout F first line\n");
    return logs;
  }

  @Test
  void aReadOnlyDataDirectoryFailsTheStartNamingIt() throws Exception {
    Path logs = logFile();
    Path data = Files.createDirectories(work.resolve("data"));
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r-xr-xr-x"));
    List<String> args =
        List.of(
            "--paths", logs + "/*.log", "--start-at", "beginning", "--data-dir", data.toString());
    try (AgentProcess agent =
        new AgentProcess(work, "agent", args, Map.of(), withoutRootBypass())) {
      Await.until("the agent exits", Duration.ofSeconds(60), () -> !agent.process.isAlive());
      // a configuration error (exit 2) naming the key, before anything is read
      assertThat(agent.process.exitValue()).isEqualTo(2);
      assertThat(agent.stderrText())
          .contains("dataDir")
          .contains("cannot write checkpoints in " + data);
      assertThat(agent.stdoutLines()).isEmpty();
    } finally {
      Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  @Test
  void failingSavesAreLoggedMakeTheAgentUnreadyAndTheExitCodeNonZero() throws Exception {
    Path logs = logFile();
    Path data = work.resolve("data");
    List<String> args =
        List.of(
            "--paths",
            logs + "/*.log",
            "--start-at",
            "beginning",
            "--data-dir",
            data.toString(),
            "--checkpoint-interval",
            "200ms");
    try (AgentProcess agent = new AgentProcess(work, "agent", args, Map.of())) {
      int port = agent.statusPort(Duration.ofSeconds(30));
      Await.until(
          "the record delivered and the agent ready",
          Duration.ofSeconds(30),
          () -> lines(agent) == 1 && readyz(port) == 200);
      // the checkpoint file's temporary name taken by a directory: every save fails, as on a
      // read-only or full file system (and whatever the test's privileges)
      Path blocker = Files.createDirectory(data.resolve("checkpoints.json.tmp"));
      Await.until(
          "two failed saves logged and /readyz not ready",
          Duration.ofSeconds(30),
          () -> count(agent, "saving checkpoints to") >= 2 && readyz(port) == 503);
      assertThat(status(port, "/healthz")).isEqualTo(200);

      Files.delete(blocker);
      Await.until(
          "saves work again and the agent is ready",
          Duration.ofSeconds(30),
          () -> readyz(port) == 200 && stderr(agent).contains("checkpoints are saved to"));

      Files.createDirectory(blocker);
      Await.until("saves fail again", Duration.ofSeconds(30), () -> readyz(port) == 503);
      int code = agent.terminate(Duration.ofSeconds(60));
      assertThat(code).isEqualTo(1);
      assertThat(stderr(agent))
          .contains("its checkpoints could not be saved")
          .doesNotContain("everything read was delivered");
    }
  }

  private int readyz(int port) {
    try {
      return status(port, "/readyz");
    } catch (Exception e) {
      return -1;
    }
  }

  private static int lines(AgentProcess a) {
    try {
      return a.stdoutLines().size();
    } catch (IOException e) {
      return -1;
    }
  }

  private static String stderr(AgentProcess a) {
    try {
      return a.stderrText();
    } catch (IOException e) {
      return "";
    }
  }

  private static int count(AgentProcess a, String text) {
    String s = stderr(a);
    int n = 0;
    for (int i = s.indexOf(text); i >= 0; i = s.indexOf(text, i + 1)) {
      n++;
    }
    return n;
  }

  /** As root, permissions do not stop writes: drop the capabilities that bypass them. */
  static List<String> withoutRootBypass() throws IOException, InterruptedException {
    Process id = new ProcessBuilder("id", "-u").start();
    String uid = new String(id.getInputStream().readAllBytes()).trim();
    id.waitFor();
    return uid.equals("0")
        ? List.of(
            "setpriv",
            "--inh-caps=-dac_override,-dac_read_search",
            "--bounding-set=-dac_override,-dac_read_search")
        : List.of();
  }
}
