package io.github.logchute.core.process;

import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Global settings of record processing and multi-line grouping, immutable. Per-source overrides
 * come from metadata ({@link io.github.logchute.core.MetadataKeys#PARSER}, {@link
 * io.github.logchute.core.MetadataKeys#MULTILINE}).
 *
 * <table>
 *   <caption>configuration keys (section {@code processing})</caption>
 *   <tr><th>key</th><th>environment</th><th>default</th></tr>
 *   <tr><td>{@code parser}</td><td>{@code LOGCHUTE_PROCESSING_PARSER}</td><td>{@code json}</td></tr>
 *   <tr><td>{@code detectLevel}</td><td>{@code LOGCHUTE_PROCESSING_DETECT_LEVEL}</td>
 *       <td>{@code true}</td></tr>
 *   <tr><td>{@code useTimeField}</td><td>{@code LOGCHUTE_PROCESSING_USE_TIME_FIELD}</td>
 *       <td>{@code false}</td></tr>
 *   <tr><td>{@code maxParseBytes}</td><td>{@code LOGCHUTE_PROCESSING_MAX_PARSE_BYTES}</td>
 *       <td>{@code 64KiB}</td></tr>
 *   <tr><td>{@code maxJsonDepth}</td><td>{@code LOGCHUTE_PROCESSING_MAX_JSON_DEPTH}</td>
 *       <td>{@code 10}</td></tr>
 *   <tr><td>{@code multiline}</td><td>{@code LOGCHUTE_PROCESSING_MULTILINE}</td>
 *       <td>{@code none}</td></tr>
 *   <tr><td>{@code multilineTimeout}</td><td>{@code LOGCHUTE_PROCESSING_MULTILINE_TIMEOUT}</td>
 *       <td>{@code 1s}</td></tr>
 *   <tr><td>{@code multilineMaxBytes}</td><td>{@code LOGCHUTE_PROCESSING_MULTILINE_MAX_BYTES}</td>
 *       <td>{@code 1MiB}</td></tr>
 *   <tr><td>{@code multilineMaxLines}</td><td>{@code LOGCHUTE_PROCESSING_MULTILINE_MAX_LINES}</td>
 *       <td>{@code 500}</td></tr>
 * </table>
 */
public final class ProcessingOptions {

  /** JSON objects become fields by default; logfmt is opt-in (plain text often looks like it). */
  public static final ParserKind DEFAULT_PARSER = ParserKind.JSON;

  public static final boolean DEFAULT_DETECT_LEVEL = true;

  /** The record keeps the runtime's time unless enabled. */
  public static final boolean DEFAULT_USE_TIME_FIELD = false;

  /** 64 KiB: larger messages stay text without being parsed. */
  public static final int DEFAULT_MAX_PARSE_BYTES = 64 * 1024;

  /** 10 levels of objects/arrays, the root object being level 1 (Datadog's nesting limit). */
  public static final int DEFAULT_MAX_JSON_DEPTH = 10;

  public static final MultilineRule DEFAULT_MULTILINE = MultilineRule.none();

  public static final Duration DEFAULT_MULTILINE_TIMEOUT = Duration.ofSeconds(1);

  /** 1 MiB, Datadog's and Cloud Logging's size for one entry. */
  public static final int DEFAULT_MULTILINE_MAX_BYTES = 1024 * 1024;

  public static final int DEFAULT_MULTILINE_MAX_LINES = 500;

  private static final String[][] ENV = {
    {"LOGCHUTE_PROCESSING_PARSER", "parser"},
    {"LOGCHUTE_PROCESSING_DETECT_LEVEL", "detectLevel"},
    {"LOGCHUTE_PROCESSING_USE_TIME_FIELD", "useTimeField"},
    {"LOGCHUTE_PROCESSING_MAX_PARSE_BYTES", "maxParseBytes"},
    {"LOGCHUTE_PROCESSING_MAX_JSON_DEPTH", "maxJsonDepth"},
    {"LOGCHUTE_PROCESSING_MULTILINE", "multiline"},
    {"LOGCHUTE_PROCESSING_MULTILINE_TIMEOUT", "multilineTimeout"},
    {"LOGCHUTE_PROCESSING_MULTILINE_MAX_BYTES", "multilineMaxBytes"},
    {"LOGCHUTE_PROCESSING_MULTILINE_MAX_LINES", "multilineMaxLines"},
  };

  private final ParserKind parser;
  private final boolean detectLevel;
  private final boolean useTimeField;
  private final int maxParseBytes;
  private final int maxJsonDepth;
  private final MultilineRule multiline;
  private final Duration multilineTimeout;
  private final int multilineMaxBytes;
  private final int multilineMaxLines;

  private ProcessingOptions(Builder b) {
    parser = b.parser;
    detectLevel = b.detectLevel;
    useTimeField = b.useTimeField;
    maxParseBytes = b.maxParseBytes;
    maxJsonDepth = b.maxJsonDepth;
    multiline = b.multiline;
    multilineTimeout = b.multilineTimeout;
    multilineMaxBytes = b.multilineMaxBytes;
    multilineMaxLines = b.multilineMaxLines;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static ProcessingOptions defaults() {
    return builder().build();
  }

  /**
   * Reads the keys of the table above from {@code section} (normally {@code processing}); absent
   * keys keep their defaults. The caller may then call {@link ConfigSection#requireAllKeysUsed()}.
   *
   * @throws ConfigException naming the key path of the first bad value
   */
  public static ProcessingOptions fromConfig(ConfigSection section) {
    Builder b = builder();
    bind(section, "parser", () -> b.parser(ParserKind.parse(section.string("parser", "json"))));
    b.detectLevel(section.bool("detectLevel", DEFAULT_DETECT_LEVEL));
    b.useTimeField(section.bool("useTimeField", DEFAULT_USE_TIME_FIELD));
    bind(
        section,
        "maxParseBytes",
        () -> b.maxParseBytes(toInt(section.bytes("maxParseBytes", DEFAULT_MAX_PARSE_BYTES))));
    bind(
        section,
        "maxJsonDepth",
        () -> b.maxJsonDepth(section.integer("maxJsonDepth", DEFAULT_MAX_JSON_DEPTH)));
    bind(
        section,
        "multiline",
        () -> b.multiline(MultilineRule.parse(section.string("multiline", "none"))));
    bind(
        section,
        "multilineTimeout",
        () -> b.multilineTimeout(section.duration("multilineTimeout", DEFAULT_MULTILINE_TIMEOUT)));
    bind(
        section,
        "multilineMaxBytes",
        () ->
            b.multilineMaxBytes(
                toInt(section.bytes("multilineMaxBytes", DEFAULT_MULTILINE_MAX_BYTES))));
    bind(
        section,
        "multilineMaxLines",
        () ->
            b.multilineMaxLines(section.integer("multilineMaxLines", DEFAULT_MULTILINE_MAX_LINES)));
    return b.build();
  }

  /**
   * Maps the {@code LOGCHUTE_PROCESSING_*} environment variables of the table above to the keys of
   * the {@code processing} section (for the agent to merge under it).
   */
  public static Map<String, String> settingsFromEnv(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String[] e : ENV) {
      String v = env.get(e[0]);
      if (v != null && !v.isBlank()) {
        out.put(e[1], v.strip());
      }
    }
    return out;
  }

  private static void bind(ConfigSection section, String key, Runnable setter) {
    try {
      setter.run();
    } catch (ConfigException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(section.keyPath(key), e.getMessage());
    }
  }

  private static int toInt(long v) {
    if (v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("too large: " + v);
    }
    return (int) v;
  }

  public ParserKind parser() {
    return parser;
  }

  public boolean detectLevel() {
    return detectLevel;
  }

  public boolean useTimeField() {
    return useTimeField;
  }

  public int maxParseBytes() {
    return maxParseBytes;
  }

  public int maxJsonDepth() {
    return maxJsonDepth;
  }

  public MultilineRule multiline() {
    return multiline;
  }

  public Duration multilineTimeout() {
    return multilineTimeout;
  }

  public int multilineMaxBytes() {
    return multilineMaxBytes;
  }

  public int multilineMaxLines() {
    return multilineMaxLines;
  }

  @Override
  public String toString() {
    return "ProcessingOptions{parser="
        + parser.configName()
        + ", detectLevel="
        + detectLevel
        + ", useTimeField="
        + useTimeField
        + ", maxParseBytes="
        + maxParseBytes
        + ", maxJsonDepth="
        + maxJsonDepth
        + ", multiline="
        + multiline
        + ", multilineTimeout="
        + multilineTimeout
        + ", multilineMaxBytes="
        + multilineMaxBytes
        + ", multilineMaxLines="
        + multilineMaxLines
        + "}";
  }

  /** Collects settings; each setter validates its value. Not thread-safe. */
  public static final class Builder {
    private ParserKind parser = DEFAULT_PARSER;
    private boolean detectLevel = DEFAULT_DETECT_LEVEL;
    private boolean useTimeField = DEFAULT_USE_TIME_FIELD;
    private int maxParseBytes = DEFAULT_MAX_PARSE_BYTES;
    private int maxJsonDepth = DEFAULT_MAX_JSON_DEPTH;
    private MultilineRule multiline = DEFAULT_MULTILINE;
    private Duration multilineTimeout = DEFAULT_MULTILINE_TIMEOUT;
    private int multilineMaxBytes = DEFAULT_MULTILINE_MAX_BYTES;
    private int multilineMaxLines = DEFAULT_MULTILINE_MAX_LINES;

    private Builder() {}

    /** The parser for sources whose metadata names none. */
    public Builder parser(ParserKind value) {
      parser = Objects.requireNonNull(value, "parser");
      return this;
    }

    /** Whether plain-text messages get a severity from their text. */
    public Builder detectLevel(boolean value) {
      detectLevel = value;
      return this;
    }

    /** Whether a structured message's time member replaces the record's time. */
    public Builder useTimeField(boolean value) {
      useTimeField = value;
      return this;
    }

    /** Largest message parsed as JSON or logfmt, 64 B to 16 MiB. */
    public Builder maxParseBytes(int value) {
      maxParseBytes = check("maxParseBytes", value, 64, 16 * 1024 * 1024);
      return this;
    }

    /** Deepest nesting of JSON objects and arrays (root object = 1), 1 to 64. */
    public Builder maxJsonDepth(int value) {
      maxJsonDepth = check("maxJsonDepth", value, 1, 64);
      return this;
    }

    /** The multi-line rule for sources whose metadata names none. */
    public Builder multiline(MultilineRule value) {
      multiline = Objects.requireNonNull(value, "multiline");
      return this;
    }

    /** How long a stream may stay quiet before the event being assembled is emitted, 1ms to 1h. */
    public Builder multilineTimeout(Duration value) {
      Objects.requireNonNull(value, "multilineTimeout");
      if (value.compareTo(Duration.ofMillis(1)) < 0 || value.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(
            "multilineTimeout must be between 1ms and 1h, was " + value);
      }
      multilineTimeout = value;
      return this;
    }

    /** Largest multi-line event (lines joined), 1 KiB to 64 MiB; a larger one is cut. */
    public Builder multilineMaxBytes(int value) {
      multilineMaxBytes = check("multilineMaxBytes", value, 1024, 64 * 1024 * 1024);
      return this;
    }

    /** Most lines in one multi-line event, 2 to 100 000; a longer one is cut. */
    public Builder multilineMaxLines(int value) {
      multilineMaxLines = check("multilineMaxLines", value, 2, 100_000);
      return this;
    }

    public ProcessingOptions build() {
      return new ProcessingOptions(this);
    }

    private static int check(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(
            name + " must be between " + min + " and " + max + ", was " + value);
      }
      return value;
    }
  }
}
