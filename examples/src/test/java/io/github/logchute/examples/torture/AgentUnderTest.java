package io.github.logchute.examples.torture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.logchute.examples.AgentProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent under test as a sequence of real processes ({@link AgentProcess}) on one data
 * directory: started, killed with SIGKILL or stopped with SIGTERM, started again. Each run keeps
 * when it started and ended, how, its exit code, its log, the last metrics scraped from it, and —
 * for a kill — the checkpoint file as the killed process left it.
 */
final class AgentUnderTest implements AutoCloseable {

  /** The agent's last line after a SIGTERM, whatever it managed to deliver. */
  static final String STOPPED = "logchute agent stopped";

  /** The end of that line when everything read was delivered. */
  static final String DELIVERED = "everything read was delivered";

  enum End {
    RUNNING,
    KILLED,
    TERMINATED
  }

  /** A checkpoint file entry: the file's identity and the first byte not yet acknowledged. */
  /**
   * One entry of a checkpoint file; {@code savedNanos} is when it was computed (its {@code
   * updated}, on this JVM's {@link System#nanoTime()} scale; -1 if absent): the file it stands for
   * is the one that had the inode then, which may have been deleted and the inode reused since.
   */
  record Checkpoint(String path, long device, long inode, long offset, long savedNanos) {}

  /** One agent process. */
  static final class Run {
    final String name;
    final long startNanos;
    final AgentProcess process;
    final int port;
    volatile long endNanos = -1;
    volatile End end = End.RUNNING;
    volatile int exitCode = -1;
    volatile Map<String, Double> lastMetrics = Map.of();
    volatile List<Checkpoint> checkpointsAtKill = List.of();
    volatile boolean checkpointFileAtKill;
    volatile String checkpointTextAtKill;

    /** A SIGTERM that stopped before everything read was delivered (the rest is read again). */
    volatile boolean undelivered;

    Run(String name, long startNanos, AgentProcess process, int port) {
      this.name = name;
      this.startNanos = startNanos;
      this.process = process;
      this.port = port;
    }

    String log() {
      try {
        return process.stderrText();
      } catch (IOException e) {
        return "(cannot read the log: " + e + ")";
      }
    }

