package io.github.logchute.examples;

import io.github.logchute.core.Logchute;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * logchute embedded in an application: the README's embedding example. The lines between the
 * markers are quoted in README.md verbatim, and {@code EmbeddedAgentTest} runs them against a fake
 * Datadog intake — so the README's code is code that compiles and works.
 */
public final class EmbeddedAgent {

  private EmbeddedAgent() {}

  /**
   * Tails {@code logs} into Datadog until {@code stop} opens.
   *
   * @param datadog the settings of the Datadog sink, as in the agent's {@code sinks.datadog}
   */
  static void run(String logs, Path dataDir, Map<String, String> datadog, CountDownLatch stop)
      throws Exception {
    // README:begin
    try (Logchute logchute =
        Logchute.builder()
            .paths(logs) // e.g. "/var/log/containers/*.log"
            .dataDir(dataDir) // checkpoints
            .sink("datadog", datadog) // e.g. Map.of("apiKey", System.getenv("DD_API_KEY"))
            .start()) {
      stop.await(); // until the application stops
      logchute.close(Duration.ofSeconds(25)); // delivers what was read, saves checkpoints
    }
    // README:end
  }

  /** Runs with the node agent's usual paths; the API key comes from {@code DD_API_KEY}. */
  public static void main(String[] args) throws Exception {
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
    run(
        "/var/log/containers/*.log",
        Path.of("/var/lib/logchute"),
        Map.of("apiKey", System.getenv("DD_API_KEY")),
        stop);
  }
}
