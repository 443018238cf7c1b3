package io.github.logchute.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Severity;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LevelsTest {

  static Stream<Arguments> detected() {
    return Stream.of(
        // Java: logback default, log4j2 default, Spring Boot 2 and 3, JUL second line
        Arguments.of(
            "2024-01-01 12:00:00.000 ERROR [main] c.e.App - Request failed", Severity.ERROR),
        Arguments.of("12:00:00.000 [main] WARN  com.example.App - slow", Severity.WARNING),
        Arguments.of(
            "2024-03-05 10:15:30.123  INFO 1 --- [           main] c.e.orders.OrderService  : ok",
            Severity.INFO),
        Arguments.of(
            "2024-03-05T10:15:30.456Z DEBUG 1 --- [main] o.s.boot.SpringApplication : x",
            Severity.DEBUG),
        Arguments.of("SEVERE: Servlet.service() threw exception", Severity.ERROR),
        Arguments.of(
            "2024-01-01 12:00:00.000 [http-nio-8080-exec-1] [traceId=ab spanId=cd] TRACE x",
            Severity.TRACE),
        // Python: logging defaults, cookbook format, uvicorn, celery, gunicorn, Flask
        Arguments.of("ERROR:root:division by zero", Severity.ERROR),
        Arguments.of("WARNING:urllib3.connectionpool:Retrying", Severity.WARNING),
        Arguments.of("2024-01-01 12:00:00,123 - orders - ERROR - bad port", Severity.ERROR),
        Arguments.of("INFO:     Started server process [1]", Severity.INFO),
        Arguments.of("[2024-01-01 12:00:00,000: WARNING/MainProcess] lost", Severity.WARNING),
        Arguments.of("[2024-01-01 12:00:00 +0000] [1] [INFO] Starting gunicorn", Severity.INFO),
        Arguments.of("[2024-01-01 12:00:00,123] ERROR in app: Exception", Severity.ERROR),
        Arguments.of("CRITICAL:root:disk full", Severity.CRITICAL),
        // Go: slog text, logrus text and TTY, go-kit, std log + slog default, zerolog console
        Arguments.of("time=2024-01-01T12:00:00Z level=INFO msg=started", Severity.INFO),
        Arguments.of("time=\"2024-01-01T12:00:00Z\" level=error msg=\"db down\"", Severity.ERROR),
        Arguments.of("level=warn ts=2024-01-01T12:00:00Z caller=main.go:10", Severity.WARNING),
        Arguments.of("ERRO[0003] cannot connect", Severity.ERROR),
        Arguments.of("WARN[0000] deprecated flag", Severity.WARNING),
        Arguments.of("2024/01/01 12:00:00 INFO hello count=3", Severity.INFO),
        Arguments.of("12:00PM INF listening addr=:8080", Severity.INFO),
        Arguments.of("12:00PM WRN slow", Severity.WARNING),
        // klog / glog, tornado
        Arguments.of(
            "E0102 15:04:05.000000       1 reflector.go:138] watch failed", Severity.ERROR),
        Arguments.of("W0102 15:04:05.000000 1 client.go:10] retrying", Severity.WARNING),
        Arguments.of("I0102 15:04:05.000000 1 main.go:10] ok", Severity.INFO),
        Arguments.of("F0102 15:04:05.000000 1 main.go:10] boom", Severity.CRITICAL),
        Arguments.of("[I 240102 15:04:05 web:2250] 200 GET / (127.0.0.1) 1.2ms", Severity.INFO),
        // bracketed, any case: nginx, envoy, MySQL, Apache, Elasticsearch
        Arguments.of("2024/01/01 12:00:00 [error] 7#7: *1 open() failed", Severity.ERROR),
        Arguments.of("[2024-01-01 12:00:00.000][1][info][main] starting", Severity.INFO),
        Arguments.of("2024-01-01T12:00:00.000000Z 0 [Warning] [MY-010068] cert", Severity.WARNING),
        Arguments.of("[Mon Jan 01 12:00:00 2024] [core:error] [pid 1] AH00037", Severity.ERROR),
        Arguments.of("[2024-01-01T12:00:00,000][INFO ][o.e.n.Node] started", Severity.INFO),
        Arguments.of("<notice> reloading", Severity.NOTICE),
        // first word with a colon; .NET console logger
        Arguments.of("error: could not open file", Severity.ERROR),
        Arguments.of("Warning: deprecated option", Severity.WARNING),
        Arguments.of("fail: Microsoft.AspNetCore.Server.Kestrel[13]", Severity.ERROR),
        Arguments.of("crit: Microsoft.Hosting.Lifetime[0]", Severity.CRITICAL),
        // JSON-looking text (e.g. over the parse limit) still has its level found
        Arguments.of("{\"level\":\"warn\",\"msg\":\"x\"", Severity.WARNING),
        Arguments.of("{\"severity\": \"ERROR\", \"message\": \"x\"", Severity.ERROR),
        // colours around the level
        Arguments.of("\u001b[31mERROR\u001b[0m something broke", Severity.ERROR),
        Arguments.of("2024-01-01 \u001b[33mWARN\u001b[0m [main] x", Severity.WARNING),
        // the first qualifying word wins
        Arguments.of("2024-01-01 12:00:00 INFO [main] retrying after ERROR", Severity.INFO),
        Arguments.of("ALERT: raid degraded", Severity.ALERT),
        Arguments.of("EMERG kernel panic", Severity.EMERGENCY),
        Arguments.of("level=emerg msg=x", Severity.EMERGENCY),
        Arguments.of("lvl=E msg=x", Severity.ERROR));
  }

  @ParameterizedTest
  @MethodSource("detected")
  void detectsTheLevelOfCommonLayouts(String line, Severity expected) {
    assertThat(detect(line)).isEqualTo(expected);
  }

  static Stream<String> notDetected() {
    return Stream.of(
        "user reported an error while saving the form",
        "Error handling is enabled for this route",
        "an Error occurred",
        "GET /api/info 200 3ms",
        "GET /INFO HTTP/1.1",
        "processed 10 items with 0 errors",
        "errorCount=5 warnings=2",
        "ERR_CONNECTION_REFUSED while fetching",
        "INFORMATION_SCHEMA query took 3ms",
        "log.error was called from MyClass.warn",
        "E1234 is not a klog header",
        "WARNINGS: none",
        "config: loaded from /etc/app.yaml",
        "fine: all good",
        "the job had 1 retry and then failed with an ERROR budget exceeded",
        "2024-01-01 12:00:00 [main] c.e.Foo - timeout talking to host; ERROR budget exceeded",
        "i: 3, e: 4",
        "{\"error\": false}",
        "a b c d e f g h i j [error] far away",
        "Errors: 0",
        "");
  }

  @ParameterizedTest
  @MethodSource("notDetected")
  void doesNotTakeOrdinaryWordsForLevels(String line) {
    assertThat(detect(line)).isEqualTo(Severity.UNSPECIFIED);
  }

  @Test
  void looksAtTheFirst200BytesOnly() {
    String pad = "x".repeat(195) + " ";
    assertThat(detect(pad + "[error] late")).isEqualTo(Severity.UNSPECIFIED);
    assertThat(detect("x".repeat(185) + " level=error")).isEqualTo(Severity.ERROR);
    assertThat(detect("x".repeat(193) + " level=error")).isEqualTo(Severity.UNSPECIFIED);
  }

  @Test
  void honoursTheSliceItIsGiven() {
    byte[] b = "garbage ERROR: x".getBytes(StandardCharsets.UTF_8);
    assertThat(Levels.detect(b, 8, b.length - 8)).isEqualTo(Severity.ERROR);
    assertThat(Levels.detect(b, 0, 7)).isEqualTo(Severity.UNSPECIFIED);
  }

  @Test
  void mapsWordsOfEveryCase() {
    assertThat(Levels.fromWord("warn")).isEqualTo(Severity.WARNING);
    assertThat(Levels.fromWord(" Warning ")).isEqualTo(Severity.WARNING);
    assertThat(Levels.fromWord("E")).isEqualTo(Severity.ERROR);
    assertThat(Levels.fromWord("err")).isEqualTo(Severity.ERROR);
    assertThat(Levels.fromWord("SEVERE")).isEqualTo(Severity.ERROR);
    assertThat(Levels.fromWord("fatal")).isEqualTo(Severity.CRITICAL);
    assertThat(Levels.fromWord("dpanic")).isEqualTo(Severity.CRITICAL);
    assertThat(Levels.fromWord("Information")).isEqualTo(Severity.INFO);
    assertThat(Levels.fromWord("finest")).isEqualTo(Severity.TRACE);
    assertThat(Levels.fromWord("notice")).isEqualTo(Severity.NOTICE);
    assertThat(Levels.fromWord("emergency")).isEqualTo(Severity.EMERGENCY);
    assertThat(Levels.fromWord("verbose")).isEqualTo(Severity.DEBUG);
    assertThat(Levels.fromWord("ok")).isEqualTo(Severity.UNSPECIFIED);
    assertThat(Levels.fromWord("")).isEqualTo(Severity.UNSPECIFIED);
    assertThat(Levels.fromWord("érror")).isEqualTo(Severity.UNSPECIFIED);
  }

  @Test
  void mapsPinoAndBunyanNumbersButNotSyslogOnes() {
    assertThat(Levels.fromValue(10L)).isEqualTo(Severity.TRACE);
    assertThat(Levels.fromValue(20L)).isEqualTo(Severity.DEBUG);
    assertThat(Levels.fromValue(30L)).isEqualTo(Severity.INFO);
    assertThat(Levels.fromValue(35L)).isEqualTo(Severity.INFO);
    assertThat(Levels.fromValue(40L)).isEqualTo(Severity.WARNING);
    assertThat(Levels.fromValue(50L)).isEqualTo(Severity.ERROR);
    assertThat(Levels.fromValue(60L)).isEqualTo(Severity.CRITICAL);
    assertThat(Levels.fromValue(3L)).isEqualTo(Severity.UNSPECIFIED);
    assertThat(Levels.fromValue(0L)).isEqualTo(Severity.UNSPECIFIED);
    assertThat(Levels.fromValue(200L)).isEqualTo(Severity.UNSPECIFIED);
    assertThat(Levels.fromValue(30.0)).isEqualTo(Severity.UNSPECIFIED);
    assertThat(Levels.fromValue(true)).isEqualTo(Severity.UNSPECIFIED);
    assertThat(Levels.fromValue(null)).isEqualTo(Severity.UNSPECIFIED);
  }

  private static Severity detect(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return Levels.detect(b, 0, b.length);
  }
}
