package io.github.logchute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Await;
import io.github.logchute.core.Clock;
import io.github.logchute.core.http.FakeHttpServer;
import io.github.logchute.core.tail.KubeletLogs;
import io.github.logchute.sink.datadog.FakeDatadogIntake;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reload without restart, on the real agent process: while two containers write without pause and
 * rotate, the configuration is changed the way a ConfigMap update changes it (a new directory, the
 * {@code ..data} link swapped) and by SIGHUP; a bad configuration and one that moves the data
 * directory are refused while the running one keeps shipping. The fake Datadog intake counts every
 * message: each arrives exactly once, and what a reload changed applies to lines written after it.
 */
class ConfigReloadIT {

  private static final String API_KEY = "dd-api-key-reload-0123456789";
  private static final Pattern SEQ = Pattern.compile("^(c[01]) seq (\\d+) ");
  private static final String MASK =
      "[{\"type\": \"mask_sequences\", \"name\": \"tokens\", \"pattern\": \"secret-[0-9]+\","
          + " \"replace_placeholder\": \"[MASKED]\"}]";

  @TempDir Path work;

  private final HttpClient http = HttpClient.newHttpClient();
  private Path configMap;
  private int version;

  @Test
  void reloadsOnFileChangeAndSighupLosingAndRepeatingNothing() throws Exception {
    KubeletLogs logs = new KubeletLogs(work.resolve("node"));
    FakeDatadogIntake intake = new FakeDatadogIntake(API_KEY, true, Clock.system());
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    Map<String, String> markers = new ConcurrentHashMap<>();
    intake.keepAccepted(false);
    intake.onAccepted(
        log -> {
          String message = log.path("message").asText();
          Matcher m = SEQ.matcher(message);
          if (m.find()) {
            seen.merge(m.group(1) + "/" + m.group(2), 1, Integer::sum);
          } else if (message.startsWith("marker ")) {
            markers.put(message.substring(7, message.indexOf(' ', 7)), message);
          }
        });
    configMap = Files.createDirectories(work.resolve("configmap"));
    try (FakeHttpServer datadog = FakeHttpServer.start(intake);
        KubeletLogs.Container c0 = logs.container("shop", "api-7d4b9c6f5-x2x5z", "app");
        KubeletLogs.Container c1 = logs.container("shop", "web-5f6d8c7b9-q8w7e", "nginx")) {
      String base =
          String.join(
              "\n",
              "paths: [\"" + logs.glob() + "\"]",
              "dataDir: " + work.resolve("data"),
              "startAt: beginning",
              "configWatchInterval: 100ms",
              "metadata:",
              "  cloud: none",
              "metrics:",
              "  port: 0",
              "sinks:",
              "  datadog:",
              "    url: " + datadog.uri("/api/v2/logs"),
              "    linger: 20ms",
              "");
      publish(base);
      Map<String, String> env = new HashMap<>();
      env.put("LOGCHUTE_CONFIG", configMap.resolve("logchute.yaml").toString());
      env.put("DD_API_KEY", API_KEY);
      env.put("LOGCHUTE_SHUTDOWN_TIMEOUT", "20s");

      AtomicLong written0 = new AtomicLong();
      AtomicLong written1 = new AtomicLong();
      AtomicBoolean writing = new AtomicBoolean(true);
      Thread writer =
          new Thread(
              () -> {
                long n = 0;
                while (writing.get()) {
                  n++;
                  synchronized (c0) {
                    c0.cri("stdout", "c0 seq " + n + " token secret-" + n);
                    written0.set(n);
                  }
                  synchronized (c1) {
                    c1.cri("stderr", "c1 seq " + n + " token secret-" + n);
                    written1.set(n);
                  }
                  LockSupport.parkNanos(300_000); // a steady stream, not synchronisation
                }
              },
              "test-writer");

      try (AgentProcess agent = new AgentProcess(work, "agent", List.of(), env)) {
        int port = agent.statusPort(Duration.ofSeconds(60));
        writer.start();
        awaitDelivered(seen, "c0", 200);

        // 1. a ConfigMap update adds a mask rule; c0 rotates while the swap happens
        publish(base.replace("metadata:", "processing:\n  rules: '" + MASK + "'\nmetadata:"));
        rotate(c0, "c0", written0, seen);
        awaitMetric(port, "logchute_config_reloads_total{result=\"applied\"}", 1);
        writeMarker(c1, "one", "secret-111");
        Await.until("marker one", Duration.ofSeconds(30), () -> markers.containsKey("one"));
        assertThat(markers.get("one")).contains("[MASKED]").doesNotContain("secret-111");

        // 2. SIGHUP: the same configuration again (re-read secrets files, for instance)
        awaitDelivered(seen, "c1", written1.get());
        hangUp(agent);
        awaitMetric(port, "logchute_config_reloads_total{result=\"applied\"}", 2);

        // 3. a typo: refused, the key named, the running configuration keeps shipping
        publish(base.replace("metadata:", "procesing:\n  multiline: java\nmetadata:"));
        awaitMetric(port, "logchute_config_reloads_total{result=\"refused\"}", 1);
        assertThat(metric(port, "logchute_config_last_reload_successful")).isEqualTo(0);
        assertThat(agent.stderrText()).contains("configuration not reloaded").contains("procesing");
        awaitDelivered(seen, "c0", written0.get());

        // 4. the data directory cannot move under a running engine: refused, naming it
        publish(base.replace("dataDir: " + work.resolve("data"), "dataDir: " + work.resolve("d2")));
        awaitMetric(port, "logchute_config_reloads_total{result=\"refused\"}", 2);
        assertThat(agent.stderrText()).contains("dataDir (");

        // 5. back to no rules, a sink setting changed and a second directory of logs added, with
        // c1 rotating during the swap: lines after it are unmasked, the new directory is read
        KubeletLogs more = new KubeletLogs(work.resolve("node2"));
        try (KubeletLogs.Container c2 = more.container("ops", "cron-28391-abcde", "job")) {
          writeMarker(c2, "three", "secret-333");
          publish(
              base.replace("linger: 20ms", "linger: 30ms")
                  .replace(
                      "paths: [\"" + logs.glob() + "\"]",
                      "paths: [\"" + logs.glob() + "\", \"" + more.glob() + "\"]"));
          rotate(c1, "c1", written1, seen);
          awaitMetric(port, "logchute_config_reloads_total{result=\"applied\"}", 3);
          assertThat(metric(port, "logchute_config_last_reload_successful")).isEqualTo(1);
          writeMarker(c0, "two", "secret-222");
          Await.until("marker two", Duration.ofSeconds(30), () -> markers.containsKey("two"));
          assertThat(markers.get("two")).contains("secret-222");
          Await.until(
              "marker three, from the directory the reload added",
              Duration.ofSeconds(30),
              () -> markers.containsKey("three"));
          assertThat(markers.get("three")).contains("secret-333");
        }

        writing.set(false);
        writer.join();
        long n0 = written0.get();
        long n1 = written1.get();
        Await.until(
            "every line written arrives",
            Duration.ofSeconds(60),
            () -> count(seen, "c0") >= n0 && count(seen, "c1") >= n1);
        assertThat(agent.terminate(Duration.ofSeconds(30))).isZero();

        for (long i = 1; i <= n0; i++) {
          assertThat(seen.get("c0/" + i)).as("c0 line %d arrived once", i).isEqualTo(1);
        }
        for (long i = 1; i <= n1; i++) {
          assertThat(seen.get("c1/" + i)).as("c1 line %d arrived once", i).isEqualTo(1);
        }
        assertThat(seen).hasSize((int) (n0 + n1));
        assertThat(intake.violations()).isEmpty();
        assertThat(agent.stderrText())
            .contains("configuration reloaded (the configuration file changed)")
            .contains("configuration reloaded (SIGHUP)")
            .doesNotContain(API_KEY);
      } finally {
        writing.set(false);
        writer.join();
      }
    }
  }

