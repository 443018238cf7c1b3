package io.github.logchute.sink.datadog;

import io.github.logchute.core.config.Redact;
import io.github.logchute.core.spi.SinkLimits;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the Datadog sink needs, validated. Build it from code with {@link #builder()}, or from
 * the agent's {@code sinks.datadog} section with {@link DatadogSinkProvider}. The API key never
 * appears in {@link #toString()}.
 *
 * <p>The intake's own limits (SPECS.md §2.4, the API page "Send logs") bound the batching options:
 * at most {@value #INTAKE_MAX_RECORDS} logs and {@value #INTAKE_MAX_PAYLOAD_BYTES} uncompressed
 * bytes per request, at most {@value #INTAKE_MAX_LOG_BYTES} bytes per log.
 */
public final class DatadogSinkConfig {

  /** Max entries in one request's array (SPECS.md §2.4). */
  public static final int INTAKE_MAX_RECORDS = 1000;

  /** Max uncompressed payload of one request, 5 MB (SPECS.md §2.4; the Agent's 5,000,000). */
  public static final long INTAKE_MAX_PAYLOAD_BYTES = 5_000_000L;

  /** Max size of one log, 1 MB; the intake cuts longer ones itself (SPECS.md §2.4). */
  public static final int INTAKE_MAX_LOG_BYTES = 1_000_000;

  /** Logs stamped further in the past are dropped by the intake (SPECS.md §2.3, "18 hours"). */
  public static final Duration INTAKE_MAX_LOG_AGE = Duration.ofHours(18);

  public static final String DEFAULT_SITE = "datadoghq.com";
  public static final int DEFAULT_COMPRESSION_LEVEL = 6;
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_BATCH_RECORDS = INTAKE_MAX_RECORDS;

  /**
   * Batch bound on the pipeline's size estimate (message bytes + a fixed overhead per record). The
   * encoded body adds each log's tags and attributes — typically 0.3 to 1 KB per log — so 3.5 MB of
   * estimate keeps 1000-log batches under the 5 MB limit; a batch that still encodes larger is
   * split, never sent.
   */
  public static final long DEFAULT_MAX_BATCH_BYTES = 3_500_000L;

  public static final Duration DEFAULT_LINGER = Duration.ofSeconds(1);
  public static final int DEFAULT_MAX_IN_FLIGHT = 4;
  public static final int MAX_IN_FLIGHT_LIMIT = 64;
  public static final int DEFAULT_MAX_LOG_BYTES = INTAKE_MAX_LOG_BYTES;

  /** The least {@code maxLogBytes}: room for the tags and a truncated message. */
  public static final int MIN_MAX_LOG_BYTES = 4096;

  public static final Duration DEFAULT_AUTH_FAILURE_RETRY_DELAY = Duration.ofSeconds(60);

  private final URI intakeUri;
  private final String site;
  private final ApiKey apiKey;
  private final int compressionLevel;
  private final Duration requestTimeout;
  private final SinkLimits limits;
  private final int maxLogBytes;
  private final boolean stampOldLogsWithSendTime;
  private final Duration authFailureRetryDelay;
  private final String hostname;
  private final List<String> tags;
  private final Map<String, String> podLabelsAsTags;

  private DatadogSinkConfig(Builder b, URI intakeUri, String site, ApiKey apiKey) {
    this.intakeUri = intakeUri;
    this.site = site;
    this.apiKey = apiKey;
    this.compressionLevel = b.compressionLevel;
    this.requestTimeout = b.requestTimeout;
    this.limits = new SinkLimits(b.maxBatchRecords, b.maxBatchBytes, b.linger, b.maxInFlight);
    this.maxLogBytes = b.maxLogBytes;
    this.stampOldLogsWithSendTime = b.stampOldLogsWithSendTime;
    this.authFailureRetryDelay = b.authFailureRetryDelay;
    this.hostname = b.hostname;
    this.tags = List.copyOf(b.tags);
    this.podLabelsAsTags = Map.copyOf(b.podLabelsAsTags);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Where logs are POSTed. */
  public URI intakeUri() {
    return intakeUri;
  }

  /** The site, or null when a full {@code url} was given. */
  public String site() {
    return site;
  }

  ApiKey apiKey() {
    return apiKey;
  }

  /** 0 = no compression, 1-9 = gzip level. */
  public int compressionLevel() {
    return compressionLevel;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public SinkLimits limits() {
    return limits;
  }

  public int maxLogBytes() {
    return maxLogBytes;
  }

  public boolean stampOldLogsWithSendTime() {
    return stampOldLogsWithSendTime;
  }

  public Duration authFailureRetryDelay() {
    return authFailureRetryDelay;
  }

  /** The host for logs whose metadata names none; null for none. */
  public String hostname() {
    return hostname;
  }

  /** Extra {@code key:value} tags on every log. */
  public List<String> tags() {
    return tags;
  }

  /** Pod label key → tag name, for labels to send as tags. */
  public Map<String, String> podLabelsAsTags() {
    return podLabelsAsTags;
  }

  @Override
  public String toString() {
    return "DatadogSinkConfig{intake="
        + Redact.url(intakeUri)
        + ", apiKey="
        + apiKey
        + ", compressionLevel="
        + compressionLevel
        + ", requestTimeout="
        + requestTimeout
        + ", limits="
        + limits
        + ", maxLogBytes="
        + maxLogBytes
        + ", stampOldLogsWithSendTime="
        + stampOldLogsWithSendTime
        + ", authFailureRetryDelay="
        + authFailureRetryDelay
        + ", hostname="
        + hostname
        + ", tags="
        + tags
        + ", podLabelsAsTags="
        + podLabelsAsTags
        + "}";
  }

  /**
   * Builds a {@link DatadogSinkConfig}. Setters validate at once and throw {@link
   * IllegalArgumentException} naming the option; {@link #build()} checks what depends on several.
   */
  public static final class Builder {
    private String site = DEFAULT_SITE;
    private URI url;
    private String apiKey;
    private Path apiKeyFile;
    private int compressionLevel = DEFAULT_COMPRESSION_LEVEL;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxBatchRecords = DEFAULT_MAX_BATCH_RECORDS;
    private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
    private Duration linger = DEFAULT_LINGER;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private int maxLogBytes = DEFAULT_MAX_LOG_BYTES;
    private boolean stampOldLogsWithSendTime;
    private Duration authFailureRetryDelay = DEFAULT_AUTH_FAILURE_RETRY_DELAY;
    private String hostname;
    private final List<String> tags = new ArrayList<>();
    private final Map<String, String> podLabelsAsTags = new LinkedHashMap<>();

    private Builder() {}

    /**
     * A Datadog site ({@code DD_SITE}); see {@link DatadogSite}. Default {@value #DEFAULT_SITE}.
     */
    public Builder site(String value) {
      this.site = DatadogSite.normalize(value);
      return this;
    }

    /**
     * The intake URL, http or https, in full ({@code …/api/v2/logs}) or as a base ({@code
     * https://host[:port]}, to which the intake path is added); overrides {@link #site}.
     */
    public Builder url(String value) {
      URI u;
      try {
        u = URI.create(Objects.requireNonNull(value, "url").trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("not a URL: '" + Redact.url(value) + "'");
      }
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
        throw new IllegalArgumentException(
            "expected an absolute http(s) URL such as https://http-intake.logs.datadoghq.eu"
                + "/api/v2/logs, got '"
                + Redact.url(value)
                + "'");
      }
      if (u.getRawPath() == null || u.getRawPath().isEmpty() || u.getRawPath().equals("/")) {
        u = u.resolve(DatadogSite.INTAKE_PATH); // a base URL: the logs intake under it
      }
      this.url = u;
      return this;
    }

    /** The API key itself ({@code DD_API_KEY}). */
    public Builder apiKey(String value) {
      ApiKey.of(value); // validates without keeping a copy in an exception
      this.apiKey = value;
      return this;
    }

    /** A file holding the API key ({@code DD_API_KEY_FILE}), re-read after a 401/403. */
    public Builder apiKeyFile(Path value) {
      this.apiKeyFile = Objects.requireNonNull(value, "apiKeyFile");
      return this;
    }

    public Builder compressionLevel(int value) {
      if (value < 0 || value > 9) {
        throw new IllegalArgumentException("must be 0 (none) to 9 (gzip), was " + value);
      }
      this.compressionLevel = value;
      return this;
    }

    public Builder requestTimeout(Duration value) {
      this.requestTimeout = positive(value);
      return this;
    }

    public Builder maxBatchRecords(int value) {
      if (value < 1 || value > INTAKE_MAX_RECORDS) {
        throw new IllegalArgumentException(
            "must be 1 to " + INTAKE_MAX_RECORDS + " (the intake's limit), was " + value);
      }
      this.maxBatchRecords = value;
      return this;
    }

    public Builder maxBatchBytes(long value) {
      if (value < 1 || value > INTAKE_MAX_PAYLOAD_BYTES) {
        throw new IllegalArgumentException(
            "must be 1 to " + INTAKE_MAX_PAYLOAD_BYTES + " (the intake's limit), was " + value);
      }
      this.maxBatchBytes = value;
      return this;
    }

    public Builder linger(Duration value) {
      Objects.requireNonNull(value, "linger");
      if (value.isNegative() || value.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException("must be 0 to 5 minutes, was " + value);
      }
      this.linger = value;
      return this;
    }

    public Builder maxInFlight(int value) {
      if (value < 1 || value > MAX_IN_FLIGHT_LIMIT) {
        throw new IllegalArgumentException(
            "must be 1 to " + MAX_IN_FLIGHT_LIMIT + ", was " + value);
      }
      this.maxInFlight = value;
      return this;
    }

    public Builder maxLogBytes(int value) {
      if (value < MIN_MAX_LOG_BYTES || value > INTAKE_MAX_LOG_BYTES) {
        throw new IllegalArgumentException(
            "must be "
                + MIN_MAX_LOG_BYTES
                + " to "
                + INTAKE_MAX_LOG_BYTES
                + " (the intake's limit), was "
                + value);
      }
      this.maxLogBytes = value;
      return this;
    }

    public Builder stampOldLogsWithSendTime(boolean value) {
      this.stampOldLogsWithSendTime = value;
      return this;
    }

    public Builder authFailureRetryDelay(Duration value) {
      this.authFailureRetryDelay = positive(value);
      return this;
    }

    public Builder hostname(String value) {
      this.hostname = value == null || value.isBlank() ? null : value.trim();
      return this;
    }

    /** Adds {@code key:value} tags (a tag without {@code :} is sent as it is). */
    public Builder tags(List<String> values) {
      for (String t : values) {
        String s = t.trim();
        if (s.isEmpty() || s.indexOf(',') >= 0) {
          throw new IllegalArgumentException(
              "a tag must be non-empty and without ',': '" + t + "'");
        }
        tags.add(s);
      }
      return this;
    }

    /** Sends pod label {@code label} as tag {@code tag}. */
    public Builder podLabelAsTag(String label, String tag) {
      if (label.isBlank() || tag.isBlank() || tag.indexOf(',') >= 0 || tag.indexOf(':') >= 0) {
        throw new IllegalArgumentException(
            "expected a label key and a tag name (no ',' or ':'), got '" + label + "=" + tag + "'");
      }
      podLabelsAsTags.put(label.trim(), tag.trim());
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the option when the key is missing or given twice
     */
    public DatadogSinkConfig build() {
      if ((apiKey == null) == (apiKeyFile == null)) {
        throw new IllegalArgumentException(
            apiKey == null
                ? "apiKey: an API key is required: set apiKey (DD_API_KEY) or apiKeyFile"
                    + " (DD_API_KEY_FILE)"
                : "apiKey: set only one of apiKey (DD_API_KEY) and apiKeyFile (DD_API_KEY_FILE)");
      }
      ApiKey key = apiKey != null ? ApiKey.of(apiKey) : ApiKey.fromFile(apiKeyFile);
      URI uri = url != null ? url : DatadogSite.intakeUri(site);
      return new DatadogSinkConfig(this, uri, url != null ? null : site, key);
    }

    private static Duration positive(Duration d) {
      Objects.requireNonNull(d, "duration");
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("must be positive, was " + d);
      }
      return d;
    }
  }
}
