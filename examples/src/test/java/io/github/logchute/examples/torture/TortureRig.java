package io.github.logchute.examples.torture;

import io.github.logchute.core.Await;
import io.github.logchute.core.Clock;
import io.github.logchute.core.http.FakeHttpServer;
import io.github.logchute.sink.datadog.FakeDatadogIntake;
import io.github.logchute.sink.stackdriver.FakeCloudLogging;
import io.github.logchute.sink.stackdriver.FakeMetadataServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Everything a torture or regression test needs, wired: the node ({@link NodeSimulator}), the fake
 * Datadog intake behind a fault schedule and/or the fake Cloud Logging (with its metadata server
 * for tokens), the record of every delivery, the agent's configuration file, and the agent itself
 * as a sequence of processes ({@link AgentUnderTest}). Nothing leaves 127.0.0.1: cloud and
 * Kubernetes metadata are off.
 */
final class TortureRig implements AutoCloseable {

  static final String DATADOG = "datadog";
  static final String STACKDRIVER = "stackdriver";
  static final String API_KEY = "dd-torture-key-0123456789abcdef";

  private final Path work;
  private final NodeSimulator node;
  private final Deliveries deliveries;
  private final List<String> sinks;
  private FakeHttpServer datadogServer;
  private IntakeFaults datadog;
  private FakeCloudLogging cloudLogging;
  private FakeMetadataServer gce;
  private final Set<String> refusedByCloudLogging = ConcurrentHashMap.newKeySet();
  private volatile Predicate<Map<String, Object>> refuse = e -> false;
  private final AgentUnderTest agent;

  private TortureRig(Builder b) throws IOException {
    this.work = b.work;
    this.node = new NodeSimulator(work.resolve("node"), b.seed);
    this.deliveries = new Deliveries(node.messages());
    this.sinks = List.copyOf(b.sinks);
    Map<String, String> env = new HashMap<>();
    env.put("LOGCHUTE_CLOUD", "none");
    env.put("LOGCHUTE_K8S_METADATA", "false");
    env.put("LOGCHUTE_NODE_NAME", "node-1");
    env.put("LOGCHUTE_CLUSTER_NAME", "torture");
    env.put("LOGCHUTE_CLUSTER_LOCATION", "europe-west4");
    StringBuilder yaml = new StringBuilder();
    yaml.append("paths: [\"").append(node.glob()).append("\"]\n");
    yaml.append("startAt: beginning\n");
    yaml.append("dataDir: \"").append(work.resolve("data")).append("\"\n");
    b.settings.forEach((k, v) -> yaml.append(k).append(": ").append(v).append('\n'));
    yaml.append("sinks:\n");
    if (sinks.contains(DATADOG)) {
      FakeDatadogIntake intake = new FakeDatadogIntake(API_KEY, true, Clock.system());
      intake.keepAccepted(false);
      intake.onAccepted(log -> deliveries.record(DATADOG, log.path("message").asText()));
      datadog = new IntakeFaults(intake);
      datadogServer = FakeHttpServer.start(datadog);
      env.put("DD_API_KEY", API_KEY);
      yaml.append("  datadog:\n");
      yaml.append("    url: ").append(datadogServer.uri("/api/v2/logs")).append('\n');
      b.sinkSettings.forEach(
          (k, v) -> yaml.append("    ").append(k).append(": ").append(v).append('\n'));
    }
    if (sinks.contains(STACKDRIVER)) {
      cloudLogging = new FakeCloudLogging();
      cloudLogging.keepEntries(false);
      cloudLogging.onWritten(
          e -> deliveries.record(STACKDRIVER, String.valueOf(e.get("textPayload"))));
      cloudLogging.rejectEntriesWhere(
          e -> {
            if (!refuse.test(e)) {
              return false;
            }
            Messages.Token t = Messages.parse(String.valueOf(e.get("textPayload")));
            if (t != null) {
              refusedByCloudLogging.add(t.container() + "-" + t.seq());
            }
            return true;
          });
      gce = new FakeMetadataServer(cloudLogging, "torture-project");
      env.put("GCE_METADATA_HOST", "127.0.0.1:" + gce.baseUri().getPort());
      yaml.append("  stackdriver:\n");
      yaml.append("    url: ").append(cloudLogging.baseUri()).append('\n');
      b.sinkSettings.forEach(
          (k, v) -> yaml.append("    ").append(k).append(": ").append(v).append('\n'));
    }
    Path config = work.resolve("logchute.yaml");
    Files.writeString(config, yaml);
    this.agent =
        new AgentUnderTest(work, work.resolve("data"), List.of("--config", config.toString()), env);
  }

  static Builder builder(Path work, long seed) {
    return new Builder(work, seed);
  }

  NodeSimulator node() {
    return node;
  }

  AgentUnderTest agent() {
    return agent;
  }

  Deliveries deliveries() {
    return deliveries;
  }

  List<String> sinks() {
    return sinks;
  }

  /** The Datadog intake's fault schedule. */
  IntakeFaults datadog() {
    return datadog;
  }

  FakeCloudLogging cloudLogging() {
    return cloudLogging;
  }

  /**
   * Cloud Logging refuses, entry by entry (a partial acceptance), the entries matching {@code p}.
   */
  void cloudLoggingRefuses(Predicate<Map<String, Object>> p) {
    refuse = p;
  }

