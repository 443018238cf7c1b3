package io.github.logchute.core.process;

import java.util.Locale;

/**
 * How {@link MessageProcessor} reads the structure of a message: globally ({@code
 * processing.parser}) and per pod (the {@code logchute.io/parser} annotation, which the Kubernetes
 * enricher puts in {@link io.github.logchute.core.MetadataKeys#PARSER}).
 */
public enum ParserKind {
  /** A message that is one JSON object becomes fields; anything else stays text. */
  JSON("json"),
  /** A message whose first token is {@code key=value} becomes fields (off by default). */
  LOGFMT("logfmt"),
  /** Messages stay text (level detection still applies when enabled). */
  NONE("none");

  private final String configName;

  ParserKind(String configName) {
    this.configName = configName;
  }

  /** The name used in configuration and annotations: {@code json}, {@code logfmt}, {@code none}. */
  public String configName() {
    return configName;
  }

  /**
   * The kind named {@code name} (case and surrounding blanks ignored).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static ParserKind parse(String name) {
    String n = name.strip().toLowerCase(Locale.ROOT);
    for (ParserKind k : values()) {
      if (k.configName.equals(n)) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown parser '" + name + "'; expected json, logfmt or none");
  }
}
