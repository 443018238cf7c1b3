package io.github.logchute.sink.datadog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkContext;
import io.github.logchute.core.spi.SinkProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code datadog} sink provider: builds a {@link DatadogSink} from the {@code sinks.datadog}
 * section. Keys (see the module README for the full table): {@code site}, {@code url}, {@code
 * apiKey}, {@code apiKeyFile}, {@code compressionLevel}, {@code requestTimeout}, {@code
 * maxBatchRecords}, {@code maxBatchBytes}, {@code linger}, {@code maxInFlight}, {@code
 * maxLogBytes}, {@code stampOldLogsWithSendTime}, {@code authFailureRetryDelay}, {@code hostname},
 * {@code tags}, {@code podLabelsAsTags}. Every error is a {@link ConfigException} naming the key.
 */
public final class DatadogSinkProvider implements SinkProvider {

  public static final String NAME = "datadog";

  /** Environment variable → key of {@code sinks.datadog}, as {@link #settingsFromEnv} maps them. */
  public static final Map<String, String> ENV_KEYS =
      Map.of(
          "DD_API_KEY", "apiKey",
          "DD_API_KEY_FILE", "apiKeyFile",
          "DD_SITE", "site",
          "LOGCHUTE_DATADOG_URL", "url",
          "DD_HOSTNAME", "hostname",
          "DD_TAGS", "tags");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Sink create(SinkContext context) {
    return new DatadogSink(config(context.config()), context.metrics(), context.clock());
  }

  /** Reads every setting as {@link #create} does (an {@code apiKeyFile} is read too). */
  @Override
  public boolean validate(ConfigSection config) {
    config(config);
    return true;
  }

  /**
   * The settings of {@code sinks.datadog} that {@code env} holds: {@code DD_API_KEY}, {@code
   * DD_API_KEY_FILE}, {@code DD_SITE}, {@code LOGCHUTE_DATADOG_URL}, {@code DD_HOSTNAME} and {@code
   * DD_TAGS} (a JSON list {@code ["env:prod","team:a"]}, or tags separated by spaces or commas,
   * returned comma-separated). Blank variables are left out. The agent merges the result under its
   * own settings for the section.
   */
  public static Map<String, String> settingsFromEnv(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : ENV_KEYS.entrySet()) {
      String v = env.get(e.getKey());
      if (v == null || v.isBlank()) {
        continue;
      }
      out.put(
          e.getValue(), e.getKey().equals("DD_TAGS") ? String.join(",", parseTags(v)) : v.trim());
    }
    return out;
  }

  /** {@code DD_TAGS}: a JSON list of strings, or items separated by whitespace or commas. */
  static List<String> parseTags(String value) {
    String v = value.trim();
    List<String> tags = new ArrayList<>();
    if (v.startsWith("[")) {
      try (JsonParser p = new JsonFactory().createParser(v)) {
        p.nextToken();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          if (t != JsonToken.VALUE_STRING) {
            throw new ConfigException("DD_TAGS", "expected a JSON list of strings, got " + t);
          }
          addTags(tags, p.getText());
        }
      } catch (IOException e) {
        throw new ConfigException(
            "DD_TAGS", "expected a JSON list of strings such as [\"env:prod\"]: " + e.getMessage());
      }
    } else {
      addTags(tags, v);
    }
    return tags;
  }

  private static void addTags(List<String> tags, String text) {
    for (String t : text.split("[\\s,]+")) {
      if (!t.isEmpty()) {
        tags.add(t);
      }
    }
  }

  /** Reads and validates {@code c}; errors name the key path. */
  static DatadogSinkConfig config(ConfigSection c) {
    DatadogSinkConfig.Builder b = DatadogSinkConfig.builder();
    set(c, "site", () -> b.site(c.string("site", DatadogSinkConfig.DEFAULT_SITE)));
    String url = c.string("url", null);
    if (url != null && !url.isBlank()) {
      set(c, "url", () -> b.url(url));
    }
    String key = c.string("apiKey", null);
    if (key != null) {
      set(c, "apiKey", () -> b.apiKey(key));
    }
    String keyFile = c.string("apiKeyFile", null);
    if (keyFile != null && !keyFile.isBlank()) {
      set(c, "apiKeyFile", () -> b.apiKeyFile(Path.of(keyFile.trim())));
    }
    set(
        c,
        "compressionLevel",
        () ->
            b.compressionLevel(
                c.integer("compressionLevel", DatadogSinkConfig.DEFAULT_COMPRESSION_LEVEL)));
    set(
        c,
        "requestTimeout",
        () ->
            b.requestTimeout(
                c.duration("requestTimeout", DatadogSinkConfig.DEFAULT_REQUEST_TIMEOUT)));
    set(
        c,
        "maxBatchRecords",
        () ->
            b.maxBatchRecords(
                c.integer("maxBatchRecords", DatadogSinkConfig.DEFAULT_MAX_BATCH_RECORDS)));
    set(
        c,
        "maxBatchBytes",
        () -> b.maxBatchBytes(c.bytes("maxBatchBytes", DatadogSinkConfig.DEFAULT_MAX_BATCH_BYTES)));
    set(c, "linger", () -> b.linger(c.duration("linger", DatadogSinkConfig.DEFAULT_LINGER)));
    set(
        c,
        "maxInFlight",
        () -> b.maxInFlight(c.integer("maxInFlight", DatadogSinkConfig.DEFAULT_MAX_IN_FLIGHT)));
    set(
        c,
        "maxLogBytes",
        () -> {
          long v = c.bytes("maxLogBytes", DatadogSinkConfig.DEFAULT_MAX_LOG_BYTES);
          b.maxLogBytes((int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v)));
        });
    set(
        c,
        "stampOldLogsWithSendTime",
        () -> b.stampOldLogsWithSendTime(c.bool("stampOldLogsWithSendTime", false)));
    set(
        c,
        "authFailureRetryDelay",
        () ->
            b.authFailureRetryDelay(
                c.duration(
                    "authFailureRetryDelay", DatadogSinkConfig.DEFAULT_AUTH_FAILURE_RETRY_DELAY)));
    set(c, "hostname", () -> b.hostname(c.string("hostname", null)));
    set(c, "tags", () -> b.tags(c.stringList("tags", List.of())));
    set(
        c,
        "podLabelsAsTags",
        () -> {
          for (String item : c.stringList("podLabelsAsTags", List.of())) {
            int eq = item.indexOf('=');
            String label = eq < 0 ? item : item.substring(0, eq);
            String tag =
                eq < 0 ? label.substring(label.lastIndexOf('/') + 1) : item.substring(eq + 1);
            b.podLabelAsTag(label, tag);
          }
        });
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      String msg = e.getMessage();
      String key2 =
          msg.startsWith("apiKey: ") ? "apiKey" : keyFile != null ? "apiKeyFile" : "apiKey";
      throw new ConfigException(
          c.keyPath(key2), msg.startsWith("apiKey: ") ? msg.substring("apiKey: ".length()) : msg);
    }
  }

  private static void set(ConfigSection c, String key, Runnable setter) {
    try {
      setter.run();
    } catch (IllegalArgumentException e) {
      throw new ConfigException(c.keyPath(key), e.getMessage());
    }
  }
}
