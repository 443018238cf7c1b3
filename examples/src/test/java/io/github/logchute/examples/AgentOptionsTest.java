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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentOptionsTest {

  private static final List<String> KNOWN =
      List.of("console", "slowfile", "memory", "datadog", "stackdriver");

  @TempDir Path dir;

  private static AgentOptions parse(String[] args, Map<String, String> env) {
    return AgentOptions.parse(args, env, KNOWN);
  }

  /** Runs the agent's main logic in process; returns exit code, stdout and stderr. */
  private static String[] run(Map<String, String> env, String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Agent.run(
            args,
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new String[] {
      Integer.toString(code),
      out.toString(StandardCharsets.UTF_8),
      err.toString(StandardCharsets.UTF_8)
    };
  }

  @Test
  void defaultsAreTheNodeAgentsOnes() {
    AgentOptions o = parse(new String[0], Map.of());
    assertThat(o.tailer().include()).containsExactly("/var/log/containers/*.log");
    assertThat(o.tailer().dataDir()).isEqualTo(Path.of("/var/lib/logchute"));
    assertThat(o.tailer().startAt()).isEqualTo(StartAt.END);
    assertThat(o.tailer().format()).isEqualTo(LogFormat.AUTO);
    assertThat(o.sinks()).containsExactly("console");
    assertThat(o.maxQueuedBytes()).isEqualTo(64L << 20);
    assertThat(o.tailer().exclude()).isEqualTo(TailerConfig.DEFAULT_EXCLUDE);
    assertThat(o.metricsPort()).isEqualTo(24231);
    assertThat(o.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void theFileThenTheEnvironmentThenFlagsWin() throws Exception {
    Path file = dir.resolve("logchute.yaml");
    Files.writeString(
        file,
        """
        paths: [/file/*.log]
        startAt: beginning
        dataDir: /file/data
        maxQueuedBytes: 16MiB
        sinks:
          console:
            maxBatchRecords: 3
            target: stdout
        metrics:
          port: 9999
        """);
    Map<String, String> env =
        Map.of(
            "LOGCHUTE_CONFIG", file.toString(),
            "LOGCHUTE_PATHS", "/a/*.log, /b/*.log",
            "LOGCHUTE_DATA_DIR", "/env/data",
            "LOGCHUTE_SINKS_CONSOLE_MAX_BATCH_RECORDS", "7",
            "LOGCHUTE_METRICS_PORT", "0");
    AgentOptions o =
        parse(
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
    assertThat(o.sinks()).containsExactly("console");
    assertThat(o.sinkSections().get("console").integer("maxBatchRecords", 0)).isEqualTo(7);
    assertThat(o.sinkSections().get("console").string("target", null)).isEqualTo("stderr");
    assertThat(o.maxQueuedBytes()).isEqualTo(16L << 20);
    assertThat(o.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(o.metricsPort()).isZero();
  }

  @Test
  void environmentVariablesDeriveFromKeyPathsOneWay() {
    assertThat(ConfigTree.envVar("sinks.datadog.site")).isEqualTo("LOGCHUTE_SINKS_DATADOG_SITE");
    assertThat(ConfigTree.envVar("startAt")).isEqualTo("LOGCHUTE_START_AT");
    assertThat(ConfigTree.envVar("metadata.nodeName")).isEqualTo("LOGCHUTE_METADATA_NODE_NAME");
    for (String key :
        List.of(
            "sinks.datadog.site",
            "startAt",
            "maxQueuedBytes",
            "metadata.nodeName",
            "metrics.port",
            "sinks.console.maxBatchRecords",
            "sinks.jsonl-file.path")) {
      String var = ConfigTree.envVar(key);
      assertThat(
              ConfigTree.keyOf(
                  var.substring("LOGCHUTE_".length()), List.of("jsonl-file", "datadog")))
          .as(var)
          .isEqualTo(key);
    }
  }

  @Test
  void settingsOfSinksThatAreNotEnabledAreLeftAlone() {
    AgentOptions o =
        parse(new String[0], Map.of("DD_API_KEY", "abc", "LOGCHUTE_SINKS_DATADOG_SITE", "eu"));
    assertThat(o.sinks()).containsExactly("console");
    assertThat(o.sinkSections()).containsOnlyKeys("console");
    // a well-known variable a shared environment holds for other programs is no mistake
    assertThat(o.ignoredSettings())
        .containsExactly("sinks.datadog.site (set by LOGCHUTE_SINKS_DATADOG_SITE)");
  }

  @Test
  void settingsOfASinkThatIsNotEnabledAreCheckedAndReportedNotDroppedSilently() throws Exception {
    Path file = dir.resolve("logchute.yaml");
    String data = dir.resolve("data").toString();
    // valid settings of sinks that do not run: listed as ignored; a required setting they lack
    // (the Datadog API key here) is no error while the sink is off
    Files.writeString(file, "sinks:\n  datadog:\n    site: datadoghq.eu\n    linger: 2s\n");
    String[] r =
        run(
            Map.of(),
            "--config",
            file.toString(),
            "--data-dir",
            data,
            "--sinks",
            "console",
            "--set",
            "sinks.stackdriver.project=p",
            "--check-config");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1])
        .contains(
            "# ignored, its sink is not enabled: sinks.datadog.site (set by the file " + file + ")")
        .contains("# ignored, its sink is not enabled: sinks.stackdriver.project (set by --set");
    assertThat(r[1]).doesNotContain("apiKey");

    // a typo, or a bad value, under a sink that does not run fails as it would once it runs
    Files.writeString(file, "sinks:\n  datadog:\n    stie: datadoghq.eu\n");
    // (--check-config runs Agent.build, as a start does; a start that wrongly passed would block)
    for (String[] args :
        List.<String[]>of(
            new String[] {
              "--config",
              file.toString(),
              "--data-dir",
              data,
              "--sinks",
              "console",
              "--check-config"
            })) {
      String[] typo = run(Map.of(), args);
      assertThat(typo[0]).isEqualTo("2");
      assertThat(typo[2])
          .contains("sinks.datadog.stie: unknown key")
          .contains("sink datadog is not enabled, but its settings are checked")
          .contains("(set by the file " + file + ")");
    }
    String[] value =
        run(Map.of(), "--data-dir", data, "--set", "sinks.datadog.linger=soon", "--check-config");
    assertThat(value[0]).isEqualTo("2");
    assertThat(value[2]).contains("sinks.datadog.linger").contains("(set by --set");

    // a well-known variable with a bad value, held for other programs, stays no error
    String[] env =
        run(Map.of("DD_SITE", "not a site at all"), "--data-dir", data, "--check-config");
    assertThat(env[0]).as(env[2]).isEqualTo("0");
  }

  @Test
  void settingsOfASinkNameNobodyKnowsAreAnErrorNamingTheKeyAndWhereItWasSet() throws Exception {
    Path file = dir.resolve("logchute.yaml");
    Files.writeString(file, "sinks:\n  datdog:\n    site: datadoghq.eu\n");
    String[] r = run(Map.of(), "--config", file.toString(), "--sinks", "console", "--check-config");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2])
        .contains("sinks.datdog.site: no sink is named 'datdog' (set by the file " + file + ")")
        .contains("datadog");
    assertThatThrownBy(
            () -> parse(new String[0], Map.of("LOGCHUTE_SINKS_DATADG_SITE", "datadoghq.eu")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("sinks.datadg.site: no sink is named 'datadg'")
        .hasMessageContaining("(set by LOGCHUTE_SINKS_DATADG_SITE)");
  }

  @Test
  void aDataDirectoryThatCannotTakeCheckpointsFailsTheCheckAndTheStart() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-directory"), "x");
    Path dataDir = file.resolve("data");
    String[] check = run(Map.of("LOGCHUTE_DATA_DIR", dataDir.toString()), "--check-config");
    assertThat(check[0]).isEqualTo("2");
    assertThat(check[2])
        .contains("dataDir: cannot write checkpoints in " + dataDir)
        .contains("(set by LOGCHUTE_DATA_DIR)");
    String[] start = run(Map.of("LOGCHUTE_DATA_DIR", dataDir.toString()));
    assertThat(start[0]).isEqualTo("2");
    assertThat(start[2]).contains("dataDir: cannot write checkpoints in " + dataDir);
    // a writable one passes, and is left with nothing of the check in it
    Path good = dir.resolve("fresh/data");
    assertThat(run(Map.of("LOGCHUTE_DATA_DIR", good.toString()), "--check-config")[0])
        .isEqualTo("0");
    try (var left = Files.list(good)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void errorsNameTheSettingAndWhereItCameFrom() throws Exception {
    assertThatThrownBy(() -> parse(new String[0], Map.of("LOGCHUTE_START_AT", "middle")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("startAt: expected end or beginning, got 'middle' (set by LOGCHUTE_START_AT)");
    assertThatThrownBy(() -> parse(new String[] {"--format", "xml"}, Map.of()))
        .hasMessageStartingWith("format: unknown log format 'xml'")
        .hasMessageEndingWith("(set by --format)");
    assertThatThrownBy(() -> parse(new String[] {"--max-queued-bytes", "lots"}, Map.of()))
        .hasMessageStartingWith("maxQueuedBytes: expected a size");
    assertThatThrownBy(() -> parse(new String[] {"--bogus", "1"}, Map.of()))
        .hasMessageStartingWith("--bogus: unknown flag");
    assertThatThrownBy(() -> parse(new String[] {"--paths"}, Map.of()))
        .hasMessage("--paths: needs a value");
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "- just\n- a list\n");
    assertThatThrownBy(() -> parse(new String[] {"--config", file.toString()}, Map.of()))
        .hasMessageContaining("the top level must be a map");
  }

  @Test
  void checkConfigRejectsUnknownKeysAndWrongTypesNamingTheKey() throws Exception {
    Path file = dir.resolve("logchute.yaml");
    Files.writeString(file, "paths: [/x/*.log]\nstartAt: beginning\nchekpointInterval: 5s\n");
    String[] r = run(Map.of(), "--config", file.toString(), "--check-config");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2])
        .startsWith("logchute: configuration error: chekpointInterval: unknown key")
        .contains("the file " + file);

    Files.writeString(file, "sinks:\n  console:\n    maxBatchRecords: many\n");
    r = run(Map.of(), "--config", file.toString(), "--check-config");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("sinks.console.maxBatchRecords: expected an integer, got 'many'");

    r = run(Map.of("LOGCHUTE_METRICS_PROT", "1"), "--check-config");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("metrics.prot: unknown key").contains("LOGCHUTE_METRICS_PROT");

    // what start-up refuses, the check refuses too
    r = run(Map.of("LOGCHUTE_METRICS_PORT", "99999"), "--check-config");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("metrics.port: expected 0-65535, got 99999");
  }

  @Test
  void theConfigMapsCommentedExamplesAreValidWhenUncommented() throws Exception {
    String yaml = Files.readString(Path.of("kubernetes", "configmap.yaml"));
    int at = yaml.indexOf("logchute.yaml: |");
    assertThat(at).as("the ConfigMap holds logchute.yaml").isPositive();
    StringBuilder file = new StringBuilder();
    for (String line : yaml.substring(at).lines().skip(1).toList()) {
      if (!line.startsWith("    ")) {
        break;
      }
      String l = line.substring(4);
      // uncomment commented settings ("# key: value"), keep prose comments out
      if (l.matches("\\s*# [a-z][a-zA-Z]*:( .*)?")) {
        l = l.replaceFirst("# ", "");
      }
      file.append(l).append('\n');
    }
    Path config = dir.resolve("uncommented.yaml");
    Files.writeString(config, file.toString());
    String[] r =
        run(
            Map.of("DD_API_KEY", "0123456789abcdef0123456789abcdef"),
            "--config",
            config.toString(),
            "--check-config");
    assertThat(r[2]).isEmpty();
    assertThat(r[0]).isEqualTo("0");
    assertThat(file.toString()).contains("cloud: auto");
  }

  @Test
  void checkConfigPrintsTheEffectiveSettingsWithSecretsMasked() throws Exception {
    Path file = dir.resolve("logchute.yaml");
    Files.writeString(file, "paths: [/x/*.log]\nsinks:\n  console: {}\n");
    String secret = "s3cr3t-api-key-value";
    String[] r =
        run(
            Map.of("LOGCHUTE_SINKS_CONSOLE_TARGET", "stderr", "DD_API_KEY", secret),
            "--config",
            file.toString(),
            "--check-config");
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).contains("paths: [\"/x/*.log\"]").contains("target: \"stderr\"");
    assertThat(r[1] + r[2]).doesNotContain(secret);
    assertThat(ConfigTree.isSecret("apiKey")).isTrue();
    assertThat(ConfigTree.isSecret("privateKey")).isTrue();
    assertThat(ConfigTree.isSecret("token")).isTrue();
    assertThat(ConfigTree.isSecret("tokenFile")).isFalse();
    ConfigTree t = new ConfigTree();
    t.put("sinks.datadog.apiKey", secret, "DD_API_KEY");
    assertThat(t.masked()).contains("apiKey: \"****\"").doesNotContain(secret);
  }

  @Test
  void aBadSinkOptionStopsTheAgentAtStartNamingTheKey() throws Exception {
    String[] r =
        run(Map.of(), "--paths", "/nonexistent/*.log", "--set", "sinks.console.colour=red");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).startsWith("logchute: configuration error: sinks.console.colour: unknown key");
  }

  @Test
  void anUnknownSinkListsTheOnesFound() throws Exception {
    String[] r = run(Map.of(), "--sinks", "console,datadgo");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2])
        .contains("sinks.datadgo: no sink provider named 'datadgo'")
        .contains("console")
        .contains("slowfile");
  }

  @Test
  void helpAndVersionGoToStdout() throws Exception {
    String[] r = run(Map.of(), "--help");
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).startsWith("usage: logchute-agent");
    r = run(Map.of(), "--version");
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).startsWith("logchute-agent ");
    assertThat(List.of(AgentOptions.USAGE.split("\n")))
        .anyMatch(l -> l.contains("LOGCHUTE_START_AT"));
  }

  @Test
  void aSecretInTheConfigurationFileIsRefusedWithoutBeingPrinted() throws Exception {
    Path file = dir.resolve("logchute.yaml");
    String secret = "k3y-in-a-configmap-0123456789";
    Files.writeString(file, "sinks:\n  datadog:\n    apiKey: " + secret + "\n");
    String[] r = run(Map.of(), "--config", file.toString(), "--check-config");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2])
        .contains("sinks.datadog.apiKey: secrets are not read from the configuration file")
        .contains("DD_API_KEY");
    assertThat(r[1] + r[2]).doesNotContain(secret);
    // from the environment it is fine
    Files.writeString(file, "sinks:\n  console: {}\n");
    assertThat(run(Map.of("DD_API_KEY", secret), "--config", file.toString(), "--check-config")[0])
        .isEqualTo("0");
  }

  @Test
  void aSecretOnTheCommandLineIsRefusedWithoutBeingPrinted() throws Exception {
    String secret = "k3y-on-the-command-line-0123";
    String[] r = run(Map.of(), "--sinks", "datadog", "--set", "sinks.datadog.apiKey=" + secret);
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2])
        .contains("sinks.datadog.apiKey: secrets are not taken from --set")
        .contains("DD_API_KEY");
    assertThat(r[1] + r[2]).doesNotContain(secret);
  }

  @Test
  void secretsInUrlsAreMaskedInCheckConfigAndInConfigurationErrors() throws Exception {
    String password = "pa55-in-url";
    String key = "k3y-in-a-query-0123";
    String url = "https://ops:" + password + "@127.0.0.1:9/api/v2/logs?dd-api-key=" + key;
    String[] r =
        run(
            Map.of("DD_API_KEY", "0123456789abcdef0123456789abcdef", "LOGCHUTE_DATADOG_URL", url),
            "--sinks",
            "datadog",
            "--check-config");
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).contains("https://****@127.0.0.1:9/api/v2/logs?dd-api-key=****");
    assertThat(r[1] + r[2]).doesNotContain(password).doesNotContain(key);
    // a URL that is refused is echoed masked too
    r =
        run(
            Map.of(
                "DD_API_KEY",
                "0123456789abcdef0123456789abcdef",
                "LOGCHUTE_DATADOG_URL",
                "ftp://ops:" + password + "@host/x?api_key=" + key),
            "--sinks",
            "datadog",
            "--check-config");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("sinks.datadog.url").contains("ftp://****@host/x?api_key=****");
    assertThat(r[1] + r[2]).doesNotContain(password).doesNotContain(key);
  }

  @Test
  void badRulesAndExclusionsFailTheCheckNamingTheKey() throws Exception {
    String[] r = run(Map.of("LOGCHUTE_PROCESSING_EXCLUDE_POD_LABELS", "logging"), "--check-config");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("processing.excludePodLabels: expected key=value, got 'logging'");
    r = run(Map.of("LOGCHUTE_PROCESSING_RULES", "[{\"type\":\"drop\"}]"), "--check-config");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("processing.rules: type must be exclude_at_match");
    r =
        run(
            Map.of(
                "LOGCHUTE_PROCESSING_EXCLUDE_NAMESPACES", "kube-system,logging",
                "LOGCHUTE_PROCESSING_RULES",
                    "[{\"type\":\"exclude_at_match\",\"name\":\"h\",\"pattern\":\"healthz\"}]"),
            "--check-config");
    assertThat(r[2]).isEmpty();
    assertThat(r[0]).isEqualTo("0");
  }

  @Test
  void aBadRateLimitFailsTheCheckNamingTheKeyAndAGoodOneFromTheEnvironmentPasses()
      throws Exception {
    String[] r =
        run(Map.of("LOGCHUTE_PROCESSING_RATE_LIMIT", "linesPerSecond=lots"), "--check-config");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("processing.rateLimit.linesPerSecond: expected an integer");
    r = run(Map.of("LOGCHUTE_PROCESSING_RATE_LIMIT_SUMMARY_INTERVAL", "0s"), "--check-config");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("processing.rateLimitSummaryInterval: must be positive");
    r =
        run(
            Map.of(
                "LOGCHUTE_PROCESSING_RATE_LIMIT",
                "linesPerSecond=200, bytesPerSecond=256KiB, burst=2s",
                "LOGCHUTE_PROCESSING_RATE_LIMIT_SUMMARY_INTERVAL",
                "30s"),
            "--check-config");
    assertThat(r[2]).isEmpty();
    assertThat(r[0]).isEqualTo("0");
    assertThat(r[1]).contains("rateLimit").contains("linesPerSecond=200");
  }
}
