package io.github.logchute.sink.kafka;

import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkContext;
import io.github.logchute.core.spi.SinkProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code kafka} sink provider: builds a {@link KafkaSink} from the {@code sinks.kafka} section.
 * Keys (see the module README for the full table): {@code bootstrapServers}, {@code topic}, {@code
 * key}, {@code compression}, {@code producer.*}, {@code producerPropertiesFile}, {@code
 * maxBatchRecords}, {@code maxBatchBytes}, {@code linger}, {@code maxInFlight}, {@code
 * maxRecordBytes}, {@code authFailureRetryDelay}, {@code closeTimeout}. Every error is a {@link
 * ConfigException} naming the key ({@code sinks.kafka.topic}, {@code
 * sinks.kafka.producer.sasl.jaas.config}) and never showing a secret.
 */
public final class KafkaSinkProvider implements SinkProvider {

  public static final String NAME = "kafka";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Sink create(SinkContext context) {
    ConfigSection c = context.config();
    KafkaSinkConfig config = config(c);
    try {
      return new KafkaSink(config, context.metrics(), context.clock());
    } catch (InvalidSetting e) {
      throw new ConfigException(c.keyPath(e.key()), e.getMessage());
    }
  }

  /** Reads every setting as {@link #create} does, without connecting. */
  @Override
  public boolean validate(ConfigSection config) {
    config(config);
    return true;
  }

  /** Reads and validates {@code c}, every key of it; errors name the key path. */
  static KafkaSinkConfig config(ConfigSection c) {
    KafkaSinkConfig.Builder b = KafkaSinkConfig.builder();
    set(
        c,
        "bootstrapServers",
        () -> b.bootstrapServers(c.stringList("bootstrapServers", List.of())));
    set(c, "topic", () -> b.topic(c.string("topic", KafkaSinkConfig.DEFAULT_TOPIC)));
    set(c, "key", () -> b.key(c.string("key", KafkaSinkConfig.DEFAULT_KEY.configName())));
    set(
        c,
        "compression",
        () ->
            b.compression(
                c.string("compression", KafkaSinkConfig.DEFAULT_COMPRESSION.configName())));
    set(
        c,
        "producer",
        () -> {
          Map<String, String> settings = new TreeMap<>();
          flatten(c.section("producer"), "", settings);
          settings.forEach(b::producer);
        });
    String file = c.string("producerPropertiesFile", null);
    if (file != null && !file.isBlank()) {
      set(c, "producerPropertiesFile", () -> b.producerPropertiesFile(Path.of(file.strip())));
    }
    set(
        c,
        "maxBatchRecords",
        () ->
            b.maxBatchRecords(
                c.integer("maxBatchRecords", KafkaSinkConfig.DEFAULT_MAX_BATCH_RECORDS)));
    set(
        c,
        "maxBatchBytes",
        () -> b.maxBatchBytes(c.bytes("maxBatchBytes", KafkaSinkConfig.DEFAULT_MAX_BATCH_BYTES)));
    set(c, "linger", () -> b.linger(c.duration("linger", KafkaSinkConfig.DEFAULT_LINGER)));
    set(
        c,
        "maxInFlight",
        () -> b.maxInFlight(c.integer("maxInFlight", KafkaSinkConfig.DEFAULT_MAX_IN_FLIGHT)));
    set(
        c,
        "maxRecordBytes",
        () ->
            b.maxRecordBytes(c.bytes("maxRecordBytes", KafkaSinkConfig.DEFAULT_MAX_RECORD_BYTES)));
    set(
        c,
        "authFailureRetryDelay",
        () ->
            b.authFailureRetryDelay(
                c.duration(
                    "authFailureRetryDelay", KafkaSinkConfig.DEFAULT_AUTH_FAILURE_RETRY_DELAY)));
    set(
        c,
        "closeTimeout",
        () -> b.closeTimeout(c.duration("closeTimeout", KafkaSinkConfig.DEFAULT_CLOSE_TIMEOUT)));
    c.requireAllKeysUsed();
    try {
      return b.build();
    } catch (InvalidSetting e) {
      throw new ConfigException(c.keyPath(e.key()), e.getMessage());
    }
  }

  /**
   * The producer settings of a section, nested or not: {@code security.protocol: SASL_SSL} and
   * {@code security: {protocol: SASL_SSL}} (what {@code --set
   * sinks.kafka.producer.security.protocol=} builds) are the same setting. A list value is joined
   * with commas, as Kafka reads lists.
   */
  private static void flatten(ConfigSection s, String prefix, Map<String, String> out) {
    for (String key : List.copyOf(s.keys())) {
      String name = prefix + key;
      if (s.isSection(key)) {
        flatten(s.section(key), name + ".", out);
      } else {
        List<String> items = s.stringList(key, null);
        if (items == null) {
          throw new InvalidSetting("producer." + name, "has no value");
        }
        out.put(name, String.join(",", items));
      }
    }
  }

  private static void set(ConfigSection c, String key, Runnable setter) {
    try {
      setter.run();
    } catch (InvalidSetting e) {
      throw new ConfigException(c.keyPath(e.key()), e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(c.keyPath(key), e.getMessage());
    }
  }
}
