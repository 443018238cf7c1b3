package io.github.logchute.sink.kafka;

import io.github.logchute.core.spi.SinkLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Everything the Kafka sink needs, validated. Build it from code with {@link #builder()}, or from
 * the agent's {@code sinks.kafka} section with {@link KafkaSinkProvider}. Secrets (the values of
 * the producer properties file) never appear in {@link #toString()} or in an exception message.
 */
public final class KafkaSinkConfig {

  /** How records are keyed, which decides their partition. */
  public enum KeyMode {
    /** The container id: a container's records stay in one partition, in order. */
    CONTAINER_ID("containerId"),
    /** {@code <namespace>/<pod>}: a pod's records stay in one partition, in order. */
    POD("pod"),
    /** No key: the producer spreads records over the partitions; no order is kept. */
    NONE("none");

    private final String configName;

    KeyMode(String configName) {
      this.configName = configName;
    }

    /** The name in the configuration. */
    public String configName() {
      return configName;
    }

    static KeyMode parse(String value) {
      for (KeyMode m : values()) {
        if (m.configName.equalsIgnoreCase(value.strip())) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "expected containerId, pod or none, got '" + value.strip() + "'");
    }
  }

  /** The producer's compression of record batches. */
  public enum Compression {
    ZSTD,
    LZ4,
    GZIP,
    SNAPPY,
    NONE;

    /** The name in the configuration and in Kafka's {@code compression.type}. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Compression parse(String value) {
      for (Compression c : values()) {
        if (c.configName().equalsIgnoreCase(value.strip())) {
          return c;
        }
      }
      throw new IllegalArgumentException(
          "expected zstd, lz4, gzip, snappy or none, got '" + value.strip() + "'");
    }
  }

  public static final String DEFAULT_TOPIC = "logchute";
  public static final KeyMode DEFAULT_KEY = KeyMode.CONTAINER_ID;
  public static final Compression DEFAULT_COMPRESSION = Compression.ZSTD;
  public static final int DEFAULT_MAX_BATCH_RECORDS = 1000;
  public static final int MAX_BATCH_RECORDS_LIMIT = 100_000;
  public static final long DEFAULT_MAX_BATCH_BYTES = 4L * 1024 * 1024;
  public static final long MAX_BATCH_BYTES_LIMIT = 64L * 1024 * 1024;
  public static final Duration DEFAULT_LINGER = Duration.ofMillis(100);
  public static final int DEFAULT_MAX_IN_FLIGHT = 4;
  public static final int MAX_IN_FLIGHT_LIMIT = 64;

  /**
   * Largest JSON value of one Kafka record; a longer one is cut in {@code encode} (fields left out,
   * then the message cut with a marker). Below Kafka's default 1 MiB limits ({@code
   * max.request.size}, the broker's {@code message.max.bytes}), leaving room for key and headers.
   */
  public static final int DEFAULT_MAX_RECORD_BYTES = 1_000_000;

  public static final int MIN_MAX_RECORD_BYTES = 4096;

  /** Room kept below the producer's {@code max.request.size} for topic, key and headers. */
  static final int RECORD_OVERHEAD_BYTES = 16 * 1024;

  public static final Duration DEFAULT_AUTH_FAILURE_RETRY_DELAY = Duration.ofSeconds(30);
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+):([0-9]{1,5})");

  private final List<String> bootstrapServers;
  private final TopicTemplate topic;
  private final KeyMode key;
  private final Compression compression;
  private final Map<String, String> inlineProducer;
  private final Path producerPropertiesFile;
  private final List<String> fileProducerKeys;
  private final Map<String, String> producerProperties;
  private final SinkLimits limits;
  private final int maxRecordBytes;
  private final Duration maxBlock;
  private final Duration authFailureRetryDelay;
  private final Duration closeTimeout;

  private KafkaSinkConfig(
      Builder b, TopicTemplate topic, Map<String, String> fromFile, Map<String, String> producer) {
    this.bootstrapServers = List.copyOf(b.bootstrapServers);
    this.topic = topic;
    this.key = b.key;
    this.compression = b.compression;
    this.inlineProducer = Collections.unmodifiableMap(new LinkedHashMap<>(b.producer));
    this.producerPropertiesFile = b.producerPropertiesFile;
    this.fileProducerKeys = List.copyOf(fromFile.keySet());
    this.producerProperties = Collections.unmodifiableMap(producer);
    this.limits = new SinkLimits(b.maxBatchRecords, b.maxBatchBytes, b.linger, b.maxInFlight);
    this.maxRecordBytes = b.maxRecordBytes;
    this.maxBlock =
        Duration.ofMillis(Long.parseLong(producer.get(ProducerConfig.MAX_BLOCK_MS_CONFIG)));
    this.authFailureRetryDelay = b.authFailureRetryDelay;
    this.closeTimeout = b.closeTimeout;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code host:port} of the brokers to start from. */
  public List<String> bootstrapServers() {
    return bootstrapServers;
  }

  /** The topic name or template, as configured. */
  public String topic() {
    return topic.toString();
  }

  TopicTemplate topicTemplate() {
    return topic;
  }

  public KeyMode key() {
    return key;
  }

  public Compression compression() {
    return compression;
  }

  /** The {@code producer.*} settings given inline (never secrets). */
  public Map<String, String> producerSettings() {
    return inlineProducer;
  }

  /** The properties file with further producer settings (secrets), or null. */
  public Path producerPropertiesFile() {
    return producerPropertiesFile;
  }

  /**
   * Every setting the producer gets except the serializers: the sink's defaults, then the file,
   * then {@code producer.*}, then what the sink owns. Holds secrets: never print it.
   */
  Map<String, String> producerProperties() {
    return producerProperties;
  }

  public SinkLimits limits() {
    return limits;
  }

  public int maxRecordBytes() {
    return maxRecordBytes;
  }

  /** The producer's {@code max.block.ms}: the longest one record's hand-over to it may take. */
  public Duration maxBlock() {
    return maxBlock;
  }

  public Duration authFailureRetryDelay() {
    return authFailureRetryDelay;
  }

  public Duration closeTimeout() {
    return closeTimeout;
  }

  /** {@code text} (an error's message) with the producer's secret values masked. */
  String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (Map.Entry<String, String> e : producerProperties.entrySet()) {
      String v = e.getValue();
      if (ProducerSettings.isSecret(e.getKey()) && v != null && v.length() >= 4) {
        out = out.replace(v, "****");
      }
    }
    return JAAS_SECRET.matcher(out).replaceAll("$1=\"****\"");
  }

  private static final Pattern JAAS_SECRET =
      Pattern.compile("(?i)(password|secret|passphrase)\\s*=\\s*\"[^\"]*\"");

  @Override
  public String toString() {
    return "KafkaSinkConfig{bootstrapServers="
        + bootstrapServers
        + ", topic="
        + topic
        + ", key="
        + key.configName()
        + ", compression="
        + compression.configName()
        + ", producer="
        + inlineProducer
        + ", producerPropertiesFile="
        + (producerPropertiesFile == null
            ? "none"
            : producerPropertiesFile + " (settings " + fileProducerKeys + ", values not shown)")
        + ", limits="
        + limits
        + ", maxRecordBytes="
        + maxRecordBytes
        + ", authFailureRetryDelay="
        + authFailureRetryDelay
        + ", closeTimeout="
        + closeTimeout
        + "}";
  }

  /**
   * Builds a {@link KafkaSinkConfig}. Setters validate at once and throw {@link
   * IllegalArgumentException}; {@link #build()} checks what depends on several settings and reads
   * the properties file, throwing an {@link IllegalArgumentException} whose message starts with the
   * key it concerns.
   */
  public static final class Builder {
    private final List<String> bootstrapServers = new ArrayList<>();
    private String topic = DEFAULT_TOPIC;
    private KeyMode key = DEFAULT_KEY;
    private Compression compression = DEFAULT_COMPRESSION;
    private final Map<String, String> producer = new LinkedHashMap<>();
    private Path producerPropertiesFile;
    private int maxBatchRecords = DEFAULT_MAX_BATCH_RECORDS;
    private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
    private Duration linger = DEFAULT_LINGER;
    private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
    private int maxRecordBytes = DEFAULT_MAX_RECORD_BYTES;
    private Duration authFailureRetryDelay = DEFAULT_AUTH_FAILURE_RETRY_DELAY;
    private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;

    private Builder() {}

    /** {@code host:port} items (IPv6 in brackets); replaces any given before. */
    public Builder bootstrapServers(List<String> values) {
      List<String> checked = new ArrayList<>();
      for (String v : values) {
        String s = v.strip();
        var m = HOST_PORT.matcher(s);
        if (!m.matches()
            || Integer.parseInt(m.group(2)) < 1
            || Integer.parseInt(m.group(2)) > 65535) {
          throw new IllegalArgumentException(
              "expected host:port items such as kafka-0.kafka:9092, got '" + s + "'");
        }
        checked.add(s);
      }
      if (checked.isEmpty()) {
        throw new IllegalArgumentException("is required: at least one host:port of a broker");
      }
      bootstrapServers.clear();
      bootstrapServers.addAll(checked);
      return this;
    }

    /** A topic name, or a template with {@code {namespace}}, {@code {pod}}, {@code {container}}. */
    public Builder topic(String value) {
      TopicTemplate.parse(value);
      this.topic = value.strip();
      return this;
    }

    public Builder key(KeyMode value) {
      this.key = Objects.requireNonNull(value, "key");
      return this;
    }

    /** {@code containerId}, {@code pod} or {@code none}. */
    public Builder key(String value) {
      return key(KeyMode.parse(Objects.requireNonNull(value, "key")));
    }

    public Builder compression(Compression value) {
      this.compression = Objects.requireNonNull(value, "compression");
      return this;
    }

    /** {@code zstd}, {@code lz4}, {@code gzip}, {@code snappy} or {@code none}. */
    public Builder compression(String value) {
      return compression(Compression.parse(Objects.requireNonNull(value, "compression")));
    }

    /**
     * A Kafka producer setting ({@code security.protocol}, {@code ssl.truststore.location}, ...).
     *
     * @throws InvalidSetting (an {@link IllegalArgumentException}) naming {@code producer.<name>}
     *     for a secret (give it in {@link #producerPropertiesFile}), a setting the sink owns, or a
     *     name that is not a producer setting
     */
    public Builder producer(String name, String value) {
      String n = Objects.requireNonNull(name, "name").strip();
      ProducerSettings.checkInline(n);
      if (value == null) {
        throw new InvalidSetting("producer." + n, "has no value");
      }
      producer.put(n, value.strip());
      return this;
    }

    /**
     * A Java properties file of producer settings, secrets included ({@code sasl.jaas.config},
     * {@code ssl.keystore.password}, ...): a mounted Kubernetes Secret. Read by {@link #build()}.
     */
    public Builder producerPropertiesFile(Path value) {
      this.producerPropertiesFile = Objects.requireNonNull(value, "producerPropertiesFile");
      return this;
    }

    public Builder maxBatchRecords(int value) {
      if (value < 1 || value > MAX_BATCH_RECORDS_LIMIT) {
        throw new IllegalArgumentException(
            "must be 1 to " + MAX_BATCH_RECORDS_LIMIT + ", was " + value);
      }
      this.maxBatchRecords = value;
      return this;
    }

    public Builder maxBatchBytes(long value) {
      if (value < 1 || value > MAX_BATCH_BYTES_LIMIT) {
        throw new IllegalArgumentException(
            "must be 1 to " + MAX_BATCH_BYTES_LIMIT + " (64MiB), was " + value);
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

    public Builder maxRecordBytes(long value) {
      if (value < MIN_MAX_RECORD_BYTES || value > Integer.MAX_VALUE / 2) {
        throw new IllegalArgumentException(
            "must be " + MIN_MAX_RECORD_BYTES + " to " + Integer.MAX_VALUE / 2 + ", was " + value);
      }
      this.maxRecordBytes = (int) value;
      return this;
    }

    public Builder authFailureRetryDelay(Duration value) {
      this.authFailureRetryDelay = positive(value);
      return this;
    }

    public Builder closeTimeout(Duration value) {
      this.closeTimeout = positive(value);
      return this;
    }

    /**
     * @throws InvalidSetting (an {@link IllegalArgumentException}) naming the key: no bootstrap
     *     servers, an unreadable or invalid properties file, a setting given both inline and in the
     *     file, a {@code maxRecordBytes} the producer's {@code max.request.size} cannot carry
     */
    public KafkaSinkConfig build() {
      if (bootstrapServers.isEmpty()) {
        throw new InvalidSetting(
            "bootstrapServers", "is required: at least one host:port of a broker");
      }
      TopicTemplate template = TopicTemplate.parse(topic);
      Map<String, String> fromFile =
          producerPropertiesFile == null
              ? Map.of()
              : ProducerSettings.readFile(producerPropertiesFile);
      for (String name : producer.keySet()) {
        if (fromFile.containsKey(name)) {
          throw new InvalidSetting(
              "producer." + name,
              "is set inline and in sinks.kafka.producerPropertiesFile; set it in one place");
        }
      }
      Map<String, String> all = new LinkedHashMap<>(ProducerSettings.DEFAULTS);
      all.putAll(fromFile);
      all.putAll(producer);
      all.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
      all.put(ProducerConfig.ACKS_CONFIG, "all");
      all.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      all.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression.configName());
      long maxBlockMs = number(all, ProducerConfig.MAX_BLOCK_MS_CONFIG, fromFile);
      if (maxBlockMs < 0) {
        throw new InvalidSetting(
            where(ProducerConfig.MAX_BLOCK_MS_CONFIG, fromFile), "must be >= 0, was " + maxBlockMs);
      }
      String maxRequest = ProducerConfig.MAX_REQUEST_SIZE_CONFIG;
      long maxRequestSize =
          all.containsKey(maxRequest) ? number(all, maxRequest, fromFile) : 1024 * 1024;
      if (maxRecordBytes > maxRequestSize - RECORD_OVERHEAD_BYTES) {
        throw new InvalidSetting(
            "maxRecordBytes",
            "is "
                + maxRecordBytes
                + ", but the producer's max.request.size ("
                + maxRequestSize
                + ") leaves room for "
                + (maxRequestSize - RECORD_OVERHEAD_BYTES)
                + "; lower it or raise sinks.kafka.producer.max.request.size (and the topic's"
                + " max.message.bytes)");
      }
      return new KafkaSinkConfig(this, template, fromFile, all);
    }

    private static long number(Map<String, String> all, String name, Map<String, String> file) {
      String v = all.get(name);
      try {
        return Long.parseLong(v.strip());
      } catch (NumberFormatException e) {
        throw new InvalidSetting(
            where(name, file),
            file.containsKey(name) ? "expected a number" : "expected a number, got '" + v + "'");
      }
    }

    private static String where(String name, Map<String, String> file) {
      return file.containsKey(name) ? "producerPropertiesFile" : "producer." + name;
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
