package io.github.logchute.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.parse.LogFormat;
import io.github.logchute.core.tail.StartAt;
import io.github.logchute.core.tail.TailerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentOptionsTest {

  @Test
  void defaultsAreTheNodeAgentsOnes() {
    AgentOptions o = AgentOptions.parse(new String[0], Map.of());
    assertThat(o.tailer().include()).containsExactly("/var/log/containers/*.log");
    assertThat(o.tailer().dataDir()).isEqualTo(Path.of("/var/lib/logchute"));
    assertThat(o.tailer().startAt()).isEqualTo(StartAt.END);
    assertThat(o.tailer().format()).isEqualTo(LogFormat.AUTO);
    assertThat(o.sinks()).containsExactly("console");
    assertThat(o.maxQueuedBytes()).isEqualTo(64L << 20);
    assertThat(o.tailer().exclude()).isEqualTo(TailerConfig.DEFAULT_EXCLUDE);
  }

  @Test
  void environmentThenFlagsWin() {
    Map<String, String> env =
        Map.of(
            "LOGCHUTE_PATHS", "/a/*.log, /b/*.log",
            "LOGCHUTE_START_AT", "beginning",
            "LOGCHUTE_DATA_DIR", "/env/data",
            "LOGCHUTE_SINKS", "console",
            "LOGCHUTE_SINKS_CONSOLE_MAX_BATCH_RECORDS", "7",
            "LOGCHUTE_MAX_QUEUED_BYTES", "8MiB");
    AgentOptions o =
        AgentOptions.parse(
            new String[] {
              "--data-dir",
              "/flag/data",
              "--set",
              "sinks.console.target=stderr",
              "--shutdown-timeout=5s"
            },
            env);
    assertThat(o.tailer().include()).containsExactly("/a/*.log", "/b/*.log");
    assertThat(o.tailer().startAt()).isEqualTo(StartAt.BEGINNING);
    assertThat(o.tailer().dataDir()).isEqualTo(Path.of("/flag/data"));
    assertThat(o.sinkSettings().get("console"))
        .containsEntry("maxBatchRecords", "7")
        .containsEntry("target", "stderr");
    assertThat(o.maxQueuedBytes()).isEqualTo(8L << 20);
    assertThat(o.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void errorsNameTheSettingAndWhereItCameFrom() {
    assertThatThrownBy(
            () -> AgentOptions.parse(new String[0], Map.of("LOGCHUTE_START_AT", "middle")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("startAt: expected end or beginning, got 'middle' (set by LOGCHUTE_START_AT)");
    assertThatThrownBy(() -> AgentOptions.parse(new String[] {"--format", "xml"}, Map.of()))
        .hasMessageStartingWith("format: unknown log format 'xml'")
        .hasMessageEndingWith("(set by --format)");
    assertThatThrownBy(
            () -> AgentOptions.parse(new String[] {"--max-queued-bytes", "lots"}, Map.of()))
        .hasMessageStartingWith("maxQueuedBytes: expected a size");
    assertThatThrownBy(() -> AgentOptions.parse(new String[] {"--bogus", "1"}, Map.of()))
        .hasMessageStartingWith("--bogus: unknown flag");
    assertThatThrownBy(() -> AgentOptions.parse(new String[] {"--paths"}, Map.of()))
        .hasMessage("--paths: needs a value");
    assertThatThrownBy(
            () -> AgentOptions.parse(new String[] {"--set", "sinks.datadog.site=eu"}, Map.of()))
        .hasMessageStartingWith("sinks.datadog: options given for a sink that is not enabled");
  }

  @Test
  void aBadSinkOptionStopsTheAgentAtStartNamingTheKey() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Agent.run(
            new String[] {"--paths", "/nonexistent/*.log", "--set", "sinks.console.colour=red"},
            Map.of(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("logchute: configuration error: sinks.console.colour: unknown key");
  }

  @Test
  void anUnknownSinkListsTheOnesFound() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Agent.run(
            new String[] {"--sinks", "console,datadgo"},
            Map.of(),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("sinks.datadgo: no sink provider named 'datadgo'")
        .contains("console")
        .contains("slowfile");
  }

  @Test
  void helpAndVersionGoToStdout() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    assertThat(Agent.run(new String[] {"--help"}, Map.of(), ps, ps)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("usage: logchute-agent");
    out.reset();
    assertThat(Agent.run(new String[] {"--version"}, Map.of(), ps, ps)).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("logchute-agent ");
    assertThat(List.of(AgentOptions.USAGE.split("\n")))
        .anyMatch(l -> l.contains("LOGCHUTE_START_AT"));
  }
}
