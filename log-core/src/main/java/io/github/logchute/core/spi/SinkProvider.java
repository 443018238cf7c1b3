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
}
