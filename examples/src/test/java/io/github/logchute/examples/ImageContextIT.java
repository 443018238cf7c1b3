package io.github.logchute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's build stage, without a Docker engine: the files {@code examples/Dockerfile}'s build
 * context lets through ({@code Dockerfile.dockerignore}) are copied to an empty directory, the
 * build stage's command runs there (offline: the Maven repository this build filled), and the jar
 * it makes answers {@code --version}. A module the root pom lists but the context leaves out, or a
 * file the build needs that is ignored, fails here instead of in {@code docker build}.
 */
class ImageContextIT {

  private static final String BUILD_COMMAND = "./mvnw -B -q -pl examples -am package -DskipTests";

  @TempDir Path context;

  @Test
  void theBuildStageBuildsTheAgentFromExactlyTheContextDockerSends() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    String dockerfile = Files.readString(root.resolve("examples/Dockerfile"));
    assertThat(dockerfile).contains("COPY . .").contains(BUILD_COMMAND);
    List<PathMatcher> ignored = new ArrayList<>();
    for (String line : Files.readAllLines(root.resolve("examples/Dockerfile.dockerignore"))) {
      String p = line.strip();
      if (p.isEmpty() || p.startsWith("#")) {
        continue;
      }
      assertThat(p).as("exceptions (!) are not used").doesNotStartWith("!");
      ignored.add(FileSystems.getDefault().getPathMatcher("glob:" + p));
      if (p.startsWith("**/")) {
        // Docker's ** also matches no directory at all: **/target is target at the top too
        ignored.add(FileSystems.getDefault().getPathMatcher("glob:" + p.substring(3)));
      }
    }
    int copied = 0;
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Path rel = root.relativize(f);
        if (isIgnored(rel, ignored)) {
          continue;
        }
        Path to = context.resolve(rel);
        Files.createDirectories(to.getParent());
        Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
        copied++;
      }
    }
    assertThat(copied).isPositive();
    assertThat(context.resolve("examples/kubernetes")).as("ignored").doesNotExist();

    List<String> cmd = new ArrayList<>(List.of(BUILD_COMMAND.split(" ")));
    cmd.add("-o"); // what this build downloaded is all there is
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(context.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MAVEN_") && !k.equals("MAVEN_OPTS"));
    pb.redirectErrorStream(true);
    Path log = context.resolve("build.log");
    pb.redirectOutput(log.toFile());
    Process build = pb.start();
    boolean ended = build.waitFor(Duration.ofMinutes(10).toSeconds(), TimeUnit.SECONDS);
    if (!ended) {
      build.destroyForcibly();
    }
    assertThat(ended).as("the build ended").isTrue();
    assertThat(build.exitValue()).as(Files.readString(log, StandardCharsets.UTF_8)).isZero();

    Path jar = context.resolve("examples/target/logchute-agent.jar");
    Process version =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "--version")
            .redirectErrorStream(true)
            .start();
    String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(version.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(version.exitValue()).isZero();
    assertThat(out).startsWith("logchute-agent ");
  }

  /** Docker's rule: a path is left out if it, or a directory it is in, matches a pattern. */
  private static boolean isIgnored(Path rel, List<PathMatcher> patterns) throws IOException {
    for (Path p = rel; p != null; p = p.getParent()) {
      for (PathMatcher m : patterns) {
        if (m.matches(p)) {
          return true;
        }
      }
    }
    return false;
  }
}
