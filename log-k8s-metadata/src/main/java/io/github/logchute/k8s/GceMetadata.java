package io.github.logchute.k8s;

import io.github.logchute.core.MetadataKeys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * GCE metadata server: every request carries {@code Metadata-Flavor: Google} and an answer counts
 * only when it carries that header too (so another server on the address is not taken for GCE).
 * Project id, zone, instance id and, on GKE, the cluster-name and cluster-location attributes are
 * asked for at once.
 */
final class GceMetadata {

  static final String PREFIX = "/computeMetadata/v1/";
  static final String FLAVOR = "Metadata-Flavor";
  static final String GOOGLE = "Google";

  private final HttpClient client;
  private final URI base;
  private final Duration timeout;

  GceMetadata(HttpClient client, URI base, Duration timeout) {
    this.client = client;
    this.base = base;
    this.timeout = timeout;
  }

  /** Completes with the instance's metadata, or fails with the reason it is not GCE. */
  CompletableFuture<CloudInfo> detect() {
    CompletableFuture<String> project = get("project/project-id", true);
    CompletableFuture<String> zone = optional("instance/zone");
    CompletableFuture<String> id = optional("instance/id");
    CompletableFuture<String> cluster = optional("instance/attributes/cluster-name");
    CompletableFuture<String> location = optional("instance/attributes/cluster-location");
    return CompletableFuture.allOf(project, zone, id, cluster, location)
        .thenApply(
            v -> {
              Map<String, String> a = new LinkedHashMap<>();
              a.put(MetadataKeys.CLOUD_PROVIDER, "gcp");
              a.put(MetadataKeys.CLOUD_PROJECT_ID, project.join());
              String z = lastSegment(zone.join());
              if (z != null) {
                a.put(MetadataKeys.CLOUD_AVAILABILITY_ZONE, z);
                int dash = z.lastIndexOf('-');
                if (dash > 0 && z.indexOf('-') < dash) {
                  a.put(MetadataKeys.CLOUD_REGION, z.substring(0, dash));
                }
              }
              put(a, MetadataKeys.HOST_ID, id.join());
              put(a, MetadataKeys.K8S_CLUSTER_NAME, cluster.join());
              put(a, MetadataKeys.K8S_CLUSTER_LOCATION, location.join());
              return new CloudInfo("gcp", Map.copyOf(a), null);
            });
  }

  /** The value at {@code path}, or null when it is absent or cannot be had. */
  private CompletableFuture<String> optional(String path) {
    return get(path, false).exceptionally(e -> null);
  }

  /** The value at {@code path}; null when absent (404) unless {@code required}. */
  private CompletableFuture<String> get(String path, boolean required) {
    return client
        .sendAsync(
            HttpRequest.newBuilder(URI.create(base + PREFIX + path))
                .timeout(timeout)
                .header(FLAVOR, GOOGLE)
                .GET()
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .thenApply(
            r -> {
              boolean google = GOOGLE.equals(r.headers().firstValue(FLAVOR).orElse(null));
              if (r.statusCode() == 200 && google && !r.body().isBlank()) {
                return r.body().strip();
              }
              if (!required && google && r.statusCode() == 404) {
                return null;
              }
              throw new CompletionException(
                  new IOException(
                      path
                          + ": HTTP "
                          + r.statusCode()
                          + (google ? "" : " without " + FLAVOR + ": " + GOOGLE)));
            });
  }

  private static String lastSegment(String s) {
    if (s == null) {
      return null;
    }
    int slash = s.lastIndexOf('/');
    return slash >= 0 ? s.substring(slash + 1) : s;
  }

  private static void put(Map<String, String> a, String k, String v) {
    if (v != null) {
      a.put(k, v);
    }
  }
}
