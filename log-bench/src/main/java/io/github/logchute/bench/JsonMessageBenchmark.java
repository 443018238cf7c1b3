package io.github.logchute.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.process.MessageProcessor;
import io.github.logchute.core.process.ProcessMetrics;
import io.github.logchute.core.process.ProcessingOptions;
import java.io.IOException;
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
 * Throughput of {@link MessageProcessor} on application log messages: JSON parsing into fields
 * (Jackson streaming parser), level and time lookup, and level detection on plain text.
 *
 * <p>Corpus ({@code corpus} parameter), 2 048 messages generated once with a fixed seed:
 *
 * <ul>
 *   <li>{@code json}: JSON objects of 200 B to 2 KiB in the shapes of zap, logrus, pino and
 *       logstash-logback-encoder output — nested objects (HTTP request, user), arrays, integers,
 *       floats, booleans, escaped quotes and {@code \}{@code u} escapes, and, in a quarter of them,
 *       a Java stack trace string with {@code \n\t} escapes;
 *   <li>{@code text}: plain-text lines of the same sizes in logback, Python and klog layouts (the
 *       cheap path: first-byte check, then level detection on 200 bytes).
 * </ul>
 *
 * <p>One operation processes one message; the {@code bytes} counter is message bytes per second
 * (divide by 1 048 576 for MiB/s). With {@code -prof gc}, {@code gc.alloc.rate.norm} is bytes
 * allocated per message.
 *
 * <pre>{@code
 * java -jar log-bench/target/benchmarks.jar JsonMessageBenchmark -f 1 -wi 2 -i 3 -w 2s -r 3s -prof gc
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class JsonMessageBenchmark {

  @Param({"json", "text"})
  public String corpus;

  private LogRecord[] records;
  private MessageProcessor processor;
  private final JsonFactory jackson = new JsonFactory();
  private int next;

  @Setup
  public void setUp() {
    List<String> messages = corpus.equals("json") ? Corpora.jsonLogs(2048) : Corpora.textLogs(2048);
    records =
        Corpora.records("api-6f7d9c_shop_api-0123456789abcdef.log", LogStream.STDOUT, messages);
    processor =
        new MessageProcessor(
            ProcessingOptions.builder().useTimeField(true).build(),
            ProcessMetrics.register(new MetricsRegistry()));
  }

  @Benchmark
  public void process(ByteCounter counter, Blackhole bh) {
    LogRecord r = records[next];
    next = (next + 1) & (records.length - 1);
    bh.consume(processor.process(r));
    counter.bytes += r.messageLength();
  }

  /**
   * Reference: Jackson alone walking the same message's tokens (no values materialised), the floor
   * under {@link #process}.
   */
  @Benchmark
  public void jacksonTokensOnly(ByteCounter counter, Blackhole bh) throws IOException {
    LogRecord r = records[next];
    next = (next + 1) & (records.length - 1);
    try (JsonParser p = jackson.createParser(r.message())) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        bh.consume(t);
      }
    } catch (JsonProcessingException e) {
      bh.consume(e); // plain text in the text corpus
    }
    counter.bytes += r.messageLength();
  }
}
