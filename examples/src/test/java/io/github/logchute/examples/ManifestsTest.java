package io.github.logchute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.logchute.core.tail.TailerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes manifests in {@code examples/kubernetes}: valid YAML of the expected kinds, and
 * every name that must match the agent cross-checked against the agent's code — ports, probe paths,
 * environment variables, mount paths, the configuration file itself (run through {@code
 * --check-config}), and RBAC.
 */
class ManifestsTest {

  private static final Path DIR = Path.of("kubernetes");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Map<String, JsonNode> BY_KIND = new LinkedHashMap<>();

  @TempDir Path work;

  @BeforeAll
  static void load() throws Exception {
    try (Stream<Path> files = Files.list(DIR)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        JsonNode doc = YAML.readTree(f.toFile());
        assertThat(doc.path("kind").asText()).as("%s has a kind", f).isNotEmpty();
        assertThat(BY_KIND.put(doc.path("kind").asText(), doc)).as("one %s", f).isNull();
      }
    }
  }

  private static JsonNode daemonSet() {
    return BY_KIND.get("DaemonSet");
  }

  private static JsonNode container() {
    JsonNode containers = daemonSet().at("/spec/template/spec/containers");
    assertThat(containers.size()).isEqualTo(1);
    return containers.get(0);
  }

  private static Map<String, String> envNames() {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode e : container().path("env")) {
      env.put(e.path("name").asText(), e.path("value").asText(null));
    }
    return env;
  }

  @Test
  void everyManifestIsThereAndTheKustomizationListsThem() throws Exception {
    assertThat(BY_KIND.keySet())
        .containsExactlyInAnyOrder(
            "Namespace",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Secret",
            "ConfigMap",
            "DaemonSet",
            "Kustomization");
    List<String> resources = new ArrayList<>();
    BY_KIND.get("Kustomization").path("resources").forEach(r -> resources.add(r.asText()));
    Set<String> files = new TreeSet<>();
    try (Stream<Path> s = Files.list(DIR)) {
      s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).forEach(files::add);
    }
    // the Secret is created with kubectl, so that apply -k never overwrites the real key
    files.remove("kustomization.yaml");
    files.remove("secret.yaml");
    assertThat(resources).containsExactlyInAnyOrderElementsOf(files);
    for (JsonNode doc : BY_KIND.values()) {
      if (!doc.path("kind").asText().startsWith("Cluster")
          && !doc.path("kind").asText().equals("Namespace")
          && !doc.path("kind").asText().equals("Kustomization")) {
        assertThat(doc.at("/metadata/namespace").asText())
            .isEqualTo(BY_KIND.get("Namespace").at("/metadata/name").asText());
      }
    }
  }

  @Test
  void portsAndProbesAreTheAgentsOwn() {
    JsonNode port = container().path("ports").get(0);
    assertThat(port.path("containerPort").asInt()).isEqualTo(AgentOptions.DEFAULT_METRICS_PORT);
    assertThat(port.path("name").asText()).isEqualTo("prometheus-metrics");
    assertThat(container().at("/livenessProbe/httpGet/path").asText())
        .isEqualTo(StatusServer.HEALTH_PATH);
    assertThat(container().at("/readinessProbe/httpGet/path").asText())
        .isEqualTo(StatusServer.READY_PATH);
    assertThat(container().at("/livenessProbe/httpGet/port").asText())
        .isEqualTo("prometheus-metrics");
    JsonNode annotations = daemonSet().at("/spec/template/metadata/annotations");
    assertThat(annotations.path("prometheus.io/port").asText())
        .isEqualTo(Integer.toString(AgentOptions.DEFAULT_METRICS_PORT));
    assertThat(annotations.path("prometheus.io/path").asText())
        .isEqualTo(StatusServer.METRICS_PATH);
  }

  @Test
  void theDaemonSetIsANodeAgent() {
    JsonNode spec = daemonSet().path("spec");
    assertThat(spec.at("/updateStrategy/type").asText()).isEqualTo("RollingUpdate");
    assertThat(spec.at("/updateStrategy/rollingUpdate/maxUnavailable").asInt()).isEqualTo(1);
    JsonNode pod = spec.at("/template/spec");
    Set<String> tolerated = new TreeSet<>();
    for (JsonNode t : pod.path("tolerations")) {
      assertThat(t.path("operator").asText()).isEqualTo("Exists");
      assertThat(t.has("key")).as("tolerates every key").isFalse();
      tolerated.add(t.path("effect").asText());
    }
    assertThat(tolerated).contains("NoSchedule", "NoExecute");
    assertThat(pod.path("priorityClassName").asText()).isEqualTo("system-node-critical");
    assertThat(pod.path("terminationGracePeriodSeconds").asLong())
        .isGreaterThan(AgentOptions.DEFAULT_SHUTDOWN_TIMEOUT.toSeconds());
    assertThat(container().at("/resources/requests/memory").asText()).isNotEmpty();
    assertThat(container().at("/resources/limits/memory").asText()).isNotEmpty();
    JsonNode nodeName = container().path("env").findParent("fieldPath").path("fieldPath");
    assertThat(nodeName.asText()).isEqualTo("spec.nodeName");
  }

  @Test
  void everyEnvironmentVariableIsOneTheAgentReads() {
    for (String name : envNames().keySet()) {
      boolean read =
          name.equals("LOGCHUTE_CONFIG")
              || ConfigTree.ALIASES.containsKey(name)
              || !AgentOptions.componentEnvironment(Map.of(name, "x")).isEmpty();
      assertThat(read).as("the agent reads %s", name).isTrue();
    }
    assertThat(envNames()).containsKeys("LOGCHUTE_NODE_NAME", "DD_API_KEY", "DD_TAGS");
    JsonNode ref = container().path("env").findParent("secretKeyRef").path("secretKeyRef");
    JsonNode secret = BY_KIND.get("Secret");
    assertThat(ref.path("name").asText()).isEqualTo(secret.at("/metadata/name").asText());
    assertThat(secret.path("stringData").has(ref.path("key").asText())).isTrue();
  }

  @Test
  void mountsCoverTheConfiguredPathsAndTheConfigFile() throws Exception {
    Map<String, Boolean> mounts = new HashMap<>(); // path -> read only
    for (JsonNode m : container().path("volumeMounts")) {
      mounts.put(m.path("mountPath").asText(), m.path("readOnly").asBoolean(false));
    }
    JsonNode config = YAML.readTree(configFile());
    List<String> globs = new ArrayList<>();
    config.path("paths").forEach(p -> globs.add(p.asText()));
    assertThat(globs).isNotEmpty();
    for (String glob : globs) {
      assertThat(mounts.keySet())
          .as("a mount holds %s", glob)
          .anyMatch(m -> glob.startsWith(m + "/"));
    }
    String dataDir = config.path("dataDir").asText(TailerConfig.DEFAULT_DATA_DIR.toString());
    assertThat(mounts).as("checkpoints are writable on the node").containsEntry(dataDir, false);
    String configPath = envNames().get("LOGCHUTE_CONFIG");
    assertThat(mounts).containsEntry(Path.of(configPath).getParent().toString(), true);
    JsonNode configMap = BY_KIND.get("ConfigMap");
    assertThat(configMap.path("data").has(Path.of(configPath).getFileName().toString())).isTrue();
    // the Docker containers directory the links lead to on Docker nodes
    assertThat(mounts).containsEntry("/var/lib/docker/containers", true);
  }

  @Test
  void theConfigFileAndTheEnvironmentPassCheckConfig() throws Exception {
    Path file = work.resolve("logchute.yaml");
    Files.writeString(file, configFile());
    Map<String, String> env = new HashMap<>();
    envNames().forEach((k, v) -> env.put(k, v == null ? "from-kubernetes" : v));
    env.put("LOGCHUTE_CONFIG", file.toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Agent.run(
            new String[] {"--check-config"},
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("# sinks: [datadog]");
  }

  @Test
  void theClusterRoleGrantsReadingPodsAndNamespacesAndNothingMore() {
    JsonNode rules = BY_KIND.get("ClusterRole").path("rules");
    assertThat(rules.size()).isEqualTo(1);
    JsonNode rule = rules.get(0);
    assertThat(strings(rule.path("apiGroups"))).containsExactly("");
    assertThat(strings(rule.path("resources"))).containsExactlyInAnyOrder("pods", "namespaces");
    assertThat(strings(rule.path("verbs"))).containsExactlyInAnyOrder("get", "list", "watch");
    JsonNode binding = BY_KIND.get("ClusterRoleBinding");
    assertThat(binding.at("/roleRef/name").asText())
        .isEqualTo(BY_KIND.get("ClusterRole").at("/metadata/name").asText());
    String account = BY_KIND.get("ServiceAccount").at("/metadata/name").asText();
    assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(account);
    assertThat(daemonSet().at("/spec/template/spec/serviceAccountName").asText())
        .isEqualTo(account);
  }

  private static String configFile() {
    JsonNode data = BY_KIND.get("ConfigMap").path("data");
    return data.path(data.fieldNames().next()).asText();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
