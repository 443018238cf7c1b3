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

  /**
   * Issue 15's guard rails as a deployment sets them, asserted on what both fakes receive: a line
   * rule and built-in redaction mask the message and the parsed fields before either sink, and a
   * rate-limited container's every line is either delivered or counted in a summary record that
   * reaches both services.
   */
  @Test
  void rulesRedactionAndRateLimitsActBeforeBothSinksFieldsIncluded() throws Exception {
    KubeletLogs logs = new KubeletLogs(work.resolve("node"));
    FakeDatadogIntake intake = new FakeDatadogIntake(API_KEY, true, Clock.system());
    String card = "4111111111111111";
    String email = "ann.lee@example.com";
    String bearer = "eyJhbGciOiJIUzI1NiJ9.c2VjcmV0LXRva2Vu.c2lnbmF0dXJl";
    String orderSecret = "ord-SECRET-77";
    try (FakeHttpServer datadog = FakeHttpServer.start(intake);
        FakeCloudLogging cloudLogging = new FakeCloudLogging();
        FakeMetadataServer gce = new FakeMetadataServer(cloudLogging, "shop-project");
        KubeletLogs.Container pay = logs.container("shop", "pay-5c8d7b9f4-abcde", "app");
        KubeletLogs.Container noisy = logs.container("shop", "noisy-6f7d8c9b5-fghij", "app");
        KubeletLogs.Container beat = logs.container("shop", "beat-7a8b9c0d1-klmno", "app")) {
      pay.cri(
          "stdout",
          "{\"msg\":\"paid with "
              + card
              + "\",\"card\":{\"number\":\""
              + card
              + "\"},\"user\":\""
              + email
              + "\",\"order\":\""
              + orderSecret
              + "\",\"headers\":[\"Authorization: Bearer "
              + bearer
              + "\"]}");
      pay.cri("stdout", "GET /healthz 200");
      int flood = 300;
      for (int i = 0; i < flood; i++) {
        noisy.cri("stdout", "noisy line " + i);
      }
      Path config = work.resolve("logchute.yaml");
      Files.writeString(
          config,
          String.join(
              "\n",
              "paths: [\"" + logs.glob() + "\"]",
              "startAt: beginning",
              "processing:",
              "  redact: [cards, bearer, emails]",
              "  rules: '[{\"type\":\"exclude_at_match\",\"name\":\"health\","
                  + "\"pattern\":\"GET /healthz\"},{\"type\":\"mask_sequences\","
                  + "\"name\":\"orders\",\"pattern\":\"ord-[A-Z]+-\\\\d+\","
                  + "\"replace_placeholder\":\"[order]\"}]'",
              "  rateLimit: {linesPerSecond: 20, burst: 1s}",
              "  rateLimitSummaryInterval: 1s",
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
      env.put("LOGCHUTE_NODE_NAME", "node-1");
      env.put("LOGCHUTE_CLUSTER_NAME", "k8s1");
      env.put("LOGCHUTE_CLUSTER_LOCATION", "europe-west4");
      env.put("GCE_METADATA_HOST", "127.0.0.1:" + gce.baseUri().getPort());

      try (AgentProcess agent = new AgentProcess(work, "agent", List.of(), env)) {
        int[] polls = {0};
        // a summary goes out with a batch emitted after its interval: a slow heartbeat provides one
        Await.until(
            "every noisy line delivered or summarised, at both services",
            Duration.ofSeconds(60),
            () -> {
              if (polls[0]++ % 100 == 0) {
                beat.cri("stdout", "beat " + polls[0]);
              }
              return List.of(
                  accounted(intake.accepted(), "noisy"),
                  accountedCloud(cloudLogging.entries(), "noisy"));
            },
            counts -> counts.equals(List.of((long) flood, (long) flood)));

        List<JsonNode> dd = intake.accepted();
        long delivered =
            dd.stream().filter(n -> n.path("message").asText().startsWith("noisy line")).count();
        assertThat(delivered).isBetween(20L, 60L); // the burst, then 20 lines/s
        JsonNode summary =
            find(dd, n -> n.path("message").asText().contains("dropped by rate limit"));
        assertThat(summary.path("status").asText()).isEqualTo("warning");
        assertThat(summary.path("ddtags").asText()).contains("pod_name:noisy-6f7d8c9b5-fghij");

        JsonNode paid = find(dd, n -> n.path("message").asText().startsWith("paid with"));
        assertThat(paid.path("message").asText()).isEqualTo("paid with [REDACTED:card]");
        assertThat(paid.path("card").path("number").asText()).isEqualTo("[REDACTED:card]");
        assertThat(paid.path("user").asText()).isEqualTo("[REDACTED:email]");
        assertThat(paid.path("order").asText()).isEqualTo("[order]");
        assertThat(paid.path("headers").get(0).asText()).doesNotContain(bearer);
        assertThat(dd).noneMatch(n -> n.path("message").asText().startsWith("GET /healthz"));
        assertThat(intake.violations()).isEmpty();

        List<Map<String, Object>> entries = cloudLogging.entries();
        @SuppressWarnings("unchecked")
        Map<String, Object> payload =
            (Map<String, Object>)
                entries.stream()
                    .map(e -> e.get("jsonPayload"))
                    .filter(p -> p instanceof Map<?, ?> m && m.containsKey("card"))
                    .findFirst()
                    .orElseThrow();
        assertThat(payload.get("card").toString()).contains("[REDACTED:card]");
        assertThat(payload.get("user")).isEqualTo("[REDACTED:email]");
        assertThat(payload.get("order")).isEqualTo("[order]");

        String everything = dd.toString() + entries.toString();
        assertThat(everything)
            .doesNotContain(card)
            .doesNotContain(email)
            .doesNotContain(bearer)
            .doesNotContain(orderSecret)
            .doesNotContain("GET /healthz");
        assertThat(agent.terminate(Duration.ofSeconds(30))).isZero();
      }
    }
  }

  /** Lines of {@code pod} delivered to Datadog plus those its summaries say were dropped. */
  private static long accounted(List<JsonNode> logs, String pod) {
    long n = 0;
    for (JsonNode l : logs) {
      if (!l.path("ddtags").asText().contains("pod_name:" + pod)) {
        continue;
      }
      JsonNode dropped = l.path("rate_limit").path("dropped_lines");
      n += dropped.isMissingNode() ? 1 : dropped.asLong();
    }
    return n;
  }

  /** The same count at Cloud Logging. */
  private static long accountedCloud(List<Map<String, Object>> entries, String pod) {
    long n = 0;
    for (Map<String, Object> e : entries) {
      if (!String.valueOf(e.get("resource")).contains("pod_name=" + pod)) {
        continue;
      }
      Object p = e.get("jsonPayload");
      Object limit = p instanceof Map<?, ?> m ? m.get("rate_limit") : null;
      n += limit instanceof Map<?, ?> r ? ((Number) r.get("dropped_lines")).longValue() : 1;
    }
    return n;
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
