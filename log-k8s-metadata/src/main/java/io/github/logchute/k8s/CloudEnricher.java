package io.github.logchute.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.config.Redact;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.MetadataEnricher;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Cloud instance identity — EC2 (IMDSv2) or GCE — and the host name, for every record.
 *
 * <p>Detection starts when the enricher is built, asks with short timeouts, gives up after {@link
 * Builder#timeout} in total (default {@link #DEFAULT_TIMEOUT}) when nothing answers, logs its
 * outcome once and keeps it for the life of the enricher. {@link CloudProvider#AUTO} probes both
 * services at once, and only when running inside Kubernetes: never from a laptop. {@link
 * #whenReady} is the detection, so a source's first records wait for it (at most the timeout); a
 * source enriched before it finished is reported through {@link #onChange} when it does.
 *
 * <p>Attributes: {@code cloud.provider}, {@code cloud.account.id}, {@code cloud.region}, {@code
 * cloud.availability_zone}, {@code host.id} (EC2); {@code cloud.provider}, {@code
 * cloud.project.id}, {@code cloud.availability_zone}, {@code cloud.region}, {@code host.id}, {@code
 * k8s.cluster.name}, {@code k8s.cluster.location} (GCE); and always {@code host.name}: the EC2
 * instance id on AWS, else the node name.
 */
public final class CloudEnricher implements MetadataEnricher {

  public static final URI DEFAULT_AWS_URL = URI.create("http://169.254.169.254");
  public static final URI DEFAULT_GCP_URL = URI.create("http://metadata.google.internal");
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

  private static final System.Logger LOG = System.getLogger(CloudEnricher.class.getName());

  private final CompletableFuture<CloudInfo> detection;
  private final String nodeName;
  private final String clusterName;
  private final ExecutorService executor;
  private final Set<LogSource> early = ConcurrentHashMap.newKeySet();
  private volatile Consumer<LogSource> listener = s -> {};

  private CloudEnricher(Builder b) {
    this.nodeName = b.nodeName;
    this.clusterName = b.clusterName;
    CloudProvider p = b.provider;
    if (p == CloudProvider.NONE || (p == CloudProvider.AUTO && !b.inKubernetes)) {
      this.executor = null;
      this.detection = CompletableFuture.completedFuture(CloudInfo.NONE);
    } else {
      this.executor =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "logchute-cloud-metadata");
                t.setDaemon(true);
                return t;
              });
      HttpClient client =
          HttpClient.newBuilder()
              .connectTimeout(b.timeout)
              .proxy(HttpClient.Builder.NO_PROXY)
              .followRedirects(HttpClient.Redirect.NEVER)
              .version(HttpClient.Version.HTTP_1_1)
              .executor(executor)
              .build();
      ObjectMapper mapper = new ObjectMapper();
      List<Probe> probes = new ArrayList<>();
      if (p != CloudProvider.GCP) {
        probes.add(new Probe("aws", new Ec2Metadata(client, b.awsUrl, b.timeout, mapper).detect()));
      }
      if (p != CloudProvider.AWS) {
        probes.add(new Probe("gcp", new GceMetadata(client, b.gcpUrl, b.timeout).detect()));
      }
      this.detection = race(probes, b.timeout, p);
    }
    b.metrics.gauge(
        "logchute_cloud_metadata_detected",
        "1 when cloud instance metadata was found (EC2 or GCE), else 0.",
        () -> detection.getNow(CloudInfo.NONE).detected() ? 1 : 0);
    detection.whenComplete((info, e) -> detected());
  }

  public static Builder builder() {
    return new Builder();
  }

  private record Probe(String name, CompletableFuture<CloudInfo> result) {}

  /** The first probe that finds its service wins; nothing after {@code timeout} means none. */
  private CompletableFuture<CloudInfo> race(
      List<Probe> probes, Duration timeout, CloudProvider asked) {
    CompletableFuture<CloudInfo> result = new CompletableFuture<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicInteger pending = new AtomicInteger(probes.size());
    for (Probe probe : probes) {
      probe
          .result()
          .whenComplete(
              (info, e) -> {
                if (info != null) {
                  result.complete(info);
                  return;
                }
                Throwable cause =
                    e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                failures.add(probe.name() + ": " + cause);
                if (pending.decrementAndGet() == 0) {
                  result.complete(CloudInfo.NONE);
                }
              });
    }
    result.completeOnTimeout(CloudInfo.NONE, timeout.toNanos(), TimeUnit.NANOSECONDS);
    return result.whenComplete(
        (info, e) -> {
          List<String> why = new ArrayList<>(failures); // before cancelling adds to it
          for (Probe probe : probes) {
            probe.result().cancel(true);
          }
          if (info != null && info.detected()) {
            LOG.log(Level.INFO, "cloud metadata: {0} {1}", info.provider(), info.attributes());
          } else {
            for (Probe probe : probes) {
              if (why.stream().noneMatch(s -> s.startsWith(probe.name() + ":"))) {
                why.add(probe.name() + ": no answer within " + timeout.toMillis() + " ms");
              }
            }
            LOG.log(
                asked == CloudProvider.AUTO ? Level.INFO : Level.WARNING,
                "cloud metadata ({0}): none found; records carry no cloud attributes ({1})",
                asked.name().toLowerCase(Locale.ROOT),
                String.join("; ", why));
          }
          if (executor != null) {
            executor.shutdown();
          }
        });
  }

  private void detected() {
    for (LogSource s : List.copyOf(early)) {
      early.remove(s);
      try {
        listener.accept(s);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "the metadata change listener failed on {0}: {1}", s, e);
      }
    }
  }

  @Override
  public CompletionStage<?> whenReady(LogSource source) {
    return detection.copy(); // callers cannot complete ours
  }

  @Override
  public void enrich(LogSource source, SourceMetadata.Builder metadata) {
    CloudInfo info = detection.getNow(null);
    if (info == null) {
      early.add(source);
      if (detection.isDone()) {
        early.remove(source);
        info = detection.join();
      } else {
        info = CloudInfo.NONE;
      }
    }
    metadata.putAll(info.attributes());
    if (clusterName != null) {
      metadata.put(MetadataKeys.K8S_CLUSTER_NAME, clusterName);
    }
    String host = info.hostName() != null ? info.hostName() : nodeName;
    if (host == null) {
      host = metadata.get(MetadataKeys.K8S_NODE_NAME);
    }
    if (host != null) {
      metadata.put(MetadataKeys.HOST_NAME, host);
    }
  }

  @Override
  public void onChange(Consumer<LogSource> l) {
    this.listener = Objects.requireNonNull(l, "listener");
  }

  @Override
  public void release(LogSource source) {
    early.remove(source);
  }

  @Override
  public void close() {
    detection.complete(CloudInfo.NONE);
    if (executor != null) {
      executor.shutdownNow();
    }
  }

  /**
   * The detection's outcome: the attributes found, empty when none. Completes within the timeout.
   */
  public CompletableFuture<Map<String, String>> detection() {
    return detection.thenApply(CloudInfo::attributes);
  }

  /** Builds a {@link CloudEnricher}; every setting has a default. */
  public static final class Builder {
    private CloudProvider provider = CloudProvider.AUTO;
    private boolean inKubernetes;
    private URI awsUrl = DEFAULT_AWS_URL;
    private URI gcpUrl = DEFAULT_GCP_URL;
    private Duration timeout = DEFAULT_TIMEOUT;
    private String nodeName;
    private String clusterName;
    private MetricsRegistry metrics = new MetricsRegistry();

    private Builder() {}

    /** Which service to ask; {@link CloudProvider#AUTO} by default. */
    public Builder provider(CloudProvider p) {
      this.provider = Objects.requireNonNull(p, "provider");
      return this;
    }

    /**
     * Whether the agent runs inside Kubernetes ({@code KUBERNETES_SERVICE_HOST} set): {@link
     * CloudProvider#AUTO} probes only then. False by default.
     */
    public Builder inKubernetes(boolean b) {
      this.inKubernetes = b;
      return this;
    }

    /** The EC2 metadata service's base URL (default {@code http://169.254.169.254}). */
    public Builder awsUrl(URI url) {
      this.awsUrl = httpUrl("awsUrl", url);
      return this;
    }

    /** The GCE metadata server's base URL (default {@code http://metadata.google.internal}). */
    public Builder gcpUrl(URI url) {
      this.gcpUrl = httpUrl("gcpUrl", url);
      return this;
    }

    /** The whole detection's time limit, every request included (default 1 s). */
    public Builder timeout(Duration d) {
      this.timeout = Checks.positive("timeout", d);
      return this;
    }

    /** The node name: {@code host.name} when the cloud does not give one. */
    public Builder nodeName(String name) {
      this.nodeName = name == null || name.isBlank() ? null : name.strip();
      return this;
    }

    /** A cluster name to set when known better than the cloud's ({@code k8s.cluster.name}). */
    public Builder clusterName(String name) {
      this.clusterName = name == null || name.isBlank() ? null : name.strip();
      return this;
    }

    public Builder metrics(MetricsRegistry registry) {
      this.metrics = Objects.requireNonNull(registry, "metrics");
      return this;
    }

    /** Starts the detection in the background and returns the enricher. */
    public CloudEnricher build() {
      return new CloudEnricher(this);
    }

    private static URI httpUrl(String name, URI url) {
      Objects.requireNonNull(url, name);
      String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
        throw new IllegalArgumentException(
            name + ": expected http://host[:port], got " + Redact.url(url));
      }
      String s = url.toString();
      return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }
  }
}
