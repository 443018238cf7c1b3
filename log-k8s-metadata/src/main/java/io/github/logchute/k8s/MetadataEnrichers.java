package io.github.logchute.k8s;

import io.github.logchute.core.Clock;
import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.MetadataEnricher;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's entry point to this module: the whole metadata chain from one {@code metadata}
 * configuration section, and the environment variables that feed it.
 *
 * <p>The chain, in order: {@link KubernetesEnricher} when the Kubernetes API is configured, else
 * {@link PathEnricher}; then {@link CloudEnricher}; then {@link StaticTagsEnricher} when tags are
 * given. Keys and variables are listed in the module's README.
 */
public final class MetadataEnrichers {

  private MetadataEnrichers() {}

  /**
   * Maps the environment variables this module knows to keys of the {@code metadata} section. Blank
   * variables are ignored. {@code LOGCHUTE_K8S_API_URL} wins over {@code
   * KUBERNETES_SERVICE_HOST}/{@code _PORT}.
   */
  public static Map<String, String> settingsFromEnv(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    String host = value(env, "KUBERNETES_SERVICE_HOST");
    if (host != null) {
      String port = value(env, "KUBERNETES_SERVICE_PORT");
      String h = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
      out.put("apiUrl", "https://" + h + ":" + (port == null ? "443" : port));
      out.put("inKubernetes", "true");
    }
    map(env, "LOGCHUTE_K8S_API_URL", "apiUrl", out);
    map(env, "LOGCHUTE_K8S_METADATA", "kubernetes", out);
    map(env, "LOGCHUTE_NODE_NAME", "nodeName", out);
    map(env, "LOGCHUTE_K8S_TOKEN_FILE", "tokenFile", out);
    map(env, "LOGCHUTE_K8S_CA_FILE", "caFile", out);
    map(env, "LOGCHUTE_CLOUD", "cloud", out);
    map(env, "LOGCHUTE_AWS_METADATA_URL", "awsMetadataUrl", out);
    map(env, "LOGCHUTE_GCP_METADATA_URL", "gcpMetadataUrl", out);
    map(env, "LOGCHUTE_CLUSTER_NAME", "clusterName", out);
    map(env, "DD_TAGS", "tags", out);
    return out;
  }

  /**
   * Builds and starts the chain configured by {@code section}.
   *
   * @throws ConfigException naming the key for any invalid or unknown setting
   */
  public static MetadataEnricher fromConfig(
      ConfigSection section, MetricsRegistry metrics, Clock clock) {
    // Every key is read first, so that requireAllKeysUsed() knows them whatever is enabled.
    String kubernetes = section.string("kubernetes", "auto").strip().toLowerCase(Locale.ROOT);
    String apiUrl = section.string("apiUrl", null);
    String nodeName = section.string("nodeName", null);
    String tokenFile =
        section.string("tokenFile", KubernetesEnricher.DEFAULT_TOKEN_FILE.toString());
    String caFile = section.string("caFile", KubernetesEnricher.DEFAULT_CA_FILE.toString());
    Duration tokenRefresh =
        section.duration("tokenRefresh", KubernetesEnricher.DEFAULT_TOKEN_REFRESH);
    Duration requestTimeout =
        section.duration("requestTimeout", KubernetesEnricher.DEFAULT_REQUEST_TIMEOUT);
    Duration watchTimeout =
        section.duration("watchTimeout", KubernetesEnricher.DEFAULT_WATCH_TIMEOUT);
    Duration backoffInitial =
        section.duration("backoffInitial", KubernetesEnricher.DEFAULT_BACKOFF_INITIAL);
    Duration backoffMax = section.duration("backoffMax", KubernetesEnricher.DEFAULT_BACKOFF_MAX);
    Duration grace =
        section.duration("deletedPodGrace", KubernetesEnricher.DEFAULT_DELETED_POD_GRACE);
    int maxDeleted = section.integer("maxDeletedPods", KubernetesEnricher.DEFAULT_MAX_DELETED_PODS);
    int maxNamespaces = section.integer("maxNamespaces", KubernetesEnricher.DEFAULT_MAX_NAMESPACES);
    boolean inKubernetes = section.bool("inKubernetes", false);
    String cloud = section.string("cloud", "auto");
    String awsUrl = section.string("awsMetadataUrl", CloudEnricher.DEFAULT_AWS_URL.toString());
    String gcpUrl = section.string("gcpMetadataUrl", CloudEnricher.DEFAULT_GCP_URL.toString());
    Duration cloudTimeout = section.duration("cloudTimeout", CloudEnricher.DEFAULT_TIMEOUT);
    String clusterName = section.string("clusterName", null);
    List<String> tags = tags(section);
    section.requireAllKeysUsed();

    boolean k8s;
    switch (kubernetes) {
      case "auto":
        k8s = apiUrl != null && !apiUrl.isBlank();
        break;
      case "true":
        k8s = true;
        break;
      case "false":
        k8s = false;
        break;
      default:
        throw new ConfigException(
            section.keyPath("kubernetes"),
            "expected auto, true or false, got '" + kubernetes + "'");
    }

    List<MetadataEnricher> chain = new ArrayList<>();
    try {
      if (k8s) {
        chain.add(
            kubernetes(
                section,
                apiUrl,
                nodeName,
                tokenFile,
                caFile,
                metrics,
                clock,
                b -> {
                  at(section, "tokenRefresh", () -> b.tokenRefresh(tokenRefresh));
                  at(section, "requestTimeout", () -> b.requestTimeout(requestTimeout));
                  at(section, "watchTimeout", () -> b.watchTimeout(watchTimeout));
                  at(section, "backoffMax", () -> b.backoff(backoffInitial, backoffMax));
                  at(section, "deletedPodGrace", () -> b.deletedPodGrace(grace));
                  at(section, "maxDeletedPods", () -> b.maxDeletedPods(maxDeleted));
                  at(section, "maxNamespaces", () -> b.maxNamespaces(maxNamespaces));
                }));
      } else {
        chain.add(PathEnricher.create(metrics, clock));
      }
      CloudEnricher.Builder cb =
          CloudEnricher.builder()
              .inKubernetes(inKubernetes)
              .nodeName(nodeName)
              .clusterName(clusterName)
              .metrics(metrics);
      at(section, "cloud", () -> cb.provider(CloudProvider.parse(cloud)));
      at(section, "awsMetadataUrl", () -> cb.awsUrl(URI.create(awsUrl.strip())));
      at(section, "gcpMetadataUrl", () -> cb.gcpUrl(URI.create(gcpUrl.strip())));
      at(section, "cloudTimeout", () -> cb.timeout(cloudTimeout));
      chain.add(cb.build());
      if (!tags.isEmpty()) {
        StaticTagsEnricher[] t = new StaticTagsEnricher[1];
        at(section, "tags", () -> t[0] = StaticTagsEnricher.of(tags));
        chain.add(t[0]);
      }
    } catch (RuntimeException e) {
      chain.forEach(MetadataEnricher::close);
      throw e;
    }
    return chain.size() == 1 ? chain.get(0) : MetadataEnricher.composite(chain);
  }

