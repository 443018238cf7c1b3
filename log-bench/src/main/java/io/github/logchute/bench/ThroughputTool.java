package io.github.logchute.bench;

import io.github.logchute.core.Clock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.parse.LogFormat;
import io.github.logchute.core.pipeline.Pipeline;
import io.github.logchute.core.process.MessageProcessor;
import io.github.logchute.core.process.ProcessMetrics;
import io.github.logchute.core.process.ProcessingOptions;
import io.github.logchute.core.process.RecordProcessor;
import io.github.logchute.core.process.Redaction;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.MetadataEnricher;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkLimits;
import io.github.logchute.core.tail.FileTailer;
import io.github.logchute.core.tail.StartAt;
import io.github.logchute.core.tail.TailerConfig;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * End-to-end throughput and latency of the engine: real files on disk, the real {@link FileTailer}
 * and {@link Pipeline}, and a sink that discards what it is given (so the figure is logchute's
 * cost, not a destination's).
 *
 * <p>Throughput mode (default) writes {@code --files} container log files totalling {@code
 * --size-mib} in the {@code --format} (cri or docker) — line lengths mixed from 80 B to 4 KiB,
 * about 30% JSON messages — then reads them all from the beginning and prints MB/s, lines/s, the
 * process CPU seconds spent reading, and the peak heap. Latency mode ({@code --latency}) appends
 * {@code --rate} lines per second spread over the files for {@code --seconds} and reports the time
 * from each write to its arrival in the sink (p50, p99, max).
 *
 * <pre>{@code
 * java -Xmx256m -cp log-bench/target/benchmarks.jar io.github.logchute.bench.ThroughputTool \
 *     --files 16 --size-mib 1024 --format cri
 * java -Xmx256m -cp log-bench/target/benchmarks.jar io.github.logchute.bench.ThroughputTool \
 *     --latency --files 16 --rate 50000 --seconds 20
 * }</pre>
 */
public final class ThroughputTool {

  private int files = 16;
  private long sizeMib = 512;
  private LogFormat format = LogFormat.CRI;
  private boolean latency;
  private boolean processing;
  private boolean redact;
  private int rate = 20_000;
  private int seconds = 10;
  private Path dir;

  public static void main(String[] args) throws Exception {
    ThroughputTool t = new ThroughputTool();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--files":
          t.files = Integer.parseInt(args[++i]);
          break;
        case "--size-mib":
          t.sizeMib = Long.parseLong(args[++i]);
          break;
        case "--format":
          t.format = LogFormat.fromConfigName(args[++i]);
          break;
        case "--latency":
          t.latency = true;
          break;
        case "--redact":
          t.redact = true;
          t.processing = true;
          break;
        case "--processing":
          t.processing = true;
          break;
        case "--rate":
          t.rate = Integer.parseInt(args[++i]);
          break;
        case "--seconds":
          t.seconds = Integer.parseInt(args[++i]);
          break;
        case "--dir":
          t.dir = Path.of(args[++i]);
          break;
        default:
          System.err.println(
              "usage: ThroughputTool [--files N] [--size-mib N] [--format cri|docker] [--dir DIR]"
                  + " [--processing] [--redact]"
                  + " [--latency [--rate LINES_PER_S] [--seconds N]]");
          System.exit(2);
      }
    }
    if (t.format != LogFormat.CRI && t.format != LogFormat.DOCKER) {
      throw new IllegalArgumentException("--format must be cri or docker");
    }
    Path work =
        t.dir != null
            ? Files.createDirectories(t.dir)
            : Files.createTempDirectory("logchute-bench");
    try {
      if (t.latency) {
        t.runLatency(work);
      } else {
        t.runThroughput(work);
      }
    } finally {
      deleteTree(work);
    }
  }

  // ------------------------------------------------------------------ throughput

  private void runThroughput(Path work) throws Exception {
    Path logs = Files.createDirectories(work.resolve("containers"));
    long target = sizeMib << 20;
    long written = 0;
    long lines = 0;
    Random rnd = new Random(42);
    List<OutputStream> outs = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      outs.add(new BufferedOutputStream(Files.newOutputStream(logs.resolve(fileName(f))), 1 << 16));
    }
    long ts = 1_764_065_730_000_000_000L;
    while (written < target) {
      for (int f = 0; f < files && written < target; f++) {
        byte[] line = line(rnd, ts += 1_234_567, null);
        outs.get(f).write(line);
        written += line.length;
        lines++;
      }
    }
    for (OutputStream o : outs) {
      o.close();
    }
    System.out.printf(
        Locale.ROOT,
        "wrote %d files, %.1f MiB, %d lines (%s), avg %.0f B/line%n",
        files,
        written / 1048576.0,
        lines,
        format.configName(),
        written / (double) lines);

    DiscardSink sink = new DiscardSink(null);
    MetricsRegistry metrics = new MetricsRegistry();
    long cpu0 = processCpuNanos();
    resetPeaks();
    long t0 = System.nanoTime();
    try (Engine e = new Engine(work, logs, sink, metrics)) {
      while (sink.records.get() < lines && e.running()) {
        LockSupport.parkNanos(1_000_000);
      }
      long t1 = System.nanoTime();
      long cpu1 = processCpuNanos();
      double secs = (t1 - t0) / 1e9;
      System.out.printf(
          Locale.ROOT,
          "read %d records in %.2f s: %.1f MB/s, %.0f lines/s, %.2f CPU s (%.1f MB per CPU s),"
              + " peak heap %.1f MiB, peak queued %.1f MiB%n",
          sink.records.get(),
          secs,
          written / 1e6 / secs,
          lines / secs,
          (cpu1 - cpu0) / 1e9,
          written / 1e6 / ((cpu1 - cpu0) / 1e9),
          peakHeap() / 1048576.0,
          metrics.value("logchute_pipeline_queued_bytes_peak") / 1048576.0);
    }
  }

  // ------------------------------------------------------------------ latency

  private void runLatency(Path work) throws Exception {
    Path logs = Files.createDirectories(work.resolve("containers"));
    List<OutputStream> outs = new ArrayList<>();
    for (int f = 0; f < files; f++) {
      outs.add(Files.newOutputStream(logs.resolve(fileName(f))));
    }
    long total = (long) rate * seconds;
    long[] latencies = new long[(int) total];
    DiscardSink sink = new DiscardSink(latencies);
    MetricsRegistry metrics = new MetricsRegistry();
    Random rnd = new Random(7);
    try (Engine e = new Engine(work, logs, sink, metrics)) {
      e.running();
      long start = System.nanoTime();
      long periodNanos = 1_000_000_000L / rate;
      for (long i = 0; i < total; i++) {
        long due = start + i * periodNanos;
        while (System.nanoTime() < due) {
          Thread.onSpinWait();
        }
        byte[] line =
            line(rnd, System.currentTimeMillis() * 1_000_000L, "lat " + System.nanoTime() + " ");
        outs.get((int) (i % files))
            .write(line); // unbuffered: one write(2) per line, as a runtime does
      }
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (sink.records.get() < total && System.nanoTime() < deadline) {
        LockSupport.parkNanos(1_000_000);
      }
      int n = (int) Math.min(sink.records.get(), total);
      long[] got = Arrays.copyOf(latencies, n);
      Arrays.sort(got);
      System.out.printf(
          Locale.ROOT,
          "%d lines at %d lines/s over %d files for %d s: write-to-sink latency p50 %.1f ms,"
              + " p99 %.1f ms, max %.1f ms%n",
          n,
          rate,
          files,
          seconds,
          got[n / 2] / 1e6,
          got[(int) (n * 0.99)] / 1e6,
          got[n - 1] / 1e6);
    }
    for (OutputStream o : outs) {
      o.close();
    }
  }

  // ------------------------------------------------------------------ engine and sink

  /** FileTailer + Pipeline over {@code logs}, started at the beginning of every file. */
  private final class Engine implements AutoCloseable {
    final FileTailer tailer;
    final Pipeline pipeline;

    Engine(Path work, Path logs, Sink sink, MetricsRegistry metrics) throws IOException {
      TailerConfig config =
          TailerConfig.builder()
              .include(List.of(logs + "/*.log"))
              .dataDir(work.resolve("data"))
              .startAt(StartAt.BEGINNING)
              .format(format)
              .refreshInterval(Duration.ofMillis(200))
              .pollInterval(Duration.ofMillis(10))
              .build();
      tailer =
          new FileTailer(
              config,
              metrics,
              Clock.system(),
              MetadataEnricher.noop(),
              processing ? ProcessingOptions.defaults() : null);
      pipeline =
          Pipeline.builder()
              .sink("discard", sink)
              .metrics(metrics)
              .processor(processing ? processor(metrics) : null)
              .acknowledgeTo(tailer::acknowledge)
              .build()
              .start();
      tailer.start(pipeline);
    }

    /** The agent's default parsing, and with --redact every built-in redaction after it. */
    private RecordProcessor processor(MetricsRegistry metrics) {
      RecordProcessor p =
          new MessageProcessor(ProcessingOptions.defaults(), ProcessMetrics.register(metrics));
      return redact ? p.andThen(new Redaction(EnumSet.allOf(Redaction.Kind.class), metrics)) : p;
    }

    boolean running() {
      return pipeline != null;
    }

    @Override
    public void close() {
      tailer.stopReading();
      pipeline.close(Duration.ofSeconds(10));
      tailer.close();
    }
  }

  /** Accepts everything at once; in latency mode reads the write time out of each message. */
  private static final class DiscardSink implements Sink {
    final AtomicLong records = new AtomicLong();
    final long[] latencies;

    DiscardSink(long[] latencies) {
      this.latencies = latencies;
    }

    @Override
    public SinkLimits limits() {
      return new SinkLimits(2000, 8 << 20, Duration.ofMillis(1), 4);
    }

    @Override
    public EncodedBatch encode(List<LogRecord> batch) {
      if (latencies != null) {
        long now = System.nanoTime();
        for (LogRecord r : batch) {
          String m = r.messageText();
          int at = m.indexOf("lat ");
          if (at >= 0) {
            long written = Long.parseLong(m.substring(at + 4, m.indexOf(' ', at + 4)));
            long i = records.getAndIncrement();
            if (i < latencies.length) {
              latencies[(int) i] = now - written;
            }
          }
        }
      } else {
        records.addAndGet(batch.size());
      }
      return new EncodedBatch(new byte[0], batch.size(), 0);
    }

    @Override
    public CompletionStage<SendOutcome> send(EncodedBatch batch) {
      return CompletableFuture.completedFuture(SendOutcome.accepted());
    }
  }

  // ------------------------------------------------------------------ workload

  private String fileName(int f) {
    String id = String.format("%064x", f + 1);
    return "bench-" + f + "-7d4b9c6f5-x2x5z_bench_app-" + id + ".log";
  }

  /**
   * One line in the chosen format, with a message of {@link DecodeCorpus} (80 B to 4 KiB, mostly
   * short, ~30 % JSON), after {@code prefix} when given.
   */
  private byte[] line(Random rnd, long nanos, String prefix) {
    String msg = DecodeCorpus.message(rnd, nanos);
    String stream = rnd.nextInt(10) == 0 ? "stderr" : "stdout";
    return DecodeCorpus.lineBytes(
        format, nanos, stream, prefix == null ? msg : prefix + msg, false);
  }

  // ------------------------------------------------------------------ measurement

  private static long processCpuNanos() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  private static void deleteTree(Path root) throws IOException {
    try (var walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
