package io.github.logchute.core.spi;

import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import java.util.Collections;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@link SinkProvider}s on a class path, by name.
 *
 * <pre>{@code
 * SinkRegistry registry = SinkRegistry.load(SinkRegistry.class.getClassLoader());
 * Sink sink = registry.create("console", new SinkContext(section, metrics, Clock.system()));
 * }</pre>
 *
 * An unknown name, two providers with the same name, or an option the provider did not read are
 * configuration errors that name the key.
 */
public final class SinkRegistry {

  private final Map<String, SinkProvider> providers;

  private SinkRegistry(Map<String, SinkProvider> providers) {
    this.providers = Collections.unmodifiableMap(providers);
  }

  /**
   * Finds every provider visible to {@code loader}.
   *
   * @throws ConfigException if two providers claim the same name or one cannot be instantiated
   */
  public static SinkRegistry load(ClassLoader loader) {
    Map<String, SinkProvider> found = new TreeMap<>();
    try {
      for (SinkProvider p : ServiceLoader.load(SinkProvider.class, loader)) {
        SinkProvider previous = found.putIfAbsent(p.name(), p);
        if (previous != null) {
          throw new ConfigException(
              "sinks",
              "two sink providers are named '"
                  + p.name()
                  + "': "
                  + previous.getClass().getName()
                  + " and "
                  + p.getClass().getName());
        }
      }
    } catch (ServiceConfigurationError e) {
      throw new ConfigException("sinks", "a sink provider failed to load: " + e.getMessage());
    }
    return new SinkRegistry(found);
  }

  /** A registry over exactly {@code providers} (for code that wires sinks by hand). */
  public static SinkRegistry of(SinkProvider... providers) {
    Map<String, SinkProvider> map = new TreeMap<>();
    for (SinkProvider p : providers) {
      if (map.putIfAbsent(p.name(), p) != null) {
        throw new IllegalArgumentException("two sink providers are named '" + p.name() + "'");
      }
    }
    return new SinkRegistry(map);
  }

  /** The provider names found, sorted. */
  public Set<String> names() {
    return providers.keySet();
  }

  /**
   * The provider called {@code name}.
   *
   * @throws ConfigException naming {@code sinks.<name>} and listing the names found
   */
  public SinkProvider provider(String name) {
    SinkProvider p = providers.get(name);
    if (p == null) {
      throw new ConfigException(
          "sinks." + name, "no sink provider named '" + name + "'; found " + names());
    }
    return p;
  }

  /**
   * Checks the section of the sink called {@code name} without creating it ({@link
   * SinkProvider#validate}), then, if the provider checked it, rejects any option it did not read.
   *
   * @return whether the provider checked the section
   * @throws ConfigException naming the key, on the first error
   */
  public boolean validate(String name, ConfigSection config) {
    if (!provider(name).validate(config)) {
      return false;
    }
    config.requireAllKeysUsed();
    return true;
  }

  /**
   * Creates the sink called {@code name} from {@code context}, then rejects any option in its
   * section that the provider did not read.
   */
  public Sink create(String name, SinkContext context) {
    Sink sink = provider(name).create(context);
    try {
      context.config().requireAllKeysUsed();
    } catch (ConfigException e) {
      sink.close();
      throw e;
    }
    return sink;
  }
}
