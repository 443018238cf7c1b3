package io.github.logchute.examples;

import io.github.logchute.core.Await;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent as a real child JVM, on this test's class path (so test sink plugins are there). Public
 * for the torture tests in {@code io.github.logchute.examples.torture}.
 */
public final class AgentProcess implements AutoCloseable {

  final Process process;
  final Path stdout;
  final Path stderr;

  public AgentProcess(Path workDir, String name, List<String> args, Map<String, String> env)
      throws IOException {
    this(workDir, name, args, env, List.of());
  }

  /**
   * @param wrapper a command the JVM is started under (e.g. {@code setpriv ...}), or empty
   */
  AgentProcess(
      Path workDir, String name, List<String> args, Map<String, String> env, List<String> wrapper)
      throws IOException {
    this(workDir, name, args, env, wrapper, List.of());
  }

  /**
   * @param wrapper a command the JVM is started under (e.g. {@code setpriv ...}), or empty
   * @param extraClassPath jars added after the agent's class path (plugins)
   */
  AgentProcess(
      Path workDir,
      String name,
      List<String> args,
      Map<String, String> env,
      List<String> wrapper,
      List<Path> extraClassPath)
      throws IOException {
    this(workDir, name, args, env, wrapper, classPath(extraClassPath));
  }

  private static String[] classPath(List<Path> extra) {
    StringBuilder cp = new StringBuilder(System.getProperty("java.class.path"));
    for (Path jar : extra) {
      cp.append(java.io.File.pathSeparatorChar).append(jar);
    }
    return new String[] {"-cp", cp.toString(), Agent.class.getName()};
  }

  /** The agent as users run it: {@code java -jar target/logchute-agent.jar} (built by package). */
  static AgentProcess fromJar(Path workDir, String name, List<String> args, Map<String, String> env)
      throws IOException {
    Path jar = Path.of("target", "logchute-agent.jar").toAbsolutePath();
    if (!java.nio.file.Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run the package phase first");
    }
    return new AgentProcess(
        workDir, name, args, env, List.of(), new String[] {"-jar", jar.toString()});
  }

  private AgentProcess(
      Path workDir,
      String name,
      List<String> args,
      Map<String, String> env,
      List<String> wrapper,
      String[] launch)
      throws IOException {
    stdout = workDir.resolve(name + ".stdout");
    stderr = workDir.resolve(name + ".stderr");
    List<String> cmd = new ArrayList<>(wrapper);
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx256m");
    cmd.addAll(List.of(launch));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    // Nothing of the machine's environment may point the agent anywhere real.
    pb.environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("LOGCHUTE_")
                    || k.startsWith("DD_")
                    || k.startsWith("KUBERNETES_")
                    || k.equals("GOOGLE_APPLICATION_CREDENTIALS")
                    || k.equals("GCE_METADATA_HOST"));
    pb.environment().put("LOGCHUTE_METRICS_PORT", "0"); // any free port, unless the test says
    pb.environment().putAll(env);
    pb.redirectOutput(stdout.toFile());
    pb.redirectError(stderr.toFile());
    process = pb.start();
  }

  /** The port of /metrics, /healthz, /readyz, once the agent has logged it. */
  public int statusPort(Duration timeout) {
    String marker = "metrics and health on port ";
    Await.until(
        "the agent reports its status port",
        timeout,
        () -> {
          try {
            return stderrText().contains(marker);
          } catch (IOException e) {
            return false;
          }
        });
    try {
      String text = stderrText();
      int at = text.indexOf(marker) + marker.length();
      int end = at;
      while (end < text.length() && Character.isDigit(text.charAt(end))) {
        end++;
      }
      return Integer.parseInt(text.substring(at, end));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public List<String> stdoutLines() throws IOException {
    return Files.readAllLines(stdout);
  }

  public String stderrText() throws IOException {
    return Files.readString(stderr);
  }

  /** The child process (its pid, whether it is alive). */
  public Process process() {
    return process;
  }

  /** The file the child's stderr (the agent's own log) goes to. */
  public Path stderrFile() {
    return stderr;
  }

  /** SIGKILL, and wait until the process is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Waits for the process to end on its own; its exit code. */
  public int waitFor(Duration timeout) throws InterruptedException {
    Await.until("agent exited", timeout, () -> !process.isAlive());
    return process.exitValue();
  }

  /** SIGTERM, and wait for the exit. */
  public int terminate(Duration timeout) throws InterruptedException {
    process.destroy();
    Await.until("agent exited after SIGTERM", timeout, () -> !process.isAlive());
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      try {
        kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
