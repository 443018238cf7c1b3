package io.github.logchute.bench;

import io.github.logchute.core.Clock;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.parse.DecodeMetrics;
import io.github.logchute.core.parse.DecodeOptions;
import io.github.logchute.core.parse.LogFormat;
import io.github.logchute.core.parse.RecordAssembler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Line framing + decoding + partial merging of a 4 MiB {@link DecodeCorpus}, fed in 64 KiB chunks
 * as the tailer reads it — exactly the work of {@link RecordAssembler} per file, one thread.
 *
 * <p>One operation is one byte of input and the unit is microseconds, so the score reads directly
 * as <b>MB/s (10^6 bytes per second) on one core</b>.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class DecodeBenchmark {

  private static final int CHUNK = 64 * 1024;

  @Param({"CRI", "DOCKER"})
  public String format;

  private byte[] corpus;
  private LogSource source;
  private DecodeMetrics metrics;
  private LogFormat logFormat;
  private final List<LogRecord> out = new ArrayList<>(1024);

  @Setup(Level.Trial)
  public void setUp() {
    logFormat = LogFormat.valueOf(format);
    corpus = DecodeCorpus.generate(logFormat);
    source =
        LogSource.of(
            Path.of(
                "/var/log/containers/bench-7d4b9c6f5-x2x5z_bench_app-" + "0".repeat(63) + "1.log"),
            new FileIdentity(1, 1));
    metrics = DecodeMetrics.register(new MetricsRegistry());
  }

  @Benchmark
  @OperationsPerInvocation(DecodeCorpus.SIZE)
  public void decode(Blackhole bh) {
    RecordAssembler assembler =
        new RecordAssembler(
            source, logFormat, 0, DecodeOptions.defaults(), metrics, Clock.system());
    for (int off = 0; off < corpus.length; off += CHUNK) {
      assembler.feed(corpus, off, Math.min(CHUNK, corpus.length - off), out);
      for (int i = 0, n = out.size(); i < n; i++) {
        bh.consume(out.get(i));
      }
      out.clear();
    }
    assembler.finish(out);
    bh.consume(out.size());
    out.clear();
  }
}
