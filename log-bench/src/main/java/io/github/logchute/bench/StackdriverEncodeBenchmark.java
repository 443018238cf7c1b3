package io.github.logchute.bench;

import io.github.logchute.core.Clock;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.Severity;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.sink.stackdriver.StackdriverConfig;
import io.github.logchute.sink.stackdriver.StackdriverSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Encoding one batch of 1000 records into a Cloud Logging {@code entries.write} body — what the
 * Stackdriver sink does on the pipeline's batching thread for every request.
 *
 * <p>Input: 1000 records from 20 containers (each with GKE-like metadata: namespace, pod,
 * container, cluster, project and 5 pod labels, shared per source as the engine shares it),
 * messages of 60-600 bytes. {@code mix=text}: plain lines (access logs, stack-trace lines) as
 * {@code textPayload}. {@code mix=json}: 30% of the records are JSON application logs already
 * parsed into fields (severity, message, time, trace, sometimes httpRequest and nested objects),
 * written as {@code jsonPayload} with the special keys promoted. The {@code inputBytes} counter is
 * the records' message bytes per second: MB of input per second on one core.
 *
 * <pre>{@code
 * ./mvnw -B -q -pl log-bench -am package -DskipTests
 * java -jar log-bench/target/benchmarks.jar StackdriverEncode -f 1 -wi 2 -i 3 -w 2s -r 3s
 * java -jar log-bench/target/benchmarks.jar StackdriverEncode -prof gc   # allocation per batch
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StackdriverEncodeBenchmark {

  private static final int RECORDS = 1000;
  private static final int CONTAINERS = 20;

  @Param({"text", "json"})
  public String mix;

  private StackdriverSink sink;
  private List<LogRecord> batch;
  private long inputBytes;

  /** Message bytes encoded, reported by JMH as a rate (bytes/s). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Input {
    public long inputBytes;
  }

  @Setup(Level.Trial)
  public void setUp() {
    sink =
        StackdriverSink.create(
            StackdriverConfig.builder()
                .project("bench-project")
                .clusterName("bench")
                .clusterLocation("europe-west1")
                .metadataUrl("http://127.0.0.1:9") // never contacted: nothing is sent
                .build(),
            new MetricsRegistry(),
            Clock.system());
    batch = records(new Random(42), "json".equals(mix));
    inputBytes = batch.stream().mapToLong(LogRecord::messageLength).sum();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sink.close();
  }

  @Benchmark
  public EncodedBatch encode(Input input) {
    input.inputBytes += inputBytes;
    return sink.encode(batch);
  }

  static List<LogRecord> records(Random random, boolean json) {
    List<LogSource> sources = new ArrayList<>();
    List<SourceMetadata> metadata = new ArrayList<>();
    for (int c = 0; c < CONTAINERS; c++) {
      String pod = "svc" + c + "-7d4b9c8f6-x" + c + "k9q";
      String id = String.format("%064x", c + 1);
      sources.add(
          LogSource.of(
              Path.of("/var/log/containers/" + pod + "_prod_app-" + id + ".log"),
              new FileIdentity(2049, 100_000 + c)));
      SourceMetadata.Builder m =
          SourceMetadata.builder()
              .put(MetadataKeys.K8S_NAMESPACE, "prod")
              .put(MetadataKeys.K8S_POD_NAME, pod)
              .put(MetadataKeys.K8S_CONTAINER_NAME, "app")
              .put(MetadataKeys.K8S_CLUSTER_NAME, "bench")
              .put(MetadataKeys.K8S_CLUSTER_LOCATION, "europe-west1")
              .put(MetadataKeys.CLOUD_PROJECT_ID, "bench-project");
      for (String label : List.of("app", "tier", "team", "version", "pod-template-hash")) {
        m.put(MetadataKeys.K8S_POD_LABEL_PREFIX + label, label + "-" + c);
      }
      metadata.add(m.build());
    }
    List<LogRecord> out = new ArrayList<>(RECORDS);
    long offset = 0;
    for (int i = 0; i < RECORDS; i++) {
      int c = random.nextInt(CONTAINERS);
      long ts = 1_767_225_600_000_000_000L + i * 1_234_567L;
      LogStream stream = random.nextInt(10) == 0 ? LogStream.STDERR : LogStream.STDOUT;
      LogRecord r;
      if (json && random.nextInt(10) < 3) {
        Map<String, Object> fields = jsonFields(random, i);
        String line = toJson(fields);
        r = record(sources.get(c), metadata.get(c), stream, ts, line, offset);
        r = r.withFields(fields, Severity.UNSPECIFIED);
      } else {
        r = record(sources.get(c), metadata.get(c), stream, ts, textLine(random, i), offset);
      }
      offset += r.messageLength() + 40;
      out.add(r);
    }
    return List.copyOf(out);
  }

  private static LogRecord record(
      LogSource s, SourceMetadata m, LogStream stream, long ts, String text, long offset) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return LogRecord.of(s, m, stream, ts, b, offset, offset + b.length + 40, 0);
  }

  /** The JSON line the application wrote (what the fields were parsed from). */
  private static String toJson(Map<String, Object> fields) {
    java.io.StringWriter w = new java.io.StringWriter();
    try (com.fasterxml.jackson.core.JsonGenerator g =
        new com.fasterxml.jackson.core.JsonFactory().createGenerator(w)) {
      write(g, fields);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return w.toString();
  }

  private static void write(com.fasterxml.jackson.core.JsonGenerator g, Object v)
      throws java.io.IOException {
    if (v instanceof Map<?, ?> m) {
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        g.writeFieldName(e.getKey().toString());
        write(g, e.getValue());
      }
      g.writeEndObject();
    } else if (v instanceof List<?> l) {
      g.writeStartArray();
      for (Object o : l) {
        write(g, o);
      }
      g.writeEndArray();
    } else if (v instanceof Long n) {
      g.writeNumber(n);
    } else if (v instanceof Double d) {
      g.writeNumber(d);
    } else {
      g.writeString(String.valueOf(v));
    }
  }

  private static String textLine(Random random, int i) {
    switch (random.nextInt(3)) {
      case 0:
        return "10.4."
            + random.nextInt(256)
            + "."
            + random.nextInt(256)
            + " - - [01/Jan/2026:00:00:00 +0000] \"GET /api/v1/orders/"
            + i
            + "?expand=items HTTP/1.1\" 200 "
            + random.nextInt(100_000)
            + " \"-\" \"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36\"";
      case 1:
        return "\tat com.example.shop.OrderService.place(OrderService.java:"
            + random.nextInt(500)
            + ")";
      default:
        return "2026-01-01 00:00:00.000 INFO [worker-"
            + random.nextInt(16)
            + "] processed batch "
            + i
            + " in "
            + random.nextInt(900)
            + " ms; queue depth "
            + random.nextInt(1000)
            + "; "
            + "x".repeat(random.nextInt(400));
    }
  }

  private static Map<String, Object> jsonFields(Random random, int i) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("severity", random.nextBoolean() ? "INFO" : "WARNING");
    f.put("message", "order " + i + " placed for customer " + random.nextInt(1_000_000));
    f.put("time", "2026-01-01T00:00:0" + random.nextInt(10) + ".123456Z");
    f.put(
        "logging.googleapis.com/trace",
        "projects/bench-project/traces/" + Long.toHexString(random.nextLong()));
    f.put("logging.googleapis.com/spanId", String.format("%016x", random.nextLong()));
    if (random.nextBoolean()) {
      Map<String, Object> http = new LinkedHashMap<>();
      http.put("requestMethod", "POST");
      http.put("requestUrl", "/api/v1/orders");
      http.put("status", 201L);
      http.put("latency", "0.0" + random.nextInt(10) + "s");
      f.put("httpRequest", Collections.unmodifiableMap(http));
    }
    Map<String, Object> order = new LinkedHashMap<>();
    order.put("id", (long) i);
    order.put("items", List.of("sku-" + random.nextInt(100), "sku-" + random.nextInt(100)));
    order.put("total", random.nextInt(10_000) / 100.0);
    f.put("order", Collections.unmodifiableMap(order));
    f.put("user", "u" + random.nextInt(10_000));
    return Collections.unmodifiableMap(f);
  }
}
