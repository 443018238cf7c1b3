package io.github.logchute.k8s;

import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;

/** The Kubernetes enricher's counters, looked up once. */
final class KubeMetrics {

  final Counter cacheHits;
  final Counter cacheMisses;
  final Counter withoutMetadata;
  final Counter invalidAnnotations;
  private final MetricsRegistry registry;

  KubeMetrics(MetricsRegistry registry) {
    this.registry = registry;
    this.cacheHits =
        registry.counter(
            "logchute_k8s_cache_hits_total",
            "Enrichments (once per source and per change, never per line) that found the pod.");
    this.cacheMisses =
        registry.counter(
            "logchute_k8s_cache_misses_total",
            "Enrichments that did not find the pod (not yet seen by the watch, or long gone).");
    this.withoutMetadata =
        registry.counter(
            "logchute_k8s_sources_without_metadata_total",
            "Sources whose pod was unknown when first enriched: their first records went out with"
                + " the metadata of their path only.");
    this.invalidAnnotations =
        registry.counter(
            "logchute_k8s_annotations_invalid_total",
            "ad.datadoghq.com/<container>.logs annotations that are not JSON log configurations.");
  }

  ForResource forResource(String resource) {
    return new ForResource(registry, resource);
  }

  /** The counters of one reflector ({@code resource="pods"}). */
  static final class ForResource {
    final Counter watchRestarts;
    final Counter relists;
    final Counter apiErrors;
    final Counter events;
    private final MetricsRegistry registry;
    private final String resource;

    ForResource(MetricsRegistry registry, String resource) {
      this.registry = registry;
      this.resource = resource;
      this.watchRestarts =
          registry.counter(
              "logchute_k8s_watch_restarts_total",
              "Watches that ended (server timeout, broken stream, error) and were opened again.",
              "resource",
              resource);
      this.relists =
          registry.counter(
              "logchute_k8s_relists_total",
              "Lists made again because the watch's resourceVersion expired (410 Gone).",
              "resource",
              resource);
      this.apiErrors =
          registry.counter(
              "logchute_k8s_api_errors_total",
              "Failed Kubernetes API requests and error events (connection, TLS, HTTP status,"
                  + " unreadable body).",
              "resource",
              resource);
      this.events =
          registry.counter(
              "logchute_k8s_watch_events_total",
              "Watch events received (including bookmarks).",
              "resource",
              resource);
    }

    Counter requests(String verb) {
      return registry.counter(
          "logchute_k8s_api_requests_total",
          "Kubernetes API requests made, by verb (list, watch): the load logchute puts on the API"
              + " server.",
          "resource",
          resource,
          "verb",
          verb);
    }
  }
}
