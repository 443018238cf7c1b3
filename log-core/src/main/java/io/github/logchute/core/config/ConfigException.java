package io.github.logchute.core.config;

/**
 * A configuration error, raised at start. The message names the key path ({@code
 * sinks.datadog.site}) and what was expected, and never contains a secret's value.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String key;

  public ConfigException(String key, String message) {
    super(key + ": " + message);
    this.key = key;
  }

  /** The full path of the offending key. */
  public String key() {
    return key;
  }
}
