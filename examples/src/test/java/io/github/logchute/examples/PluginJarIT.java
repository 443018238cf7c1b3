package io.github.logchute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The custom sink example ({@code examples/custom-sink}) as a team ships it: its sources compiled
 * into a jar with its {@code META-INF/services} entry, the jar dropped onto the agent's class path,
 * and the sink chosen by name — no change to the agent.
 */
class PluginJarIT {

  private static final Path PLUGIN = Path.of("custom-sink");

  @TempDir Path work;

  @Test
  void aSinkPluginJarOnTheClassPathIsLoadedByName() throws Exception {
    Path jar = buildPluginJar();
    Path out = work.resolve("out.jsonl");
    List<String> args =
        List.of(
            "--paths",
            Path.of("sample-logs", "containers").toAbsolutePath() + "/*.log",
            "--start-at",
            "beginning",
            "--data-dir",
            work.resolve("data").toString(),
            "--sinks",
            "jsonl-file",
            "--set",
            "sinks.jsonl-file.path=" + out);
    try (AgentProcess agent =
        new AgentProcess(work, "agent", args, Map.of(), List.of(), List.of(jar))) {
      Await.until(
          "18 records in the plugin's file",
          Duration.ofSeconds(30),
          () -> lines(out),
          n -> n >= 18);
      assertThat(agent.terminate(Duration.ofSeconds(30))).isZero();
      List<String> written = Files.readAllLines(out);
      assertThat(written).hasSize(18);
      assertThat(written).allSatisfy(l -> assertThat(l).startsWith("{").endsWith("}"));
      assertThat(String.join("\n", written)).contains("Payment declined");
      assertThat(agent.stderrText()).contains("into sinks [jsonl-file]");
    }
  }

  @Test
  void aSinkPluginJarInThePluginsDirectoryIsUsedByJavaJar() throws Exception {
    Path jar = buildPluginJar();
    Path plugins = Files.createDirectories(work.resolve("plugins"));
    Files.move(jar, plugins.resolve(jar.getFileName()));
    Path out = work.resolve("out.jsonl");
    List<String> args =
        List.of(
            "--paths",
            Path.of("sample-logs", "containers").toAbsolutePath() + "/*.log",
            "--start-at",
            "beginning",
            "--data-dir",
            work.resolve("data").toString(),
            "--sinks",
            "jsonl-file",
            "--set",
            "sinks.jsonl-file.path=" + out);
    try (AgentProcess agent =
        AgentProcess.fromJar(
            work, "agent", args, Map.of("LOGCHUTE_PLUGINS_DIR", plugins.toString()))) {
      Await.until(
          "18 records in the plugin's file",
          Duration.ofSeconds(30),
          () -> lines(out),
          n -> n >= 18);
      assertThat(agent.terminate(Duration.ofSeconds(30))).isZero();
      assertThat(Files.readAllLines(out)).hasSize(18);
    }
    // --help lists it among the sinks found; without the directory it is unknown
    try (AgentProcess help =
        AgentProcess.fromJar(
            work, "help", List.of("--plugins", plugins.toString(), "--help"), Map.of())) {
      assertThat(help.waitFor(Duration.ofSeconds(30))).isZero();
      assertThat(String.join("\n", help.stdoutLines()))
          .contains("Sinks found: ")
          .contains("jsonl-file");
    }
    try (AgentProcess without = AgentProcess.fromJar(work, "without", args, Map.of())) {
      assertThat(without.waitFor(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(without.stderrText()).contains("no sink provider named 'jsonl-file'");
    }
    try (AgentProcess missing =
        AgentProcess.fromJar(
            work, "missing", List.of("--plugins", work.resolve("nope").toString()), Map.of())) {
      assertThat(missing.waitFor(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(missing.stderrText()).contains("--plugins").contains("not a directory");
    }
  }

  private static int lines(Path p) {
    try {
      return Files.exists(p) ? Files.readAllLines(p).size() : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Compiles the plugin's sources against this class path and jars them with its resources. */
  private Path buildPluginJar() throws IOException {
    Path classes = Files.createDirectories(work.resolve("plugin-classes"));
    List<String> sources = new ArrayList<>();
    try (Stream<Path> s = Files.walk(PLUGIN.resolve("src/main/java"))) {
      s.filter(p -> p.toString().endsWith(".java")).forEach(p -> sources.add(p.toString()));
    }
    assertThat(sources).isNotEmpty();
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    List<String> options = new ArrayList<>(List.of("--release", "17", "-d", classes.toString()));
    options.add("-cp");
    options.add(System.getProperty("java.class.path"));
    options.addAll(sources);
    int rc = javac.run(null, null, null, options.toArray(new String[0]));
    assertThat(rc).as("the plugin compiles").isZero();
    Path jar = work.resolve("jsonl-file-sink.jar");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      for (Path root : List.of(classes, PLUGIN.resolve("src/main/resources"))) {
        try (Stream<Path> s = Files.walk(root)) {
          for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
            out.putNextEntry(new JarEntry(root.relativize(p).toString().replace('\\', '/')));
            Files.copy(p, out);
            out.closeEntry();
          }
        }
      }
    }
    return jar;
  }
}