    List<LostReport> lost() {
      return LostReport.parse(name, log());
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path work;
  private final Path dataDir;
  private final List<String> args;
  private final Map<String, String> env;
  private final HttpClient http = HttpClient.newHttpClient();
  private final List<Run> runs = new ArrayList<>();

  /**
   * @param work where each run's stdout and stderr files go
   * @param dataDir the agent's data directory (as configured in {@code args} or {@code env})
   */
  AgentUnderTest(Path work, Path dataDir, List<String> args, Map<String, String> env) {
    this.work = work;
    this.dataDir = dataDir;
    this.args = List.copyOf(args);
    this.env = Map.copyOf(env);
  }

  /** Starts a new run and waits until it serves its status port. */
  synchronized Run start() throws IOException {
    if (!runs.isEmpty() && current().end == End.RUNNING) {
      throw new IllegalStateException("the agent is running");
    }
    String name = "agent-" + (runs.size() + 1);
    long started = System.nanoTime();
    AgentProcess p = new AgentProcess(work, name, args, env);
    int port;
    try {
      port = p.statusPort(Duration.ofSeconds(60));
    } catch (AssertionError e) {
      String log = p.stderrText();
      p.close();
      throw new AssertionError(name + " did not start:\n" + log, e);
    }
    Run r = new Run(name, started, p, port);
    runs.add(r);
    return r;
  }

  /** SIGKILL the current run; keeps the checkpoint file as it left it. */
  synchronized Run kill() throws InterruptedException {
    Run r = current();
    scrapeQuietly(r);
    r.process.kill();
    r.endNanos = System.nanoTime();
    r.end = End.KILLED;
    r.exitCode = r.process.process().exitValue();
    Path file = dataDir.resolve("checkpoints.json");
    r.checkpointFileAtKill = Files.exists(file);
    try {
      r.checkpointTextAtKill = r.checkpointFileAtKill ? Files.readString(file) : null;
    } catch (IOException e) {
      r.checkpointTextAtKill = null;
    }
    r.checkpointsAtKill = readCheckpoints(file);
    return r;
  }

  /** SIGTERM the current run, and wait for its exit; returns its exit code. */
  synchronized Run terminate(Duration timeout) throws InterruptedException {
    Run r = current();
    scrapeQuietly(r);
    r.exitCode = r.process.terminate(timeout);
    r.endNanos = System.nanoTime();
    r.end = End.TERMINATED;
    try {
      // a stop that gave up flushing (a sink down past shutdownTimeout) leaves the rest to the next
      // start, as a kill does: what it saved bounds the duplicates that follow
      r.undelivered = r.process.stderrText().contains("before everything read was delivered");
    } catch (IOException e) {
      r.undelivered = false;
    }
    if (r.undelivered) {
      r.checkpointsAtKill = readCheckpoints(dataDir.resolve("checkpoints.json"));
    }
    return r;
  }

  synchronized Run current() {
    if (runs.isEmpty()) {
      throw new IllegalStateException("never started");
    }
    return runs.get(runs.size() - 1);
  }

  synchronized List<Run> runs() {
    return List.copyOf(runs);
  }

  synchronized boolean running() {
    return !runs.isEmpty() && current().end == End.RUNNING;
  }

  /** The current run's metrics (and kept as its last seen), or its last seen if it is gone. */
  synchronized Map<String, Double> metrics() {
    Run r = current();
    if (r.end == End.RUNNING) {
      scrapeQuietly(r);
    }
    return r.lastMetrics;
  }

  private void scrapeQuietly(Run r) {
    try {
      HttpResponse<String> res =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.port + "/metrics"))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (res.statusCode() == 200) {
        r.lastMetrics = parseMetrics(res.body());
      }
    } catch (IOException e) {
      // gone or busy: keep what was seen last
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Prometheus text: series (name with labels as printed) to value. */
  static Map<String, Double> parseMetrics(String text) {
    Map<String, Double> out = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      try {
        out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
      } catch (RuntimeException e) {
        // not a sample: ignore
      }
    }
    return out;
  }

  /** Sum of every series of {@code name} whose labels include {@code label="value"} pairs given. */
  static double sum(Map<String, Double> metrics, String name, String... labels) {
    double total = 0;
    for (Map.Entry<String, Double> e : metrics.entrySet()) {
      String series = e.getKey();
      if (!series.equals(name) && !series.startsWith(name + "{")) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i + 1 < labels.length; i += 2) {
        all &= series.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
      }
      if (all) {
        total += e.getValue();
      }
    }
    return total;
  }

  /** The entries of a checkpoint file (format in log-core's CheckpointStore), empty if none. */
  static List<Checkpoint> readCheckpoints(Path file) {
    List<Checkpoint> out = new ArrayList<>();
    try {
      if (!Files.exists(file)) {
        return out;
      }
      JsonNode root = JSON.readTree(file.toFile());
      long nanosMinusEpochNanos = System.nanoTime() - System.currentTimeMillis() * 1_000_000;
      for (JsonNode f : root.path("files")) {
        long updated = f.path("updated").asLong(-1);
        out.add(
            new Checkpoint(
                f.path("path").asText(),
                f.path("dev").asLong(-1),
                f.path("ino").asLong(-1),
                f.path("offset").asLong(-1),
                // the end of that millisecond: the entry was computed from a file open by then
                updated < 0 ? -1 : updated * 1_000_000 + 999_999 + nanosMinusEpochNanos));
      }
    } catch (IOException e) {
      // a torn file would be a finding of its own; the checker sees an empty list
    }
    return out;
  }

  Path dataDir() {
    return dataDir;
  }

  @Override
  public synchronized void close() {
    for (Run r : runs) {
      r.process.close();
    }
  }
}
