package io.github.logchute.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.logchute.core.Clock;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.config.Redact;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.MetadataEnricher;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Pod, owner, container and namespace metadata from the Kubernetes API, for the log files of this
 * node (and, first, everything {@link PathEnricher} reads from the path).
 *
 * <p>One list and one watch of the pods on this node ({@code fieldSelector=spec.nodeName=<node>},
 * the list with {@code resourceVersion=0} so the API server answers from its cache, bookmarks
 * requested, {@code 410 Gone} → list again, a broken stream → watch again after a jittered
 * back-off), and one list and one watch of namespaces (their labels). The API load does not grow
 * with the number of log files or lines. TLS is always verified against the CA bundle; the bearer
 * token is read from its file again at least every {@link #DEFAULT_TOKEN_REFRESH} and after any
 * 401.
 *
 * <p>{@link #whenReady} completes once the source's pod (by the uid of its {@code /var/log/pods}
 * path, else by namespace and name) is known and namespaces have been listed once; the engine
 * bounds that wait. {@link #enrich} reads memory only. The listener given to {@link #onChange} is
 * called, from the watch's thread, for each source whose pod or namespace labels changed. A deleted
 * pod's metadata is kept while the engine still has one of its files open (until {@link #release})
 * and at least {@link Builder#deletedPodGrace} after the deletion.
 *
 * <pre>{@code
 * MetadataEnricher k8s = KubernetesEnricher.builder()
 *     .apiUrl(URI.create("https://10.96.0.1:443"))
 *     .nodeName(System.getenv("LOGCHUTE_NODE_NAME"))
 *     .metrics(registry)
 *     .build();
 * }</pre>
 */
public final class KubernetesEnricher implements MetadataEnricher {

  public static final Path DEFAULT_TOKEN_FILE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");
  public static final Path DEFAULT_CA_FILE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
  public static final Duration DEFAULT_TOKEN_REFRESH = Duration.ofMinutes(1);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_WATCH_TIMEOUT = Duration.ofMinutes(5);
  public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);
  public static final Duration DEFAULT_DELETED_POD_GRACE = Duration.ofMinutes(5);
  public static final int DEFAULT_MAX_DELETED_PODS = 4096;
  public static final int DEFAULT_MAX_NAMESPACES = 10_000;

  /** The validated settings of one enricher. */
  record Settings(
      URI apiUrl,
      String nodeName,
      Path tokenFile,
      Path caFile,
      Duration tokenRefresh,
      Duration requestTimeout,
      Duration watchTimeout,
      Duration backoffInitial,
      Duration backoffMax,
      Duration deletedPodGrace,
      int maxDeletedPods,
      int maxNamespaces) {}

  private final Settings settings;
  private final PathResolver paths;
  private final PodStore store;
  private final Reflector<PodInfo> pods;
  private final Reflector<NamespaceStore.Namespace> namespaces;
  private final ScheduledThreadPoolExecutor scheduler;
  private final ExecutorService http;

  private KubernetesEnricher(
      Settings s, PathResolver paths, MetricsRegistry registry, Clock clock) {
    this.settings = s;
    this.paths = paths;
    KubeMetrics metrics = new KubeMetrics(registry);
    this.store =
        new PodStore(s.deletedPodGrace(), s.maxDeletedPods(), s.maxNamespaces(), clock, metrics);
    this.scheduler = new ScheduledThreadPoolExecutor(1, daemon("logchute-k8s"));
    scheduler.setRemoveOnCancelPolicy(true);
    this.http = Executors.newCachedThreadPool(daemon("logchute-k8s-http"));
    KubeApi api;
    try {
      api =
          new KubeApi(
              s.apiUrl(),
              s.caFile(),
              s.tokenFile(),
              s.tokenRefresh(),
              s.requestTimeout(),
              clock,
              http);
    } catch (IOException | GeneralSecurityException e) {
      scheduler.shutdownNow();
      http.shutdownNow();
      throw new IllegalArgumentException(
          "cannot set up the Kubernetes API client (caFile "
              + s.caFile()
              + ", tokenFile "
              + s.tokenFile()
              + "): "
              + e.getMessage(),
          e);
    }
    ObjectMapper mapper = new ObjectMapper();
    PodParser parser =
        new PodParser(
            mapper,
            metrics.invalidAnnotations,
            new RateLimitedLogger(
                System.getLogger(PodParser.class.getName()), 10_000_000_000L, clock));
    this.pods =
        new Reflector<>(
            "pods",
            "/api/v1/pods",
            "spec.nodeName=" + s.nodeName(),
            api,
            mapper,
            parser::parse,
            store,
            scheduler,
            s,
            clock,
            ThreadLocalRandom.current(),
            metrics);
    this.namespaces =
        new Reflector<>(
            "namespaces",
            "/api/v1/namespaces",
            null,
            api,
            mapper,
            NamespaceStore.Namespace::parse,
            store.namespaces(),
            scheduler,
            s,
            clock,
            ThreadLocalRandom.current(),
            metrics);
    registry.gauge("logchute_k8s_pods", "Pods of this node known from the watch.", store::livePods);
    registry.gauge(
        "logchute_k8s_deleted_pods_retained",
        "Deleted pods whose metadata is still kept (grace period, or files still being read).",
        store::deletedPods);
    registry.gauge(
        "logchute_k8s_namespaces", "Namespaces known from the watch.", store.namespaces()::size);
    registry.gauge(
        "logchute_k8s_sources",
        "Log files the engine asked about and has not released.",
        store::sources);
    pods.start();
    namespaces.start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The variables {@link #inCluster()} takes the node's name from, the first one set wins. */
  public static final java.util.List<String> NODE_NAME_VARIABLES =
      java.util.List.of("LOGCHUTE_NODE_NAME", "NODE_NAME", "KUBE_NODE_NAME", "MY_NODE_NAME");

  /**
   * A builder set up as a pod sees its cluster: the API server from {@code
   * KUBERNETES_SERVICE_HOST}/{@code _PORT} (an IPv6 address bracketed), the service account's token
   * and CA from their usual files, the node's name from the first of {@link #NODE_NAME_VARIABLES}
   * set (give it from the Downward API's {@code spec.nodeName}). Add {@code .metrics(registry)} to
   * count into the engine's registry, then {@code build()}.
   *
   * @throws IllegalStateException naming the variables missing (not running in a pod)
   */
  public static Builder inCluster() {
    return inCluster(System.getenv());
  }

  /** {@link #inCluster()} with the environment given. */
  public static Builder inCluster(Map<String, String> env) {
    String host = env.get("KUBERNETES_SERVICE_HOST");
    if (host == null || host.isBlank()) {
      throw new IllegalStateException(
          "KUBERNETES_SERVICE_HOST is not set: not running in a Kubernetes pod (outside one, use"
              + " builder().apiUrl(...))");
    }
    String port = env.get("KUBERNETES_SERVICE_PORT");
    host = host.strip();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    String node = null;
    for (String name : NODE_NAME_VARIABLES) {
      String v = env.get(name);
      if (v != null && !v.isBlank()) {
        node = v;
        break;
      }
    }
    if (node == null) {
      throw new IllegalStateException(
          "the node's name is not set: give it in one of "
              + NODE_NAME_VARIABLES
              + " from the Downward API (fieldRef spec.nodeName)");
    }
    return builder()
        .apiUrl(
            URI.create(
                "https://" + host + ":" + (port == null || port.isBlank() ? "443" : port.strip())))
        .nodeName(node);
  }

  @Override
  public CompletionStage<?> whenReady(LogSource source) {
    SourceInfo info = paths.resolve(source);
    if (!info.isPod()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.allOf(store.whenKnown(source, info), namespaces.firstListDone());
  }

  @Override
  public void enrich(LogSource source, SourceMetadata.Builder metadata) {
    SourceInfo info = paths.resolve(source);
    PathEnricher.put(info, metadata);
    if (info.isPod()) {
      store.enrich(source, info, metadata);
    }
  }

  @Override
  public void onChange(Consumer<LogSource> listener) {
    store.listener(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void release(LogSource source) {
    store.release(source);
    paths.release(source);
  }

  @Override
  public void close() {
    pods.close();
    namespaces.close();
    scheduler.shutdownNow();
    http.shutdownNow();
    store.completeAll();
  }

  /** The node whose pods are watched. */
  public String nodeName() {
    return settings.nodeName();
  }

  PodStore store() {
    return store;
  }

  @Override
  public String toString() {
    return "KubernetesEnricher{"
        + Redact.url(settings.apiUrl())
        + ", node "
        + settings.nodeName()
        + "}";
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Builds a {@link KubernetesEnricher}; {@link #apiUrl} and {@link #nodeName} are required. */
  public static final class Builder {
    private URI apiUrl;
    private String nodeName;
    private Path tokenFile = DEFAULT_TOKEN_FILE;
    private Path caFile = DEFAULT_CA_FILE;
    private Duration tokenRefresh = DEFAULT_TOKEN_REFRESH;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration watchTimeout = DEFAULT_WATCH_TIMEOUT;
    private Duration backoffInitial = DEFAULT_BACKOFF_INITIAL;
    private Duration backoffMax = DEFAULT_BACKOFF_MAX;
    private Duration deletedPodGrace = DEFAULT_DELETED_POD_GRACE;
    private int maxDeletedPods = DEFAULT_MAX_DELETED_PODS;
    private int maxNamespaces = DEFAULT_MAX_NAMESPACES;
    private MetricsRegistry metrics = new MetricsRegistry();
    private Clock clock = Clock.system();

    private Builder() {}

    /** The API server, {@code https://host:port} (TLS is mandatory). */
    public Builder apiUrl(URI url) {
      Objects.requireNonNull(url, "apiUrl");
      if (!"https".equals(url.getScheme() == null ? null : url.getScheme().toLowerCase(Locale.ROOT))
          || url.getHost() == null) {
        throw new IllegalArgumentException(
            "apiUrl: expected https://host[:port], got "
                + Redact.url(url)
                + " (TLS is always used)");
      }
      String s = url.toString();
      this.apiUrl = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
      return this;
    }

    /** The node whose pods are watched (the Downward API's {@code spec.nodeName}). */
    public Builder nodeName(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("nodeName: required");
      }
      this.nodeName = name.strip();
      return this;
    }

    /** The service-account token file; null sends no token. */
    public Builder tokenFile(Path file) {
      this.tokenFile = file;
      return this;
    }

    /** The PEM bundle of the CA certificates the API server's certificate must chain to. */
    public Builder caFile(Path file) {
      this.caFile = Objects.requireNonNull(file, "caFile");
      return this;
    }

    /** How long a token read from the file is used before the file is read again (max 1 min). */
    public Builder tokenRefresh(Duration d) {
      this.tokenRefresh = Checks.positive("tokenRefresh", d);
      if (d.compareTo(DEFAULT_TOKEN_REFRESH) > 0) {
        throw new IllegalArgumentException(
            "tokenRefresh: at most " + DEFAULT_TOKEN_REFRESH + " (projected tokens rotate)");
      }
      return this;
    }

    /** Timeout of a list request, and of a watch request's answer. */
    public Builder requestTimeout(Duration d) {
      this.requestTimeout = Checks.positive("requestTimeout", d);
      return this;
    }

    /** How long the API server keeps one watch open ({@code timeoutSeconds}). */
    public Builder watchTimeout(Duration d) {
      this.watchTimeout = Checks.positive("watchTimeout", d);
      return this;
    }

    /** The first and the largest delay between failed attempts (jittered, doubling). */
    public Builder backoff(Duration initial, Duration max) {
      this.backoffInitial = Checks.positive("backoffInitial", initial);
      this.backoffMax = Checks.positive("backoffMax", max);
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("backoffMax: must not be less than backoffInitial");
      }
      return this;
    }

    /** How long a deleted pod's metadata is kept at least (longer while its files are read). */
    public Builder deletedPodGrace(Duration d) {
      Objects.requireNonNull(d, "deletedPodGrace");
      if (d.isNegative()) {
        throw new IllegalArgumentException("deletedPodGrace: must not be negative");
      }
      this.deletedPodGrace = d;
      return this;
    }

    /** Bound of the deleted pods kept (the least used go first beyond it). */
    public Builder maxDeletedPods(int n) {
      this.maxDeletedPods = Checks.atLeastOne("maxDeletedPods", n);
      return this;
    }

    /** Bound of the namespaces whose labels are kept. */
    public Builder maxNamespaces(int n) {
      this.maxNamespaces = Checks.atLeastOne("maxNamespaces", n);
      return this;
    }

    public Builder metrics(MetricsRegistry registry) {
      this.metrics = Objects.requireNonNull(registry, "metrics");
      return this;
    }

    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /**
     * Starts the enricher: its list and watch begin at once, in the background.
     *
     * @throws IllegalStateException if apiUrl or nodeName is missing
     * @throws IllegalArgumentException if the CA or token file cannot be read
     */
    public KubernetesEnricher build() {
      if (apiUrl == null) {
        throw new IllegalStateException("apiUrl: required");
      }
      if (nodeName == null) {
        throw new IllegalStateException("nodeName: required");
      }
      if (watchTimeout.toSeconds() < 1) {
        throw new IllegalArgumentException("watchTimeout: at least 1s");
      }
      Settings s =
          new Settings(
              apiUrl,
              nodeName,
              tokenFile,
              caFile,
              tokenRefresh,
              requestTimeout,
              watchTimeout,
              backoffInitial,
              backoffMax,
              deletedPodGrace,
              maxDeletedPods,
              maxNamespaces);
      return new KubernetesEnricher(s, new PathResolver(metrics, clock), metrics, clock);
    }
  }

  /** Ready once this node's pods have been listed (namespaces may be forbidden: not required). */
  @Override
  public boolean isReady() {
    return pods.synced();
  }
}
