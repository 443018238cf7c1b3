package io.github.logchute.sink.kafka;

/**
 * A setting of {@link KafkaSinkConfig.Builder} that is wrong, naming its key relative to the sink's
 * section ({@code producer.sasl.jaas.config}, {@code producerPropertiesFile}), so that the provider
 * can report the full key path. The message never holds a secret's value.
 */
final class InvalidSetting extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String key;

  InvalidSetting(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The key, relative to the sink's section. */
  String key() {
    return key;
  }
}