  /** As the kubelet updates a ConfigMap volume: a new directory, then {@code ..data} swapped. */
  private void publish(String yaml) throws IOException {
    String dir = "..v" + (++version);
    Files.createDirectories(configMap.resolve(dir));
    Files.writeString(configMap.resolve(dir).resolve("logchute.yaml"), yaml);
    Path tmp = configMap.resolve("..data_tmp");
    Files.createSymbolicLink(tmp, Path.of(dir));
    Files.move(tmp, configMap.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
    Path link = configMap.resolve("logchute.yaml");
    if (!Files.isSymbolicLink(link)) {
      Files.createSymbolicLink(link, Path.of("..data", "logchute.yaml"));
    }
  }

  /**
   * Rotates the way the kubelet does. A rotation also compresses the file the last one renamed, so
   * that one is read completely first: the kubelet would lose it too if the agent fell that far
   * behind, and this test is about reloads, not about outrunning the reader.
   */
  private static void rotate(
      KubeletLogs.Container c, String name, AtomicLong written, Map<String, Integer> seen)
      throws IOException {
    awaitDelivered(seen, name, written.get());
    synchronized (c) {
      c.rotate(100, List.of());
    }
  }

  private static void writeMarker(KubeletLogs.Container c, String name, String secret) {
    synchronized (c) {
      c.cri("stdout", "marker " + name + " " + secret);
    }
  }

  private static void hangUp(AgentProcess agent) throws Exception {
    Process kill =
        new ProcessBuilder("kill", "-HUP", Long.toString(agent.process().pid()))
            .inheritIO()
            .start();
    assertThat(kill.waitFor()).isZero();
  }

  private static long count(Map<String, Integer> seen, String container) {
    return seen.keySet().stream().filter(k -> k.startsWith(container + "/")).count();
  }

  private static void awaitDelivered(Map<String, Integer> seen, String container, long n) {
    Await.until(
        container + " has delivered " + n + " lines",
        Duration.ofSeconds(60),
        () -> count(seen, container) >= n);
  }

  private void awaitMetric(int port, String series, double value) {
    Await.until(
        series + " = " + value,
        Duration.ofSeconds(60),
        () -> {
          try {
            return metric(port, series) == value;
          } catch (Exception e) {
            return false;
          }
        });
  }

  private double metric(int port, String series) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Double v = AgentLifecycleIT.parsePrometheus(r.body()).get(series);
    return v == null ? -1 : v;
  }
}
