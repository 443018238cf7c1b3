package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkContext;
import io.github.logchute.core.spi.SinkProvider;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code stackdriver} sink: Google Cloud Logging. Options are read from {@code
 * sinks.stackdriver.*} (see {@link StackdriverConfig#fromSection} and the module README); {@link
 * #settingsFromEnv} maps the environment variables onto the same keys.
 */
public final class StackdriverSinkProvider implements SinkProvider {

  public static final String NAME = "stackdriver";

  /** Environment variable → configuration key (the module README lists them too). */
  public static final Map<String, String> ENV_KEYS =
      Map.of(
          "LOGCHUTE_STACKDRIVER_URL", "url",
          "LOGCHUTE_STACKDRIVER_PROJECT", "project",
          "LOGCHUTE_CLUSTER_NAME", "clusterName",
          "LOGCHUTE_CLUSTER_LOCATION", "clusterLocation",
          "GOOGLE_APPLICATION_CREDENTIALS", "credentialsFile",
          "GCE_METADATA_HOST", "metadataUrl");

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Sink create(SinkContext context) {
    return StackdriverSink.create(
        StackdriverConfig.fromSection(context.config()), context.metrics(), context.clock());
  }

  /** Reads every setting as {@link #create} does, without reading credentials or connecting. */
  @Override
  public boolean validate(ConfigSection config) {
    StackdriverConfig.fromSection(config);
    return true;
  }

  /**
   * The settings that environment variables give, as {@code sinks.stackdriver} keys. Blank
   * variables are ignored. {@code GCE_METADATA_HOST} is a {@code host[:port]} as Google's client
   * libraries take it; it becomes {@code metadataUrl = http://<host[:port]>}.
   */
  public static Map<String, String> settingsFromEnv(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String var :
        new String[] {
          "LOGCHUTE_STACKDRIVER_URL",
          "LOGCHUTE_STACKDRIVER_PROJECT",
          "LOGCHUTE_CLUSTER_NAME",
          "LOGCHUTE_CLUSTER_LOCATION",
          "GOOGLE_APPLICATION_CREDENTIALS",
          "GCE_METADATA_HOST"
        }) {
      String v = env.get(var);
      if (v == null || v.isBlank()) {
        continue;
      }
      v = v.trim();
      if (var.equals("GCE_METADATA_HOST") && !v.contains("://")) {
        v = "http://" + v;
      }
      out.put(ENV_KEYS.get(var), v);
    }
    return out;
  }
}
