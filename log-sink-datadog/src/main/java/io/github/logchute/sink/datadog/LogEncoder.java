package io.github.logchute.sink.datadog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.github.logchute.core.Clock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.spi.EncodedBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a batch of records into the body of one intake request: a JSON array of logs (SPECS.md
 * §2.3), gzip-compressed unless the level is 0. One encoder is used by one thread at a time; it
 * keeps its output buffer, its JSON generator, its deflater and its cache of constant parts from
 * batch to batch.
 */
final class LogEncoder implements AutoCloseable {

  /*
   * Design notes.
   *
   * Each log is a root-level JSON object written by one streaming generator; the array brackets and
   * commas are written straight into the buffer, so a log that comes out over maxLogBytes can be
   * taken back (ByteBuf.truncate) and written again cut, without confusing the generator. The
   * constant members of a source (LogRecord.metadata() is one shared instance per source) are
   * encoded once and copied as bytes after the opening brace (DESIGN.md decision 3): the generator
   * is flushed first, and the copy ends with a comma so the generator's next member needs none.
   *
   * A string the generator refuses (a lone surrogate in a field) or a message that is not UTF-8
   * (a Tailer other than log-core's) fails that log only: the log is taken back and written again
   * with repaired strings, and the generator is rebuilt. Nothing is dropped.
   */

  static final String TRUNCATION_MARKER = "...TRUNCATED...";
  private static final byte[] MARKER = TRUNCATION_MARKER.getBytes(StandardCharsets.UTF_8);

  /** A margin under Datadog's 18 h, so a log is not dropped by the time it arrives. */
  static final Duration AGE_MARGIN = Duration.ofMinutes(10);

  private static final int CACHE_SIZE = 4096;

  private final DatadogSinkConfig config;
  private final DatadogMetrics metrics;
  private final Clock clock;
  private final JsonFactory factory;
  private final ByteBuf out = new ByteBuf(1 << 20);
  private final Gzip gzip;
  private final RateLimitedLogger tooOldLog;
  private final LogWriter writer;
  private final Map<SourceKey, ConstantPart> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<SourceKey, ConstantPart> eldest) {
          return size() > CACHE_SIZE;
        }
      };
  private JsonGenerator gen;
  private LogSource lastSource;
  private SourceMetadata lastMetadata;
  private ConstantPart lastPart;

  /** A cache key comparing a source and its metadata by identity. */
  private record SourceKey(LogSource source, SourceMetadata metadata) {
    @Override
    public boolean equals(Object o) {
      return o instanceof SourceKey k && k.source == source && k.metadata == metadata;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(source) * 31 + System.identityHashCode(metadata);
    }
  }

  LogEncoder(DatadogSinkConfig config, DatadogMetrics metrics, Clock clock, JsonFactory factory) {
    this.config = config;
    this.metrics = metrics;
    this.clock = clock;
    this.factory = factory;
    this.gzip = config.compressionLevel() == 0 ? null : new Gzip(config.compressionLevel());
    this.writer = new LogWriter(factory, metrics, config.maxLogBytes());
    this.tooOldLog =
        new RateLimitedLogger(
            System.getLogger(DatadogSink.class.getName()), 10_000_000_000L, clock);
    this.gen = newGenerator();
  }

  private JsonGenerator newGenerator() {
    try {
      JsonGenerator g = factory.createGenerator(out);
      g.setRootValueSeparator(null);
      return g;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Encodes {@code records} into one request body. */
  EncodedBatch encode(List<LogRecord> records) {
    try {
      return encodeBatch(records);
    } catch (RuntimeException e) {
      gen = newGenerator(); // a half-written log must not leak into the next batch
      throw e;
    }
  }

  private EncodedBatch encodeBatch(List<LogRecord> records) {
    out.reset();
    long nowNanos = clock.epochNanos();
    long nowMillis = Math.floorDiv(nowNanos, 1_000_000L);
    long oldestMillis =
        nowMillis - DatadogSinkConfig.INTAKE_MAX_LOG_AGE.minus(AGE_MARGIN).toMillis();
    int tooOld = 0;
    long oldest = Long.MAX_VALUE;
    out.write('[');
    for (int i = 0; i < records.size(); i++) {
      LogRecord r = records.get(i);
      if (i > 0) {
        out.write(',');
      }
      long ts = Math.floorDiv(r.timestampNanos(), 1_000_000L);
      long original = Long.MIN_VALUE; // none
      if (ts < oldestMillis) {
        tooOld++;
        oldest = Math.min(oldest, ts);
        if (config.stampOldLogsWithSendTime()) {
          original = ts;
          ts = nowMillis;
        }
      }
      writeOne(r, constantPart(r), ts, original);
    }
    out.write(']');
    metrics.recordsEncoded.add(records.size());
    if (tooOld > 0) {
      countTooOld(tooOld, oldest);
    }
    int len = out.size();
    if (len > DatadogSinkConfig.INTAKE_MAX_PAYLOAD_BYTES || gzip == null) {
      // over the limit: never sent, DatadogSink.send answers TooLarge and the pipeline splits
      return new EncodedBatch(out.toByteArray(), records.size(), len);
    }
    return new EncodedBatch(gzip.compress(out.array(), len), records.size(), len);
  }

  private void writeOne(LogRecord r, ConstantPart part, long ts, long original) {
    int mark = out.size();
    try {
      writer.write(gen, out, r, part, ts, original, false);
    } catch (RuntimeException | IOException e) {
      // a string the generator refuses: write the log again with repaired strings
      gen = newGenerator();
      out.truncate(mark);
      metrics.recordsInvalidUtf8.increment();
      try {
        writer.write(gen, out, r, part, ts, original, true);
      } catch (IOException e2) {
        throw new UncheckedIOException("encoding to memory failed", e2);
      }
    }
  }

  private void countTooOld(int n, long oldestMillis) {
    metrics.recordsTooOld.add(n);
    if (config.stampOldLogsWithSendTime()) {
      metrics.recordsRestamped.add(n);
    }
    tooOldLog.log(
        Level.WARNING,
        "{0} logs of a batch are stamped more than 18 h ago (oldest {1}); the Datadog intake drops"
            + " such logs. {2}",
        n,
        Instant.ofEpochMilli(oldestMillis),
        config.stampOldLogsWithSendTime()
            ? "They are sent stamped with the send time; the original time is in"
                + " logchute.original_timestamp."
            : "Set stampOldLogsWithSendTime to send them stamped with the send time.");
  }

  /** The constant part of {@code r}'s source, from the cache or encoded now. */
  ConstantPart constantPart(LogRecord r) {
    LogSource s = r.source();
    SourceMetadata m = r.metadata();
    if (s == lastSource && m == lastMetadata) {
      return lastPart;
    }
    SourceKey key = new SourceKey(s, m);
    ConstantPart part = cache.get(key);
    if (part == null) {
      part = ConstantPart.encode(factory, SourceTags.of(s, m, config), s.path().toString());
      metrics.sourceEncodings.increment();
      cache.put(key, part);
    }
    lastSource = s;
    lastMetadata = m;
    lastPart = part;
    return part;
  }

  @Override
  public void close() {
    if (gzip != null) {
      gzip.close();
    }
  }
}
