package io.github.logchute.sink.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The rules for the Kafka producer's own settings ({@code producer.*} and the file named by {@code
 * producerPropertiesFile}): which names exist, which the sink owns, which are secrets, and the
 * defaults the sink gives the producer.
 *
 * <p>A secret is a setting Kafka types as a password ({@code sasl.jaas.config}, {@code
 * ssl.key.password}, {@code ssl.keystore.key}, ...) or whose name contains {@code password}, {@code
 * jaas}, {@code secret} or {@code passphrase}. Secrets are accepted only from the properties file
 * (a mounted Kubernetes Secret): the sink's section comes from a ConfigMap, environment variables
 * or flags, which are printed ({@code --check-config}) or visible in a pod spec.
 */
final class ProducerSettings {

  /** Settings the sink decides itself: its guarantee and its wire format depend on them. */
  static final Map<String, String> OWNED = owned();

  /**
   * What the sink gives the producer unless {@code producer.*} or the file says otherwise: {@code
   * send} never waits long for metadata or buffer space ({@code max.block.ms}), a record the broker
   * does not acknowledge within a minute fails back to the pipeline, which retries it.
   */
  static final Map<String, String> DEFAULTS = defaults();

  private static final Set<String> NAMES = ProducerConfig.configNames();
  private static final Map<String, ConfigDef.ConfigKey> KEYS =
      ProducerConfig.configDef().configKeys();

  private ProducerSettings() {}

  private static Map<String, String> owned() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "set sinks.kafka.bootstrapServers instead");
    m.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "set sinks.kafka.compression instead");
    m.put(
        ProducerConfig.ACKS_CONFIG,
        "the sink always uses acks=all (nothing is acknowledged early)");
    m.put(
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
        "the sink always uses the idempotent producer (no duplicates from the producer's own"
            + " retries)");
    m.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "the sink sends bytes");
    m.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "the sink sends bytes");
    m.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "the sink does not use transactions");
    return Map.copyOf(m);
  }

  private static Map<String, String> defaults() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "1000");
    m.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "60000");
    m.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    m.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    m.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    return java.util.Collections.unmodifiableMap(m);
  }

  /** Whether {@code name} is a setting of the Kafka producer. */
  static boolean known(String name) {
    return NAMES.contains(name);
  }

  /** Whether the value of {@code name} is a secret (see the class comment). */
  static boolean isSecret(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.contains("password")
        || n.contains("jaas")
        || n.contains("secret")
        || n.contains("passphrase")) {
      return true;
    }
    ConfigDef.ConfigKey key = KEYS.get(name);
    return key != null && key.type == ConfigDef.Type.PASSWORD;
  }

  /**
   * Checks an inline {@code producer.<name>} setting.
   *
   * @throws InvalidSetting naming {@code producer.<name>}, never its value
   */
  static void checkInline(String name) {
    String key = "producer." + name;
    if (isSecret(name)) {
      throw new InvalidSetting(
          key,
          "is a secret and is not accepted in the configuration (which is printed, and often a"
              + " ConfigMap): put it in the properties file named by"
              + " sinks.kafka.producerPropertiesFile, mounted from a Kubernetes Secret");
    }
    check(key, name);
  }

  private static void check(String key, String name) {
    String why = OWNED.get(name);
    if (why != null) {
      throw new InvalidSetting(key, "cannot be set: " + why);
    }
    if (!known(name)) {
      throw new InvalidSetting(
          key, "is not a Kafka producer setting (see the producer configuration of Kafka 4)");
    }
  }

  /**
   * Reads a properties file of producer settings (any, secrets included).
   *
   * @throws InvalidSetting naming {@code producerPropertiesFile} (and the offending setting's name,
   *     never a value)
   */
  static Map<String, String> readFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException | RuntimeException e) {
      // the exception's message names the file or the problem, not the content
      throw new InvalidSetting(
          "producerPropertiesFile",
          "cannot read the producer properties file " + file + ": " + e.getClass().getSimpleName());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : new TreeSet<>(p.stringPropertyNames())) {
      try {
        check("producerPropertiesFile", name);
      } catch (InvalidSetting e) {
        throw new InvalidSetting(
            "producerPropertiesFile", file + ": setting '" + name + "' " + e.getMessage());
      }
      out.put(name, p.getProperty(name).strip());
    }
    return out;
  }
}
