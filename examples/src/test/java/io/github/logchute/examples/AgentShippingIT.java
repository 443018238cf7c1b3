package io.github.logchute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.logchute.core.Await;
import io.github.logchute.core.Clock;
import io.github.logchute.core.http.FakeHttpServer;
import io.github.logchute.core.tail.KubeletLogs;
import io.github.logchute.sink.datadog.FakeDatadogIntake;
import io.github.logchute.sink.stackdriver.FakeCloudLogging;
import io.github.logchute.sink.stackdriver.FakeMetadataServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent as a real child process, configured by a YAML file and environment variables, shipping
 * the same container logs to the fake Datadog intake and the fake Cloud Logging at once (fan-out):
 * structured fields, multi-line events, metadata and static tags arrive in both; SIGTERM flushes
 * and exits 0; the API key appears in no output.
 */
class AgentShippingIT {

  private static final String API_KEY = "dd-api-key-0123456789abcdef";

  @TempDir Path work;

  @Test
  void shipsToDatadogAndCloudLoggingAtOnce() throws Exception {
    KubeletLogs logs = new KubeletLogs(work.resolve("node"));
    FakeDatadogIntake intake = new FakeDatadogIntake(API_KEY, true, Clock.system());
    try (FakeHttpServer datadog = FakeHttpServer.start(intake);
        FakeCloudLogging cloudLogging = new FakeCloudLogging();
        FakeMetadataServer gce = new FakeMetadataServer(cloudLogging, "shop-project");
        KubeletLogs.Container api = logs.container("shop", "api-7d4b9c6f5-x2x5z", "app")) {
      api.cri("stdout", "{\"level\":\"warn\",\"msg\":\"slow checkout\",\"user_id\":42}");
      api.cri("stdout", "plain INFO line");
      api.cri("stderr", "java.lang.IllegalStateException: cart is empty");
      api.cri("stderr", "\tat shop.Cart.checkout(Cart.java:42)");
      api.cri("stderr", "\tat shop.Api.handle(Api.java:17)");
      api.cri("stderr", "ERROR request 7 failed");

      Path config = work.resolve("logchute.yaml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "paths: [\"" + logs.glob() + "\"]",
              "startAt: beginning",
              "processing:",
              "  multiline: java",
              "metadata:",
              "  cloud: none",
              "sinks:",
              "  datadog:",
              "    url: " + datadog.uri("/api/v2/logs"),
              "    linger: 50ms",
              "  stackdriver:",
              "    url: " + cloudLogging.baseUri(),
              "    linger: 50ms",
              ""));
      Map<String, String> env = new HashMap<>();
      env.put("LOGCHUTE_CONFIG", config.toString());
      env.put("LOGCHUTE_DATA_DIR", work.resolve("data").toString());
      env.put("DD_API_KEY", API_KEY);
      env.put("DD_TAGS", "[\"env:test\", \"kube_cluster:k8s1\"]");
      env.put("LOGCHUTE_NODE_NAME", "node-1");
      env.put("LOGCHUTE_CLUSTER_NAME", "k8s1");
      env.put("LOGCHUTE_CLUSTER_LOCATION", "europe-west4");
      env.put("GCE_METADATA_HOST", "127.0.0.1:" + gce.baseUri().getPort());

      try (AgentProcess agent = new AgentProcess(work, "agent", List.of(), env)) {
        Await.until(
            "4 logs at Datadog and 4 entries at Cloud Logging",
            Duration.ofSeconds(60),
            () -> intake.accepted().size() == 4 && cloudLogging.entries().size() == 4);

        // Datadog: fields of the JSON log are attributes, the trace is one log, tags are there
        List<JsonNode> dd = intake.accepted();
        JsonNode json = find(dd, n -> n.path("message").asText().equals("slow checkout"));
        assertThat(json.path("user_id").asInt()).isEqualTo(42);
        assertThat(json.path("status").asText()).isEqualTo("warning");
        assertThat(json.path("ddtags").asText())
            .contains("pod_name:api-7d4b9c6f5-x2x5z", "kube_namespace:shop")
            .contains("container_name:app", "env:test", "kube_cluster:k8s1");
        assertThat(json.path("service").asText()).isEqualTo("app");
        assertThat(json.path("hostname").asText()).isEqualTo("node-1");
        JsonNode trace = find(dd, n -> n.path("message").asText().startsWith("java.lang."));
        assertThat(trace.path("message").asText()).contains("\n\tat shop.Api.handle");
        assertThat(
                find(dd, n -> n.path("message").asText().startsWith("ERROR request 7"))
                    .path("status")
                    .asText())
            .isEqualTo("error");
        assertThat(intake.violations()).isEmpty();

        // Cloud Logging: jsonPayload for the JSON log, k8s_container resource, severity
        List<Map<String, Object>> entries = cloudLogging.entries();
        Map<String, Object> structured =
            entries.stream().filter(e -> e.containsKey("jsonPayload")).findFirst().orElseThrow();
        assertThat(structured.get("severity")).isEqualTo("WARNING");
        assertThat(structured.get("logName")).isEqualTo("projects/shop-project/logs/stdout");
        @SuppressWarnings("unchecked")
        Map<String, Object> resource = (Map<String, Object>) structured.get("resource");
        assertThat(resource).containsEntry("type", "k8s_container");
        assertThat(resource.get("labels").toString())
            .contains("cluster_name=k8s1", "location=europe-west4", "namespace_name=shop")
            .contains("pod_name=api-7d4b9c6f5-x2x5z", "container_name=app");
        assertThat(
                entries.stream()
                    .filter(e -> String.valueOf(e.get("textPayload")).startsWith("java.lang."))
                    .count())
            .isEqualTo(1);

        int port = agent.statusPort(Duration.ofSeconds(10));
        String metrics =
            java.net.http.HttpClient.newHttpClient()
                .send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        Map<String, Double> samples = AgentLifecycleIT.parsePrometheus(metrics);
        assertThat(samples.keySet())
            .anyMatch(k -> k.startsWith("logchute_datadog_"))
            .anyMatch(k -> k.startsWith("logchute_stackdriver_"));

        assertThat(agent.terminate(Duration.ofSeconds(30))).isZero();
        assertThat(agent.stdoutLines()).as("no console sink: nothing on stdout").isEmpty();
        String everything = String.join("\n", agent.stdoutLines()) + agent.stderrText() + metrics;
        assertThat(everything).doesNotContain(API_KEY);
        assertThat(agent.stderrText()).contains("everything read was delivered");
      }
    }
  }

