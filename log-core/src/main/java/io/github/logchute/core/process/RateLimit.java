package io.github.logchute.core.process;

import io.github.logchute.core.Clock;
import io.github.logchute.core.ContainerRef;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.Severity;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-container rate limits: each container gets a token bucket of lines per second and bytes per
 * second (message bytes) that holds {@code burst} worth of its rate. A record that finds either
 * bucket empty is dropped and counted ({@code logchute_throttled_records_total}, {@code
 * logchute_throttled_bytes_total} by pod); at most once per {@code summaryInterval} a container
 * that had records dropped gets one summary record into the stream — "N lines, M bytes dropped by
 * rate limit", with the container's metadata and the counts as fields — so the drop is visible in
 * the log service itself. Each container has its own buckets, and dropping costs no waiting: a
 * throttled container never slows another down.
 *
 * <p>The limit is the global one, unless the pod sets its own with the annotation {@code
 * logchute.io/rate-limit} (or {@code logchute.io/<container>.rate-limit} for one container, which
 * wins): {@code "linesPerSecond=200, bytesPerSecond=256KiB, burst=5s"} (keys left out keep the
 * global value; {@code 0} lifts that bound), or {@code "none"}. An invalid value is reported once
 * (a log line naming the pod, {@code logchute_rate_limit_invalid_total}) and ignored. A changed
 * annotation applies from the next record, with full buckets.
 *
 * <p>Time is the injected clock's: the buckets refill with processing time, not with the records'
 * timestamps. Summaries go out with the next batch any container emits once they are due (see
 * {@link RecordProcessor#drain}); on a node where nothing at all is logged any more, a last summary
 * waits for the next line. Thread-safe.
 */
public final class RateLimit implements RecordProcessor {

  /** The pod annotation holding a limit for all of its containers. */
  public static final String POD_ANNOTATION = "logchute.io/rate-limit";

  /** The default interval between two summary records of one container. */
  public static final Duration DEFAULT_SUMMARY_INTERVAL = Duration.ofSeconds(10);

  /** A container seen no more for this long is forgotten (its buckets refill anyway). */
  static final long IDLE_NANOS = Duration.ofMinutes(10).toNanos();

  private static final long SWEEP_NANOS = Duration.ofMinutes(1).toNanos();
  private static final RateLimitedLogger LOG =
      RateLimitedLogger.every10Seconds(RateLimit.class.getName());

  /**
   * A limit.
   *
   * @param linesPerSecond records per second; 0: no bound on lines
   * @param bytesPerSecond message bytes per second; 0: no bound on bytes
   * @param burst how much of the rate the buckets hold: a container quiet for this long may send
   *     this much at once
   */
  public record Limit(long linesPerSecond, long bytesPerSecond, Duration burst) {

    /** No limit. */
    public static final Limit NONE = new Limit(0, 0, Duration.ofSeconds(1));

    /** The default burst: one second of the rate. */
    public static final Duration DEFAULT_BURST = Duration.ofSeconds(1);

    public Limit {
      Objects.requireNonNull(burst, "burst");
      if (linesPerSecond < 0 || bytesPerSecond < 0) {
        throw new IllegalArgumentException("a rate cannot be negative");
      }
      if (burst.isNegative() || burst.isZero()) {
        throw new IllegalArgumentException("burst must be positive, got " + burst);
      }
    }

    /** Whether nothing is limited. */
    public boolean unlimited() {
      return linesPerSecond == 0 && bytesPerSecond == 0;
    }

    /**
     * Reads {@code linesPerSecond}, {@code bytesPerSecond} (a size: {@code 256KiB}) and {@code
     * burst} (a duration: {@code 2s}) from {@code section}; keys left out keep {@code defaults}'.
     *
     * @throws ConfigException naming the key on a bad value
     */
    public static Limit fromConfig(ConfigSection section, Limit defaults) {
      long lines = section.longValue("linesPerSecond", defaults.linesPerSecond);
      long bytes = section.bytes("bytesPerSecond", defaults.bytesPerSecond);
      Duration burst = section.duration("burst", defaults.burst);
      if (lines < 0) {
        throw new ConfigException(section.keyPath("linesPerSecond"), "cannot be negative");
      }
      if (bytes < 0) {
        throw new ConfigException(section.keyPath("bytesPerSecond"), "cannot be negative");
      }
      if (burst.isNegative() || burst.isZero()) {
        throw new ConfigException(section.keyPath("burst"), "must be positive");
      }
      return new Limit(lines, bytes, burst);
    }

    /**
     * The limit at {@code key} of {@code parent}: a section of {@link #fromConfig}'s keys, or a
     * string in the annotation's form ({@link #parse}); {@link #NONE} when absent.
     *
     * @throws ConfigException naming the key on a bad value
     */
    public static Limit fromSetting(ConfigSection parent, String key) {
      if (parent.isSection(key)) {
        ConfigSection section = parent.section(key);
        Limit limit = fromConfig(section, NONE);
        section.requireAllKeysUsed();
        return limit;
      }
      String value = parent.string(key, null);
      if (value == null || value.isBlank()) {
        return NONE;
      }
      try {
        return parse(parent.keyPath(key), value, NONE);
      } catch (IllegalArgumentException e) {
        if (e.getCause() instanceof ConfigException c) {
          throw c;
        }
        throw new ConfigException(parent.keyPath(key), e.getMessage());
      }
    }

    /**
     * An annotation's value over {@code defaults}: {@code none} (or {@code off}), or
     * comma-separated {@code key=value} pairs of {@link #fromConfig}'s keys.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Limit parse(String where, String value, Limit defaults) {
      String v = value.strip();
      String lower = v.toLowerCase(Locale.ROOT);
      if (lower.equals("none") || lower.equals("off") || lower.equals("unlimited")) {
        return NONE;
      }
      Map<String, String> pairs = new LinkedHashMap<>();
      for (String item : v.split(",")) {
        if (item.isBlank()) {
          continue;
        }
        int eq = item.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException(
              "expected key=value pairs (linesPerSecond, bytesPerSecond, burst) or none, got '"
                  + item.strip()
                  + "'");
        }
        pairs.put(item.substring(0, eq).strip(), item.substring(eq + 1).strip());
      }
      if (pairs.isEmpty()) {
        throw new IllegalArgumentException("empty");
      }
      ConfigSection section = ConfigSection.of(where, pairs);
      try {
        Limit limit = fromConfig(section, defaults);
        section.requireAllKeysUsed();
        return limit;
      } catch (ConfigException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }

    @Override
    public String toString() {
      if (unlimited()) {
        return "none";
      }
      List<String> parts = new ArrayList<>(3);
      if (linesPerSecond > 0) {
        parts.add(linesPerSecond + " lines/s");
      }
      if (bytesPerSecond > 0) {
        parts.add(bytesPerSecond + " bytes/s");
      }
      parts.add("burst " + burst.toMillis() + " ms");
      return String.join(", ", parts);
    }
  }

  private final Limit global;
  private final long summaryNanos;
  private final MetricsRegistry metrics;
  private final Clock clock;
  private final Map<Object, Bucket> buckets = new ConcurrentHashMap<>();
  private final AtomicLong earliestDue = new AtomicLong(Long.MAX_VALUE);
  private volatile long nextSweep;

  /**
   * @param global the limit of containers whose pod sets none ({@link Limit#NONE}: only pods that
   *     set one are limited)
   * @param summaryInterval at most one summary record per container in this time
   */
  public RateLimit(Limit global, Duration summaryInterval, MetricsRegistry metrics, Clock clock) {
    this.global = Objects.requireNonNull(global, "global");
    if (summaryInterval.isNegative() || summaryInterval.isZero()) {
      throw new IllegalArgumentException("summaryInterval must be positive");
    }
    this.summaryNanos = summaryInterval.toNanos();
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.nextSweep = clock.nanoTime() + SWEEP_NANOS;
  }

  @Override
  public LogRecord process(LogRecord r) {
    ContainerRef ref = r.source().container().orElse(null);
    Object key = ref != null ? ref : r.source().path();
    Bucket b = buckets.get(key);
    if (b == null) {
      b = buckets.computeIfAbsent(key, k -> new Bucket());
    }
    long now = clock.nanoTime();
    synchronized (b) {
      b.lastSeen = now;
      Limit limit = b.limit(r, now);
      if (limit.unlimited()) {
        return r;
      }
      b.refill(now);
      int size = r.messageLength();
      if ((limit.linesPerSecond == 0 || b.lines >= 1)
          && (limit.bytesPerSecond == 0 || b.bytes > 0)) {
        b.lines -= 1;
        b.bytes -= size;
        return r;
      }
      if (b.droppedLines == 0) {
        b.windowStart = now;
        earliestDue.accumulateAndGet(now + summaryNanos, Math::min);
      }
      b.droppedLines++;
      b.droppedBytes += size;
      b.last = r;
      Counters c = b.counters(r);
      c.records().increment();
      c.bytes().add(size);
      return null;
    }
  }

  @Override
  public List<LogRecord> drain() {
    long now = clock.nanoTime();
    if (now < earliestDue.get() && now < nextSweep) {
      return List.of();
    }
    synchronized (this) {
      boolean sweep = now >= nextSweep;
      if (sweep) {
        nextSweep = now + SWEEP_NANOS;
      }
      earliestDue.set(Long.MAX_VALUE);
      List<LogRecord> out = new ArrayList<>(0);
      for (Map.Entry<Object, Bucket> e : buckets.entrySet()) {
        Bucket b = e.getValue();
        synchronized (b) {
          if (b.droppedLines > 0) {
            long due = b.windowStart + summaryNanos;
            if (now >= due) {
              out.add(b.summary(now));
            } else {
              earliestDue.accumulateAndGet(due, Math::min);
            }
          } else if (sweep && now - b.lastSeen > IDLE_NANOS) {
            buckets.remove(e.getKey(), b);
          }
        }
      }
      return out;
    }
  }

  /** Containers with a bucket now (for tests of the memory bound). */
  int tracked() {
    return buckets.size();
  }

  /** The pod's and the container's annotations over the global limit. */
  private Limit resolve(LogRecord r, String pod, String own) {
    Limit limit = global;
    if (pod != null) {
      limit = parseOrReport(r, POD_ANNOTATION, pod, limit);
    }
    if (own != null) {
      limit = parseOrReport(r, "logchute.io/<container>.rate-limit", own, limit);
    }
    return limit;
  }

  private Limit parseOrReport(LogRecord r, String where, String value, Limit over) {
    try {
      return Limit.parse(where, value, over);
    } catch (IllegalArgumentException e) {
      String ns = namespace(r);
      String pod = pod(r);
      metrics
          .counter(
              "logchute_rate_limit_invalid_total",
              "Invalid rate limits in pod annotations (each ignored), by pod.",
              "namespace",
              ns,
              "pod",
              pod)
          .increment();
      LOG.logFor(
          ns + "/" + pod + "/" + where,
          Level.WARNING,
          "pod {0}/{1}: the rate limit in {2} is ignored: {3}",
          ns,
          pod,
          where,
          e.getMessage());
      return over;
    }
  }

  private static String namespace(LogRecord r) {
    String ns = r.metadata().get(MetadataKeys.K8S_NAMESPACE);
    return ns != null ? ns : r.source().container().map(ContainerRef::namespace).orElse("");
  }

  private static String pod(LogRecord r) {
    String pod = r.metadata().get(MetadataKeys.K8S_POD_NAME);
    return pod != null ? pod : r.source().container().map(ContainerRef::pod).orElse("");
  }

  private static String container(LogRecord r) {
    String c = r.metadata().get(MetadataKeys.K8S_CONTAINER_NAME);
    return c != null ? c : r.source().container().map(ContainerRef::container).orElse(null);
  }

  private record Counters(Counter records, Counter bytes) {}

  /** One container's buckets and what it had dropped since its last summary. */
  private final class Bucket {
    private SourceMetadata seenMetadata;
    private Limit limit;
    private double lines;
    private double bytes;
    private long refilledAt;
    private long lastSeen;
    private long droppedLines;
    private long droppedBytes;
    private long windowStart;
    private LogRecord last;
    private Counters counters;
    private String seenPod;

    /**
     * The limit for {@code r}: looked up again only when the source's metadata changed (the
     * enricher gives the same instance until then).
     */
    Limit limit(LogRecord r, long now) {
      SourceMetadata m = r.metadata();
      if (m != seenMetadata || limit == null) {
        String c = container(r);
        String pod = m.get(MetadataKeys.K8S_POD_ANNOTATION_PREFIX + POD_ANNOTATION);
        String own =
            c == null
                ? null
                : m.get(
                    MetadataKeys.K8S_POD_ANNOTATION_PREFIX + "logchute.io/" + c + ".rate-limit");
        Limit next = limit != null && m.equals(seenMetadata) ? limit : resolve(r, pod, own);
        seenMetadata = m;
        if (!next.equals(limit)) { // a new or changed limit starts with full buckets
          limit = next;
          lines = capacity(next.linesPerSecond);
          bytes = capacity(next.bytesPerSecond);
          refilledAt = now;
        }
      }
      return limit;
    }

    double capacity(long rate) {
      return Math.max(1, rate * (limit.burst.toNanos() / 1e9));
    }

    void refill(long now) {
      long elapsed = now - refilledAt;
      if (elapsed <= 0) {
        return;
      }
      refilledAt = now;
      double seconds = elapsed / 1e9;
      if (limit.linesPerSecond > 0) {
        lines = Math.min(capacity(limit.linesPerSecond), lines + limit.linesPerSecond * seconds);
      }
      if (limit.bytesPerSecond > 0) {
        bytes = Math.min(capacity(limit.bytesPerSecond), bytes + limit.bytesPerSecond * seconds);
      }
    }

    Counters counters(LogRecord r) {
      String pod = pod(r);
      if (counters == null || !pod.equals(seenPod)) {
        String ns = namespace(r);
        seenPod = pod;
        counters =
            new Counters(
                metrics.counter(
                    "logchute_throttled_records_total",
                    "Records dropped by a rate limit, by pod.",
                    "namespace",
                    ns,
                    "pod",
                    seenPod),
                metrics.counter(
                    "logchute_throttled_bytes_total",
                    "Message bytes dropped by a rate limit, by pod.",
                    "namespace",
                    ns,
                    "pod",
                    seenPod));
      }
      return counters;
    }

    /** The summary of what was dropped since the window opened; resets the window. */
    LogRecord summary(long now) {
      LogRecord r = last;
      double seconds = (now - windowStart) / 1e9;
      String c = container(r);
      String where =
          c == null
              ? r.source().path().toString()
              : "container " + c + " of pod " + namespace(r) + "/" + pod(r);
      String text =
          String.format(
              Locale.ROOT,
              "%d lines, %d bytes dropped by rate limit: %s, in the last %.0f s (limit: %s)",
              droppedLines,
              droppedBytes,
              where,
              seconds,
              limit);
      Map<String, Object> counts = new LinkedHashMap<>();
      counts.put("dropped_lines", droppedLines);
      counts.put("dropped_bytes", droppedBytes);
      counts.put("seconds", Math.round(seconds));
      LogRecord out =
          LogRecord.of(
                  r.source(),
                  r.metadata(),
                  r.stream(),
                  clock.epochNanos(),
                  text.getBytes(StandardCharsets.UTF_8),
                  r.startOffset(),
                  r.endOffset(),
                  0)
              .withFields(Map.of("rate_limit", counts), Severity.WARNING);
      droppedLines = 0;
      droppedBytes = 0;
      windowStart = 0;
      last = null;
      return out;
    }
  }
}