  Set<String> refusedByCloudLogging() {
    return Set.copyOf(refusedByCloudLogging);
  }

  /**
   * Waits until every sink accepted {@code expected} distinct messages (less those it refused), or
   * nothing arrived for {@code quiet} (what is missing then is not coming), or {@code max} passed.
   *
   * @return whether everything arrived
   */
  boolean awaitDelivered(long expected, Duration quiet, Duration max) {
    long start = System.nanoTime();
    double[] lastRead = {-1};
    Await.until(
        "every message delivered, or no delivery for " + quiet + " with the agent idle",
        max.plusSeconds(5),
        () -> {
          long now = System.nanoTime();
          return complete(expected)
              || (now - Math.max(start, deliveries.lastNanos()) >= quiet.toNanos()
                  && agentIdle(lastRead))
              || now - start >= max.toNanos();
        });
    return complete(expected);
  }

  /**
   * Whether the running agent holds nothing undelivered (no queued bytes, no checkpoint lag) and
   * read nothing since the last look: a sink waiting out a long back-off is not idle. An agent that
   * is not running is idle.
   */
  private boolean agentIdle(double[] lastRead) {
    if (!agent.running()) {
      return true;
    }
    Map<String, Double> m = agent.metrics();
    if (m == null) {
      return false;
    }
    double read = AgentUnderTest.sum(m, "logchute_bytes_read_total");
    boolean idle =
        AgentUnderTest.sum(m, "logchute_pipeline_queued_bytes") == 0
            && AgentUnderTest.sum(m, "logchute_checkpoint_lag_bytes") == 0
            && read == lastRead[0];
    lastRead[0] = read;
    return idle;
  }

  /** Waits until nothing arrived for {@code quiet}: what is in flight has landed. */
  void awaitQuiet(Duration quiet, Duration max) {
    long start = System.nanoTime();
    Await.until(
        "no delivery for " + quiet,
        max,
        () -> System.nanoTime() - Math.max(start, deliveries.lastNanos()) >= quiet.toNanos());
  }

  private boolean complete(long expected) {
    for (String sink : sinks) {
      long refused = sink.equals(STACKDRIVER) ? refusedByCloudLogging.size() : 0;
      if (deliveries.distinct(sink) < expected - refused) {
        return false;
      }
    }
    return true;
  }

  InvariantChecker checker() {
    InvariantChecker c = new InvariantChecker(node, deliveries, agent, sinks);
    if (cloudLogging != null) {
      c.refused(STACKDRIVER, refusedByCloudLogging());
    }
    return c;
  }

  /**
   * Runs the checker; on a violation keeps the agent's logs and fails with the report. Prints the
   * summary either way.
   */
  InvariantChecker.Result verify(String name, InvariantChecker checker) {
    InvariantChecker.Result r = checker.check();
    if (!r.ok()) {
      Path logs = keepLogs(name);
      throw new AssertionError(name + ": " + r.report() + "agent logs kept in " + logs);
    }
    System.out.println(name + ": " + r.report());
    return r;
  }

  /** Copies the agent's logs to {@code target/torture/<name>-<seed>/} for a failed run. */
  Path keepLogs(String name) {
    Path dir = Path.of("target", "torture", name + "-" + node.seed());
    try {
      Files.createDirectories(dir);
      for (AgentUnderTest.Run r : agent.runs()) {
        Files.copy(
            r.process.stderrFile(),
            dir.resolve(r.name + ".log"),
            StandardCopyOption.REPLACE_EXISTING);
        if (r.checkpointTextAtKill != null) {
          Files.writeString(
              dir.resolve(r.name + "-checkpoints-at-kill.json"), r.checkpointTextAtKill);
        }
      }
      Path cp = agent.dataDir().resolve("checkpoints.json");
      if (Files.exists(cp)) {
        Files.copy(cp, dir.resolve("checkpoints.json"), StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      // best effort
    }
    return dir.toAbsolutePath();
  }

  @Override
  public void close() {
    agent.close();
    node.close();
    if (datadogServer != null) {
      datadogServer.close();
    }
    if (gce != null) {
      gce.close();
    }
    if (cloudLogging != null) {
      cloudLogging.close();
    }
  }

  /** Which sinks, and the agent's settings. */
  static final class Builder {
    private final Path work;
    private final long seed;
    private final List<String> sinks = new ArrayList<>();
    private final Map<String, String> settings = new LinkedHashMap<>();
    private final Map<String, String> sinkSettings = new LinkedHashMap<>();

    private Builder(Path work, long seed) {
      this.work = work;
      this.seed = seed;
      settings.put("checkpointInterval", "1s");
      sinkSettings.put("linger", "200ms");
    }

    Builder datadog() {
      sinks.add(DATADOG);
      return this;
    }

    Builder stackdriver() {
      sinks.add(STACKDRIVER);
      return this;
    }

    /** A top-level setting of the agent's YAML file (value as YAML). */
    Builder setting(String key, String value) {
      settings.put(key, value);
      return this;
    }

    /** A setting of every sink's section (value as YAML). */
    Builder sinkSetting(String key, String value) {
      sinkSettings.put(key, value);
      return this;
    }

    TortureRig build() throws IOException {
      if (sinks.isEmpty()) {
        throw new IllegalStateException("no sink");
      }
      return new TortureRig(this);
    }
  }
}
