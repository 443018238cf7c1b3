package io.github.logchute.core.spi;

/**
 * Creates {@link Sink}s of one kind. Providers are found with {@link java.util.ServiceLoader}: a
 * plugin jar lists its provider class in {@code
 * META-INF/services/io.github.logchute.core.spi.SinkProvider}, and a configuration that names the
 * provider's {@link #name()} gets its sink — no code change in the agent. See {@link SinkRegistry}.
 *
 * <p>Implementations need a public no-argument constructor and must be cheap to construct (every
 * provider on the class path is instantiated when the registry loads).
 */
public interface SinkProvider {

  /**
   * The name configurations use for this kind of sink: {@code console}, {@code datadog}, {@code
   * stackdriver}, a plugin's own. Lower case letters, digits and {@code -}; unique on the class
   * path.
   */
  String name();

  /**
   * Creates a sink from its configuration section. Called once per configured sink, at start, from
   * the thread that builds the engine. Validate everything here and fail with a {@link
   * io.github.logchute.core.config.ConfigException} naming the key: a sink that starts must be able
   * to work. Read every option through {@code context.config()} — keys that no getter read are
   * rejected afterwards as unknown.
   */
  Sink create(SinkContext context);

  /**
   * Checks a configuration section without creating anything: no threads, connections or open
   * files. The agent calls it, from the thread that reads the configuration, for the section of a
   * sink that is configured but not enabled, so that a typo there fails at start as it would once
   * the sink is enabled. Report errors as {@link #create} does ({@link
   * io.github.logchute.core.config.ConfigException} naming the key); a required setting that is
   * missing may be reported too, after every other key was read — the agent ignores errors naming
   * keys that were not set, then rejects keys no getter read.
   *
   * @param config the sink's section, {@code sinks.<name>}
   * @return true if the section was checked, every key read as {@link #create} reads it (keys no
   *     getter read are then rejected as unknown); false if this provider cannot check without
   *     creating (the default: its section is not checked until the sink is enabled)
   */
  default boolean validate(io.github.logchute.core.config.ConfigSection config) {
    return false;
  }
}
