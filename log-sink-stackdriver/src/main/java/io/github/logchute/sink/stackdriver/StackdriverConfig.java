package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.config.Redact;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the Cloud Logging sink. Build from code with {@link #builder()}, or from a
 * configuration section ({@code sinks.stackdriver}) with {@link #fromSection}; environment
 * variables map onto the same keys through {@link StackdriverSinkProvider#settingsFromEnv}.
 * Immutable; every setter validates and names its key on error.
 */
public final class StackdriverConfig {

  /** The Cloud Logging API (SPECS.md 3.1). */
  public static final URI DEFAULT_URL = URI.create("https://logging.googleapis.com");

  /** The GCE / GKE metadata server (SPECS.md 3.8, 4.2). */
  public static final URI DEFAULT_METADATA_URL = URI.create("http://metadata.google.internal");

  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_LINGER = Duration.ofSeconds(1);
  public static final int DEFAULT_MAX_IN_FLIGHT = 4;

  /**
   * SPECS.md 3.6 documents no cap on entries per request other than size; 1000 keeps one request's
   * work, and what a retry resends, small.
   */
  public static final int DEFAULT_MAX_BATCH_RECORDS = 1000;

  /** The most records a request may be configured to carry. */
  public static final int MAX_BATCH_RECORDS = 10_000;

  /**
   * Batches are cut by the records' estimated size; each entry adds its resource, labels, logName
   * and insertId (a few hundred bytes), so the default leaves room below the 10 MB request limit.
   */
  public static final long DEFAULT_MAX_BATCH_BYTES = 5L * 1024 * 1024;

  /** The most estimated bytes a batch may be configured to hold (below the 10 MB request limit). */
  public static final long MAX_BATCH_BYTES = 8L * 1024 * 1024;

  /**
   * An entry is cut to this many JSON bytes: the API's limit is 256 KB of an approximate internal
   * size (SPECS.md 3.6), so this keeps a margin below it.
   */
  public static final int DEFAULT_MAX_ENTRY_BYTES = 250_000;

  /** The API's LogEntry size limit, SPECS.md 3.6 (256 KiB). */
  public static final int MAX_ENTRY_BYTES = 256 * 1024;

  /** The least {@code maxEntryBytes}: room for the entry's resource, labels and a marker. */
  public static final int MIN_ENTRY_BYTES = 4096;

  /** How long to wait after a 403 (a configuration problem that retrying soon will not fix). */
  public static final Duration DEFAULT_FORBIDDEN_RETRY_DELAY = Duration.ofMinutes(2);

  private final URI url;
  private final String project;
  private final String logName;
  private final String clusterName;
  private final String clusterLocation;
  private final Path credentialsFile;
  private final URI metadataUrl;
  private final URI tokenUrl;
  private final Duration requestTimeout;
  private final int maxBatchRecords;
  private final long maxBatchBytes;
  private final int maxEntryBytes;
  private final Duration linger;
  private final int maxInFlight;
  private final Duration forbiddenRetryDelay;
  private final String keyPrefix;

  private StackdriverConfig(Builder b) {
    url = b.url;
    project = b.project;
    logName = b.logName;
    clusterName = b.clusterName;
    clusterLocation = b.clusterLocation;
    credentialsFile = b.credentialsFile;
    metadataUrl = b.metadataUrl;
    tokenUrl = b.tokenUrl;
    requestTimeout = b.requestTimeout;
    maxBatchRecords = b.maxBatchRecords;
    maxBatchBytes = b.maxBatchBytes;
    maxEntryBytes = b.maxEntryBytes;
    linger = b.linger;
    maxInFlight = b.maxInFlight;
    forbiddenRetryDelay = b.forbiddenRetryDelay;
    keyPrefix = b.keyPrefix;
  }

  public static Builder builder() {
    return new Builder("");
  }

  /**
   * Reads every key of {@code section} (see the module README for the list).
   *
   * @throws ConfigException naming the full key path of a bad value
   */
  public static StackdriverConfig fromSection(ConfigSection section) {
    Builder b = new Builder(section.path().isEmpty() ? "" : section.path() + ".");
    String s;
    if ((s = section.string("url", null)) != null) {
      b.url(s);
    }
    b.project(section.string("project", null));
    b.logName(section.string("logName", null));
    b.clusterName(section.string("clusterName", null));
    b.clusterLocation(section.string("clusterLocation", null));
    if ((s = section.string("credentialsFile", null)) != null && !s.isBlank()) {
      b.credentialsFile(Path.of(s.trim()));
    }
    if ((s = section.string("metadataUrl", null)) != null) {
      b.metadataUrl(s);
    }
    if ((s = section.string("tokenUrl", null)) != null) {
      b.tokenUrl(s);
    }
    b.requestTimeout(section.duration("requestTimeout", DEFAULT_REQUEST_TIMEOUT));
    b.maxBatchRecords(section.integer("maxBatchRecords", DEFAULT_MAX_BATCH_RECORDS));
    b.maxBatchBytes(section.bytes("maxBatchBytes", DEFAULT_MAX_BATCH_BYTES));
    long entry = section.bytes("maxEntryBytes", DEFAULT_MAX_ENTRY_BYTES);
    b.maxEntryBytes(entry > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) entry);
    b.linger(section.duration("linger", DEFAULT_LINGER));
    b.maxInFlight(section.integer("maxInFlight", DEFAULT_MAX_IN_FLIGHT));
    b.forbiddenRetryDelay(section.duration("forbiddenRetryDelay", DEFAULT_FORBIDDEN_RETRY_DELAY));
    return b.build();
  }

  /** The path requests go to under {@link #url()}. */
  static final String WRITE_PATH = "/v2/entries:write";

  /** The API base URL (no trailing slash); requests go to {@code <url>/v2/entries:write}. */
  public URI url() {
    return url;
  }

  /** The configured project id, or null (then: credentials, record metadata, metadata server). */
  public String project() {
    return project;
  }

  /** The configured log id, or null (then {@code stdout} / {@code stderr} by stream). */
  public String logName() {
    return logName;
  }

  public String clusterName() {
    return clusterName;
  }

  public String clusterLocation() {
    return clusterLocation;
  }

  /** A service-account JSON key, or null (then the metadata server's token). */
  public Path credentialsFile() {
    return credentialsFile;
  }

  public URI metadataUrl() {
    return metadataUrl;
  }

  /** Overrides the credentials' {@code token_uri}, or null. */
  public URI tokenUrl() {
    return tokenUrl;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public int maxBatchRecords() {
    return maxBatchRecords;
  }

  public long maxBatchBytes() {
    return maxBatchBytes;
  }

  public int maxEntryBytes() {
    return maxEntryBytes;
  }

  public Duration linger() {
    return linger;
  }

  public int maxInFlight() {
    return maxInFlight;
  }

  public Duration forbiddenRetryDelay() {
    return forbiddenRetryDelay;
  }

  /** The full path of {@code key} for error messages ({@code sinks.stackdriver.<key>}). */
  String keyPath(String key) {
    return keyPrefix + key;
  }

  @Override
  public String toString() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("url", Redact.url(url));
    m.put("project", project);
    m.put("logName", logName);
    m.put("clusterName", clusterName);
    m.put("clusterLocation", clusterLocation);
    // the file's path is not a secret; its content is never read into a string here
    m.put("credentialsFile", credentialsFile);
    m.put("metadataUrl", Redact.url(metadataUrl));
    m.put("tokenUrl", tokenUrl == null ? null : Redact.url(tokenUrl));
    m.put("requestTimeout", requestTimeout);
    m.put("maxBatchRecords", maxBatchRecords);
    m.put("maxBatchBytes", maxBatchBytes);
    m.put("maxEntryBytes", maxEntryBytes);
    m.put("linger", linger);
    m.put("maxInFlight", maxInFlight);
    m.put("forbiddenRetryDelay", forbiddenRetryDelay);
    m.values().removeIf(Objects::isNull);
    return "StackdriverConfig" + m;
  }

  /** Validating builder; every error is a {@link ConfigException} naming the key. */
  public static final class Builder {
    private final String keyPrefix;
    private URI url = DEFAULT_URL;
    private String project;
    private String logName;
    private String clusterName;
    private String clusterLocation;
    private Path credentialsFile;
    private URI metadataUrl = DEFAULT_METADATA_URL;
    private URI tokenUrl;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxBatchRecords = DEFAULT_MAX_BATCH_RECORDS;
    private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
    private int maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;
    private Duration linger = DEFAULT_LINGER;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private Duration forbiddenRetryDelay = DEFAULT_FORBIDDEN_RETRY_DELAY;

    private Builder(String keyPrefix) {
      this.keyPrefix = keyPrefix;
    }

    private ConfigException error(String key, String message) {
      return new ConfigException(keyPrefix + key, message);
    }

    /**
     * The API's base URL ({@code https://logging.googleapis.com}); the full write URL ({@code
     * …/v2/entries:write}) is taken too, and its base kept.
     */
    public Builder url(String value) {
      URI u = httpUrl("url", value);
      String path = u.getRawPath() == null ? "" : u.getRawPath();
      if (path.endsWith(WRITE_PATH)) {
        path = path.substring(0, path.length() - WRITE_PATH.length());
      }
      while (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      this.url = URI.create(u.getScheme() + "://" + u.getRawAuthority() + path);
      return this;
    }

    /** A GCP project id, e.g. {@code my-project} (null or blank: resolved at run time). */
    public Builder project(String value) {
      this.project = blankToNull(value);
      if (project != null
          && (project.indexOf('/') >= 0 || project.chars().anyMatch(c -> c <= ' '))) {
        throw error("project", "not a project id: '" + project + "'");
      }
      return this;
    }

    /**
     * A log id for every entry instead of {@code stdout}/{@code stderr}: characters {@code
     * [A-Za-z0-9/_.-]}, fewer than 512 (SPECS.md 3.1).
     */
    public Builder logName(String value) {
      this.logName = blankToNull(value);
      String problem = logName == null ? null : ConfigChecks.logIdProblem(logName);
      if (problem != null) {
        throw error("logName", problem);
      }
      return this;
    }

    public Builder clusterName(String value) {
      this.clusterName = blankToNull(value);
      return this;
    }

    /** The cluster's zone or region, or {@code aws:<region>} off Google Cloud (SPECS.md 3.3). */
    public Builder clusterLocation(String value) {
      this.clusterLocation = blankToNull(value);
      return this;
    }

    public Builder credentialsFile(Path value) {
      this.credentialsFile = value;
      return this;
    }

    public Builder metadataUrl(String value) {
      this.metadataUrl = httpUrl("metadataUrl", value);
      return this;
    }

    public Builder tokenUrl(String value) {
      this.tokenUrl = blankToNull(value) == null ? null : httpUrl("tokenUrl", value);
      return this;
    }

    public Builder requestTimeout(Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw error("requestTimeout", "must be positive, was " + value);
      }
      this.requestTimeout = value;
      return this;
    }

    public Builder maxBatchRecords(int value) {
      if (value < 1 || value > MAX_BATCH_RECORDS) {
        throw error("maxBatchRecords", "must be 1.." + MAX_BATCH_RECORDS + ", was " + value);
      }
      this.maxBatchRecords = value;
      return this;
    }

    public Builder maxBatchBytes(long value) {
      if (value < 1024 || value > MAX_BATCH_BYTES) {
        throw error(
            "maxBatchBytes",
            "must be 1KiB.."
                + MAX_BATCH_BYTES
                + " bytes (the API takes at most 10 MB a request), was "
                + value);
      }
      this.maxBatchBytes = value;
      return this;
    }

    public Builder maxEntryBytes(int value) {
      if (value < MIN_ENTRY_BYTES || value > MAX_ENTRY_BYTES) {
        throw error(
            "maxEntryBytes",
            "must be "
                + MIN_ENTRY_BYTES
                + ".."
                + MAX_ENTRY_BYTES
                + " bytes (the API's entry limit is 256 KB), was "
                + value);
      }
      this.maxEntryBytes = value;
      return this;
    }

    public Builder linger(Duration value) {
      if (value == null || value.isNegative()) {
        throw error("linger", "must not be negative, was " + value);
      }
      this.linger = value;
      return this;
    }

    public Builder maxInFlight(int value) {
      if (value < 1 || value > 64) {
        throw error("maxInFlight", "must be 1..64, was " + value);
      }
      this.maxInFlight = value;
      return this;
    }

    public Builder forbiddenRetryDelay(Duration value) {
      if (value == null || value.isNegative()) {
        throw error("forbiddenRetryDelay", "must not be negative, was " + value);
      }
      this.forbiddenRetryDelay = value;
      return this;
    }

    public StackdriverConfig build() {
      return new StackdriverConfig(this);
    }

    private URI httpUrl(String key, String value) {
      URI u = ConfigChecks.httpUrl(value);
      if (u == null) {
        throw error(
            key,
            "expected an http(s) URL such as https://host[:port], got '" + Redact.url(value) + "'");
      }
      return u;
    }

    private static String blankToNull(String v) {
      return v == null || v.isBlank() ? null : v.trim();
    }
  }
}