  private static KubernetesEnricher kubernetes(
      ConfigSection section,
      String apiUrl,
      String nodeName,
      String tokenFile,
      String caFile,
      MetricsRegistry metrics,
      Clock clock,
      java.util.function.Consumer<KubernetesEnricher.Builder> tuning) {
    if (apiUrl == null || apiUrl.isBlank()) {
      throw new ConfigException(
          section.keyPath("apiUrl"),
          "is required when kubernetes is true (set KUBERNETES_SERVICE_HOST/_PORT or"
              + " LOGCHUTE_K8S_API_URL)");
    }
    if (nodeName == null || nodeName.isBlank()) {
      throw new ConfigException(
          section.keyPath("nodeName"),
          "is required to watch this node's pods (set LOGCHUTE_NODE_NAME from the Downward API"
              + " field spec.nodeName)");
    }
    KubernetesEnricher.Builder b =
        KubernetesEnricher.builder().nodeName(nodeName).metrics(metrics).clock(clock);
    at(section, "apiUrl", () -> b.apiUrl(URI.create(apiUrl.strip())));
    Path ca = readable(section, "caFile", caFile);
    b.caFile(ca);
    b.tokenFile(tokenFile.isBlank() ? null : readable(section, "tokenFile", tokenFile));
    tuning.accept(b);
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(section.keyPath("caFile"), e.getMessage());
    }
  }

  private static Path readable(ConfigSection section, String key, String file) {
    Path p = Path.of(file.strip());
    if (!Files.isReadable(p)) {
      throw new ConfigException(section.keyPath(key), "cannot read the file " + p);
    }
    return p;
  }

  /**
   * {@code tags}: a YAML list, a JSON list in a string, or a string of items separated by spaces or
   * commas (DD_TAGS).
   */
  private static List<String> tags(ConfigSection section) {
    String s = section.string("tags", null);
    if (s == null || s.isBlank()) {
      return List.of();
    }
    try {
      return StaticTagsEnricher.parseItems(s);
    } catch (IllegalArgumentException e) {
      if (s.strip().startsWith("[\"")) {
        throw new ConfigException(section.keyPath("tags"), e.getMessage());
      }
      // A YAML list reaches us as its toString(), "[a, b]": read it as a list.
      return section.stringList("tags", List.of());
    }
  }

  private static void at(ConfigSection section, String key, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ConfigException(section.keyPath(key), e.getMessage());
    }
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static void map(
      Map<String, String> env, String name, String key, Map<String, String> out) {
    String v = value(env, name);
    if (v != null) {
      out.put(key, v);
    }
  }
}
