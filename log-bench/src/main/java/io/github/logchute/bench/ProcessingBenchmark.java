package io.github.logchute.bench;

import io.github.logchute.core.Clock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.process.Exclusion;
import io.github.logchute.core.process.LineRules;
import io.github.logchute.core.process.MessageProcessor;
import io.github.logchute.core.process.ProcessMetrics;
import io.github.logchute.core.process.ProcessingOptions;
import io.github.logchute.core.process.RateLimit;
import io.github.logchute.core.process.RecordProcessor;
import io.github.logchute.core.process.Redaction;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
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
 * Cost per record of the agent's processing stage, as {@code Agent} chains it: message parsing
 * (JSON fields, levels) → exclusion → line rules → rate limit → redaction.
 *
 * <ul>
 *   <li>{@code default}: the agent with no rules, no limit and no redaction configured (exclusion,
 *       rules and rate limit still run: a pod may annotate itself at any time);
 *   <li>{@code rules5}: five global line rules (three exclusions, two masks);
 *   <li>{@code redact}: {@code processing.redact: all} (six kinds, seven patterns);
 *   <li>{@code rules5+redact}: both.
 * </ul>
 *
 * <p>Corpus: 2,048 messages, 30 % JSON (zap/logrus/pino/logstash shapes, 200 B – 2 KiB, a quarter
 * with a stack trace) and 70 % plain text (logback, Python, klog layouts), shuffled with a fixed
 * seed; about one in twenty carries something to redact. One operation is one record; the {@code
 * bytes} counter is message bytes per second.
 *
 * <pre>{@code
 * java -jar log-bench/target/benchmarks.jar ProcessingBenchmark -f 1 -wi 3 -i 5 -w 2s -r 3s
 * }</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class ProcessingBenchmark {

  @Param({"default", "rules5", "redact", "rules5+redact"})
  public String steps;

  static final String FIVE_RULES =
      "[{\"type\":\"exclude_at_match\",\"name\":\"health\",\"pattern\":\"GET /healthz\"},"
          + "{\"type\":\"exclude_at_match\",\"name\":\"probes\",\"pattern\":\"kube-probe/\\\\d\"},"
          + "{\"type\":\"exclude_at_match\",\"name\":\"debug\",\"pattern\":\"^\\\\S+ DEBUG \"},"
          + "{\"type\":\"mask_sequences\",\"name\":\"ips\","
          + "\"pattern\":\"\\\\b\\\\d{1,3}\\\\.\\\\d{1,3}\\\\.\\\\d{1,3}\\\\.\\\\d{1,3}\\\\b\","
          + "\"replace_placeholder\":\"[ip]\"},"
          + "{\"type\":\"mask_sequences\",\"name\":\"sessions\","
          + "\"pattern\":\"session=[0-9a-f]{16,}\",\"replace_placeholder\":\"session=[masked]\"}]";

  private LogRecord[] records;
  private RecordProcessor chain;
  private int next;

  @Setup
  public void setUp() {
    records =
        Corpora.records("api-6f7d9c_shop_api-0123456789abcdef.log", LogStream.STDOUT, corpus());
    MetricsRegistry metrics = new MetricsRegistry();
    boolean rules = steps.contains("rules5");
    boolean redact = steps.contains("redact");
    chain =
        new MessageProcessor(ProcessingOptions.defaults(), ProcessMetrics.register(metrics))
            .andThen(Exclusion.annotationsOnly().processor(metrics))
            .andThen(new LineRules(rules ? LineRules.parse(FIVE_RULES) : List.of(), metrics))
            .andThen(
                new RateLimit(
                    RateLimit.Limit.NONE,
                    RateLimit.DEFAULT_SUMMARY_INTERVAL,
                    metrics,
                    Clock.system()))
            .andThen(
                new Redaction(
                    redact
                        ? EnumSet.allOf(Redaction.Kind.class)
                        : EnumSet.noneOf(Redaction.Kind.class),
                    metrics));
  }

  /** The mixed corpus, with a secret or an address in about one message in twenty. */
  static List<String> corpus() {
    List<String> messages = new ArrayList<>();
    messages.addAll(Corpora.jsonLogs(614));
    messages.addAll(Corpora.textLogs(2048 - 614));
    Random r = new Random(42);
    String[] sensitive = {
      " user=jane.doe@example.com",
      " card 4111 1111 1111 1111 declined",
      " Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln",
      " api_key=0123456789abcdef",
      " from 10.1.2.3 session=0123456789abcdef0123",
    };
    for (int i = 0; i < messages.size(); i++) {
      String m = messages.get(i);
      if (r.nextInt(20) == 0 && !m.startsWith("{")) {
        messages.set(i, m + sensitive[r.nextInt(sensitive.length)]);
      }
    }
    Collections.shuffle(messages, r);
    return messages;
  }

  @Benchmark
  public void process(ByteCounter counter, Blackhole bh) {
    LogRecord r = records[next];
    next = (next + 1) & (records.length - 1);
    bh.consume(chain.process(r));
    counter.bytes += r.messageLength();
  }
}
