package io.github.logchute.sink.datadog;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Await;
import io.github.logchute.core.Clock;
import io.github.logchute.core.EngineHarness;
import io.github.logchute.core.http.FakeHttpServer;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.tail.KubeletLogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: real CRI files laid out by the kubelet's rules, the real engine (tailer + pipeline),
 * the Datadog sink, and the strict fake intake on 127.0.0.1 — healthy, failing for a while, too
 * small for the batches, refusing the key.
 */
class DatadogEngineIT {

  private static final String KEY = DatadogSinkContractTest.KEY;

  @TempDir Path tmp;

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final FakeDatadogIntake intake = new FakeDatadogIntake(KEY, true, Clock.system());
  private final FakeHttpServer server = FakeHttpServer.start(intake);
  private EngineHarness engine;

  @AfterEach
  void stop() {
    if (engine != null) {
      engine.close();
    }
    server.close();
  }

  /** Writes {@code perContainer} lines of mixed sizes into three containers; returns them all. */
  private List<String> writeLogs(KubeletLogs logs, int perContainer) throws Exception {
    List<String> lines = new ArrayList<>();
    String[][] pods = {
      {"shop", "checkout-7d4b9c6f5-x2x5z", "checkout"},
      {"ingress", "nginx-5c8d7b9f4-q8w7e", "nginx"},
      {"shop", "payments-worker-0", "worker"}
    };
    List<KubeletLogs.Container> containers = new ArrayList<>();
    for (String[] p : pods) {
      containers.add(logs.container(p[0], p[1], p[2]));
    }
    for (int i = 0; i < perContainer; i++) {
      for (int c = 0; c < containers.size(); c++) {
        String line = pods[c][2] + " line " + i + " " + "x".repeat((i * 37) % 900);
        lines.add(line);
        containers.get(c).cri(i % 5 == 0 ? "stderr" : "stdout", line);
      }
    }
    for (KubeletLogs.Container c : containers) {
      c.close();
    }
    return lines;
  }

  private DatadogSink sink(UnaryOperator<DatadogSinkConfig.Builder> tweak) {
    DatadogSinkConfig.Builder b =
        DatadogSinkConfig.builder()
            .url(server.uri(DatadogSite.INTAKE_PATH).toString())
            .requestTimeout(Duration.ofSeconds(2))
            .linger(Duration.ofMillis(20))
            .maxBatchRecords(300);
    return new DatadogSink(tweak.apply(b).build(), metrics, Clock.system());
  }

  private void run(DatadogSink sink, KubeletLogs logs) throws Exception {
    engine = new EngineHarness(tmp.resolve("data"), logs.glob(), "datadog", sink, metrics, t -> t);
  }

  private void assertEveryLineExactlyOnce(List<String> lines) {
    Await.until(
        "every line accepted by the intake",
        Duration.ofSeconds(60),
        () -> intake.counts().size(),
        n -> n >= lines.size());
    engine.close();
    Map<String, Integer> counts = intake.counts();
    assertThat(counts).hasSize(lines.size());
    for (String line : lines) {
      assertThat(counts.get(line)).as(line.substring(0, Math.min(40, line.length()))).isEqualTo(1);
    }
    assertThat(server.handlerErrors()).isEmpty();
    assertThat(intake.violations()).as("malformed payloads").isEmpty();
  }

  @Test
  void aHealthyIntakeGetsEveryLineExactlyOnce() throws Exception {
    KubeletLogs logs = new KubeletLogs(tmp.resolve("node"));
    List<String> lines = writeLogs(logs, 1500);
    run(sink(b -> b.apiKey(KEY)), logs);
    assertEveryLineExactlyOnce(lines);
    assertThat(intake.accepted())
        .allMatch(l -> l.get("ddtags").asText().contains("kube_namespace:"))
        .anyMatch(l -> l.get("status").asText().equals("error")); // stderr lines
    assertThat(engine.metric("logchute_datadog_source_encodings_total")).isLessThanOrEqualTo(3);
  }

  @Test
  void nothingIsLostAcrossPeriodsOf5xxAnd429AndResets() throws Exception {
    KubeletLogs logs = new KubeletLogs(tmp.resolve("node"));
    List<String> lines = writeLogs(logs, 1000);
    List<FakeHttpServer.Response> faults = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      faults.add(FakeHttpServer.Response.status(500));
      faults.add(FakeHttpServer.Response.status(429).withHeader("Retry-After", "0"));
      faults.add(FakeHttpServer.Response.status(503).withHeader("Retry-After", "1"));
      faults.add(FakeHttpServer.Response.reset());
      faults.add(FakeHttpServer.Response.status(502));
    }
    server.enqueue(faults.toArray(new FakeHttpServer.Response[0]));
    run(sink(b -> b.apiKey(KEY)), logs);
    assertEveryLineExactlyOnce(lines);
    assertThat(server.requestCount()).isGreaterThan(faults.size());
    assertThat(metrics.value("logchute_datadog_requests_total", "code", "5xx")).isEqualTo(12);
    assertThat(metrics.value("logchute_datadog_requests_total", "code", "4xx")).isEqualTo(4);
  }

  @Test
  void batchesTheIntakeFindsTooLargeAreSplitUntilTheyPass() throws Exception {
    intake.tooLargeAbove(40);
    KubeletLogs logs = new KubeletLogs(tmp.resolve("node"));
    List<String> lines = writeLogs(logs, 800);
    run(sink(b -> b.apiKey(KEY)), logs);
    assertEveryLineExactlyOnce(lines);
    assertThat(intake.tooLargeAnswers()).isPositive();
    assertThat(metrics.value("logchute_sink_batches_total", "sink", "datadog", "result", "split"))
        .isPositive();
    assertThat(intake.accepted()).hasSize(lines.size());
  }

  @Test
  void aRefusedKeyIsRetriedSlowlyUntilTheRotatedKeyFileWorks() throws Exception {
    Path keyFile = Files.writeString(tmp.resolve("api-key"), "ffffffffffffffff0000000000000000");
    KubeletLogs logs = new KubeletLogs(tmp.resolve("node"));
    List<String> lines = writeLogs(logs, 300);
    run(
        sink(
            b ->
                b.apiKeyFile(keyFile).maxInFlight(1).authFailureRetryDelay(Duration.ofMillis(300))),
        logs);
    Await.until("3 refusals", Duration.ofSeconds(20), () -> intake.authFailures() >= 3);
    List<FakeHttpServer.Request> refused = server.requests();
    for (int i = 1; i < 3; i++) {
      long gapMillis =
          (refused.get(i).receivedNanos() - refused.get(i - 1).receivedNanos()) / 1_000_000;
      assertThat(gapMillis).as("no hot loop on a refused key").isGreaterThanOrEqualTo(280);
    }
    assertThat(intake.counts()).isEmpty();
    Files.writeString(keyFile, KEY + "\n"); // the Secret is rotated
    assertEveryLineExactlyOnce(lines);
    assertThat(metrics.sum("logchute_datadog_auth_failures_total")).isGreaterThanOrEqualTo(3);
  }
}
