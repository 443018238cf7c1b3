package io.github.logchute.bench;

import io.github.logchute.core.Clock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.process.MultilineGrouper;
import io.github.logchute.core.process.MultilineRule;
import io.github.logchute.core.process.ProcessMetrics;
import io.github.logchute.core.process.ProcessingOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Throughput of {@link MultilineGrouper} with the {@code java} rule on one source: 8 192 lines of
 * Spring-Boot-style output in which {@code tracePercent} percent of the lines are Java stack traces
 * (an ERROR line, the exception, 10-50 frames, a {@code Caused by} with 8 frames, {@code ... N
 * more}); 0 measures the cost the rule adds to ordinary logs.
 *
 * <p>One operation feeds one line; the {@code bytes} counter is line bytes per second (divide by 1
 * 048 576 for MiB/s). With {@code -prof gc}, {@code gc.alloc.rate.norm} is bytes allocated per line
 * (the merged event's message array, mostly).
 *
 * <pre>{@code
 * java -jar log-bench/target/benchmarks.jar MultilineBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s -prof gc
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class MultilineBenchmark {

  @Param({"0", "30"})
  public int tracePercent;

  private LogRecord[] records;
  private MultilineGrouper grouper;
  private final List<LogRecord> out = new ArrayList<>();
  private int next;

  @Setup
  public void setUp() {
    List<String> lines = Corpora.javaMix(8192, tracePercent);
    records =
        Corpora.records("orders-6f7d9c_shop_app-0123456789abcdef.log", LogStream.STDERR, lines);
    grouper =
        new MultilineGrouper(
            ProcessingOptions.builder().multiline(MultilineRule.java()).build(),
            ProcessMetrics.register(new MetricsRegistry()),
            Clock.system());
  }

  @Benchmark
  public void feed(ByteCounter counter, Blackhole bh) {
    LogRecord r = records[next];
    next = (next + 1) & (records.length - 1);
    grouper.feed(r, out);
    for (int i = 0; i < out.size(); i++) {
      bh.consume(out.get(i));
    }
    out.clear();
    counter.bytes += r.messageLength();
  }
}