  @Test
  void checkConfigAcceptsTheDeploymentsSettingsAndMasksTheKey() throws Exception {
    Path config = work.resolve("logchute.yaml");
    Files.writeString(
        config, "sinks:\n  datadog:\n    site: datadoghq.eu\nmetadata:\n  cloud: none\n");
    Map<String, String> env =
        Map.of(
            "LOGCHUTE_CONFIG",
            config.toString(),
            "DD_API_KEY",
            API_KEY,
            "DD_TAGS",
            "env:test kube_cluster:k8s1",
            "LOGCHUTE_NODE_NAME",
            "node-1");
    try (AgentProcess agent = new AgentProcess(work, "check", List.of("--check-config"), env)) {
      agent.process.waitFor();
      assertThat(agent.process.exitValue()).as(agent.stderrText()).isZero();
      String out = String.join("\n", agent.stdoutLines());
      assertThat(out).contains("apiKey: \"****\"").contains("site: \"datadoghq.eu\"");
      assertThat(out + agent.stderrText()).doesNotContain(API_KEY);
    }
  }

  private static JsonNode find(List<JsonNode> logs, java.util.function.Predicate<JsonNode> p) {
    return logs.stream().filter(p).findFirst().orElseThrow(() -> new AssertionError(logs));
  }
}
