package io.github.logchute.examples;

import io.github.logchute.core.config.ConfigException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Sink plugins from a directory: every {@code *.jar} in it, in their own class loader whose parent
 * is the agent's, so {@code java -jar logchute-agent.jar} finds their providers with {@code
 * ServiceLoader} as it finds the built-in ones.
 */
final class Plugins {

  /** The environment variable naming the directory ({@code --plugins} wins over it). */
  static final String ENV = "LOGCHUTE_PLUGINS_DIR";

  static final String FLAG = "--plugins";

  private Plugins() {}

  /**
   * The directory given by {@code --plugins DIR} (or {@code --plugins=DIR}, the last one wins) or
   * {@link #ENV}, as {@code {path, origin}}; null if neither is set.
   */
  static String[] directory(String[] args, Map<String, String> env) {
    String[] found = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(FLAG) && i + 1 < args.length) {
        found = new String[] {args[++i], FLAG};
      } else if (args[i].startsWith(FLAG + "=")) {
        found = new String[] {args[i].substring(FLAG.length() + 1), FLAG};
      }
    }
    if (found == null && env.get(ENV) != null && !env.get(ENV).isBlank()) {
      found = new String[] {env.get(ENV), ENV};
    }
    return found;
  }

  /**
   * A class loader over the jars of {@code directory} (null: none), or {@code parent} if there are
   * none.
   *
   * @throws ConfigException naming the flag or variable if the directory cannot be listed
   */
  static ClassLoader loader(String[] directory, ClassLoader parent) {
    if (directory == null) {
      return parent;
    }
    Path dir = Path.of(directory[0]);
    if (!Files.isDirectory(dir)) {
      throw new ConfigException(directory[1], "not a directory: " + dir);
    }
    List<URL> jars = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().toList()) {
        jars.add(p.toUri().toURL());
      }
    } catch (MalformedURLException e) {
      throw new ConfigException(directory[1], "cannot load from " + dir + ": " + e.getMessage());
    } catch (IOException e) {
      throw new ConfigException(directory[1], "cannot list " + dir + ": " + e);
    }
    if (jars.isEmpty()) {
      return parent;
    }
    return new URLClassLoader("logchute-plugins", jars.toArray(URL[]::new), parent);
  }
}
