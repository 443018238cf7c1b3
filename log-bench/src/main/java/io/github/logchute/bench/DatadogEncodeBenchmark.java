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
import io.github.logchute.sink.datadog.DatadogSink;
import io.github.logchute.sink.datadog.DatadogSinkConfig;
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
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding one Datadog intake request: {@link DatadogSink#encode} of 1000 realistic records into
 * the request body (the JSON array of logs with tags, attributes and fields), without compression
 * and with gzip at levels 1 and 6 (the default).
 *
 * <p>Input: 1000 records from 10 containers with full Kubernetes and AWS metadata (about 25 tags
 * each), messages from 80 B to 4 KiB (log-uniform), about 30% of them JSON application logs whose
 * 6-9 parsed fields become attributes. One operation encodes the whole batch; the {@code inputMB}
 * secondary result is the rate in MB (10^6 bytes) of input messages per second, on one thread, so
 * per core; {@code bodyMB} is the rate of request body produced (their ratio is the compression
 * ratio over the input).
 *
 * <pre>{@code
 * ./mvnw -B -q -pl log-bench -am package -DskipTests
 * java -jar log-bench/target/benchmarks.jar DatadogEncode -f 1 -wi 2 -i 3 -w 2s -r 3s
 * java -jar log-bench/target/benchmarks.jar DatadogEncode -prof gc     # allocation per batch
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class DatadogEncodeBenchmark {

  @Param({"0", "1", "6"})
  public int compressionLevel;

  private DatadogSink sink;
  private List<LogRecord> records;
  private double batchMB;

  /** Input volume, reported by JMH as a rate (MB of input messages per second). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Input {
    public double inputMB;

    /** Request bodies produced, as sent (compressed when gzip is on). */
    public double bodyMB;

    @Setup(Level.Iteration)
    public void reset() {
      inputMB = 0;
      bodyMB = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    DatadogSinkConfig config =
        DatadogSinkConfig.builder()
            .url("http://127.0.0.1:9/api/v2/logs") // never sent to: encoding only
            .apiKey("0123456789abcdef0123456789abcdef")
            .compressionLevel(compressionLevel)
            .build();
    sink = new DatadogSink(config, new MetricsRegistry(), Clock.system());
    records = corpus(1000, new Random(42), Clock.system().epochNanos());
    long bytes = 0;
    for (LogRecord r : records) {
      bytes += r.messageLength();
    }
    batchMB = bytes / 1e6;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sink.close();
  }

  @Benchmark
  public EncodedBatch encode(Input input) {
    EncodedBatch batch = sink.encode(records);
    input.inputMB += batchMB;
    input.bodyMB += batch.body().length / 1e6;
    return batch;
  }

  private static final String[] TEMPLATES = {
    "GET /api/v1/orders 200",
    "POST /api/v1/cart/items 201",
    "INFO  [http-nio-8080-exec-7] c.e.shop.OrderService - order placed",
    "WARN  [pool-3-thread-1] c.e.shop.Inventory - stock low, \"reorder\" scheduled",
    "ERROR [main] c.e.shop.Payments - charge failed: java.net.SocketTimeoutException at"
        + " c.e.shop.Payments.charge(Payments.java:88)\tat c.e.shop.Checkout.run",
    "level=info msg=\"reconciled\" controller=deployment namespace=shop",
    "10.0.3.17 - - [01/Jan/2026:00:00:00 +0000] \"GET /healthz HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.30\"",
  };

  /** {@code count} pseudo-words of 2-11 letters, so that messages compress like real text. */
  private static String[] vocabulary(Random random, int count) {
    String[] words = new String[count];
    for (int i = 0; i < count; i++) {
      char[] w = new char[2 + random.nextInt(10)];
      for (int k = 0; k < w.length; k++) {
        w[k] = (char) ('a' + random.nextInt(26));
      }
      words[i] = new String(w);
    }
    return words;
  }

  /** {@code n} records from 10 containers; messages 80 B-4 KiB, ~30% JSON with parsed fields. */
  static List<LogRecord> corpus(int n, Random random, long nowNanos) {
    List<LogSource> sources = new ArrayList<>();
    List<SourceMetadata> metadata = new ArrayList<>();
    for (int c = 0; c < 10; c++) {
      String pod = "svc" + c + "-7d4b9c6f5-x2x5" + c;
      String id = String.format("%064x", c * 7919L + 12345);
      Path path = Path.of("/var/log/containers/" + pod + "_shop_app" + c + "-" + id + ".log");
      sources.add(LogSource.of(path, new FileIdentity(1, 1000 + c)));
      metadata.add(
          SourceMetadata.builder()
              .put(MetadataKeys.K8S_POD_NAME, pod)
              .put(MetadataKeys.K8S_NAMESPACE, "shop")
              .put(MetadataKeys.K8S_CONTAINER_NAME, "app" + c)
              .put(MetadataKeys.CONTAINER_ID, "containerd://" + id)
              .put(MetadataKeys.K8S_NODE_NAME, "ip-10-0-1-23.ec2.internal")
              .put(MetadataKeys.K8S_OWNER_KIND, "ReplicaSet")
              .put(MetadataKeys.K8S_OWNER_NAME, "svc" + c + "-7d4b9c6f5")
              .put(MetadataKeys.K8S_REPLICASET_NAME, "svc" + c + "-7d4b9c6f5")
              .put(MetadataKeys.K8S_DEPLOYMENT_NAME, "svc" + c)
              .put(MetadataKeys.K8S_POD_PHASE, "Running")
              .put(
                  MetadataKeys.CONTAINER_IMAGE_NAME,
                  "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/svc" + c)
              .put(MetadataKeys.CONTAINER_IMAGE_TAG, "1." + c + ".0")
              .put(MetadataKeys.CONTAINER_IMAGE_SHORT_NAME, "svc" + c)
              .put(MetadataKeys.K8S_CLUSTER_NAME, "k8s1")
              .put(MetadataKeys.CLOUD_PROVIDER, "aws")
              .put(MetadataKeys.CLOUD_ACCOUNT_ID, "123456789012")
              .put(MetadataKeys.CLOUD_REGION, "us-east-1")
              .put(MetadataKeys.CLOUD_AVAILABILITY_ZONE, "us-east-1a")
              .put(MetadataKeys.HOST_NAME, "i-0abc123def4567890")
              .put(MetadataKeys.SERVICE_NAME, "svc" + c)
              .put(MetadataKeys.SERVICE_VERSION, "1." + c + ".0")
              .put(MetadataKeys.DEPLOYMENT_ENVIRONMENT, "prod")
              .put(MetadataKeys.STATIC_TAGS, "env:test,kube_cluster:k8s1")
              .build());
    }
    String[] vocabulary = vocabulary(random, 600);
    List<LogRecord> out = new ArrayList<>(n);
    long offset = 0;
    for (int i = 0; i < n; i++) {
      int c = random.nextInt(10);
      int len =
          (int) Math.round(Math.exp(Math.log(80) + random.nextDouble() * Math.log(4096 / 80.0)));
      StringBuilder text = new StringBuilder(len + 64);
      text.append(TEMPLATES[random.nextInt(TEMPLATES.length)])
          .append(" id=")
          .append(Long.toHexString(random.nextLong()))
          .append(" user=")
          .append(random.nextInt(100_000))
          .append(" took=")
          .append(random.nextInt(5000))
          .append("ms ip=10.")
          .append(random.nextInt(256))
          .append('.')
          .append(random.nextInt(256))
          .append('.')
          .append(random.nextInt(256));
      while (text.length() < len) {
        text.append(' ').append(vocabulary[random.nextInt(vocabulary.length)]);
        if (random.nextInt(12) == 0) {
          text.append('=').append(random.nextInt(1_000_000));
        }
      }
      text.setLength(len);
      boolean json = random.nextInt(10) < 3;
      Map<String, Object> fields = Map.of();
      Severity severity = Severity.UNSPECIFIED;
      String message;
      if (json) {
        fields = new LinkedHashMap<>();
        fields.put("time", "2026-01-01T00:00:00.123Z");
        fields.put("level", i % 7 == 0 ? "warn" : "info");
        fields.put("message", text.toString());
        fields.put("logger", "com.example.shop.OrderService");
        fields.put("user_id", (long) random.nextInt(100_000));
        fields.put("trace_id", Long.toHexString(random.nextLong()));
        fields.put("duration_ms", random.nextDouble() * 100);
        if (i % 2 == 0) {
          fields.put("http", Map.of("method", "GET", "status_code", 200L));
        }
        message =
            "{\"time\":\"2026-01-01T00:00:00.123Z\",\"level\":\"info\",\"message\":\""
                + text.toString().replace("\\", "\\\\").replace("\"", "\\\"").replace("\t", "\\t")
                + "\",\"logger\":\"com.example.shop.OrderService\",\"user_id\":42}";
        severity = i % 7 == 0 ? Severity.WARNING : Severity.INFO;
      } else {
        message = text.toString();
      }
      byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
      LogRecord r =
          LogRecord.of(
              sources.get(c),
              metadata.get(c),
              i % 9 == 0 ? LogStream.STDERR : LogStream.STDOUT,
              nowNanos - (n - i) * 1_000_000L,
              bytes,
              offset,
              offset + bytes.length + 40,
              0);
      offset += bytes.length + 40;
      out.add(json ? r.withFields(Collections.unmodifiableMap(fields), severity) : r);
    }
    return out;
  }
}
