package io.github.logchute.core.process;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.Severity;
import io.github.logchute.core.SourceMetadata;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Objects;

/**
 * Reads structure and level out of messages: a JSON object (or, when selected, a logfmt line)
 * becomes {@link LogRecord#fields()} — every member as written, the message bytes unchanged — with
 * the severity of its level member ({@link StructuredKeys}) and, if {@link
 * ProcessingOptions#useTimeField()}, its time member as the record's time; a plain-text message
 * gets the severity found by {@link Levels#detect} when {@link ProcessingOptions#detectLevel()}.
 *
 * <p>The parser is the record's metadata attribute {@link MetadataKeys#PARSER} ({@code json},
 * {@code logfmt}, {@code none}) when present and valid, else {@link ProcessingOptions#parser()}. An
 * unknown value is counted ({@code logchute_process_selection_invalid_total{setting="parser"}}, per
 * record), logged rate-limited, and the default used.
 *
 * <p>Cost: a message that does not start with <code>{</code> (after blanks) is not handed to
 * Jackson; level detection looks at 200 bytes at most. Thread-safe; never throws (an unexpected
 * failure is counted in {@code logchute_process_errors_total} and the record passes unchanged).
 * Records that already have fields (set by an earlier processor) are not parsed again.
 */
public final class MessageProcessor implements RecordProcessor {

  private static final RateLimitedLogger LOG =
      RateLimitedLogger.every10Seconds(MessageProcessor.class.getName());

  private final ProcessingOptions options;
  private final ProcessMetrics metrics;
  private final JsonFields json;
  private final LogfmtFields logfmt;
  private volatile Selection last = new Selection(SourceMetadata.empty(), null, false);

  /** The parser chosen for the last metadata seen (an immutable pair, so racy reuse is safe). */
  private record Selection(SourceMetadata metadata, ParserKind parser, boolean invalid) {}

  public MessageProcessor(ProcessingOptions options, ProcessMetrics metrics) {
    this.options = Objects.requireNonNull(options, "options");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.json = new JsonFields(options.maxParseBytes(), options.maxJsonDepth());
    this.logfmt = new LogfmtFields(options.maxParseBytes());
  }

  @Override
  public LogRecord process(LogRecord record) {
    try {
      return doProcess(record);
    } catch (RuntimeException e) {
      metrics.errors.increment();
      LOG.log(
          Level.WARNING,
          "{0} at offset {1}: record passed unprocessed after {2}",
          record.source().path(),
          Long.toString(record.startOffset()),
          e.toString());
      return record;
    }
  }

  private LogRecord doProcess(LogRecord record) {
    if (!record.fields().isEmpty()) {
      return record;
    }
    ParserKind parser = parserFor(record);
    byte[] m = record.message();
    if (parser != ParserKind.NONE) {
      ParseOutcome outcome =
          parser == ParserKind.JSON ? json.parse(m, 0, m.length) : logfmt.parse(m, 0, m.length);
      if (outcome instanceof ParseOutcome.Parsed p) {
        (parser == ParserKind.JSON ? metrics.jsonParsed : metrics.logfmtParsed).increment();
        return structured(record, p.fields());
      }
      if (outcome instanceof ParseOutcome.Rejection r) {
        metrics.rejected(parser, r);
      }
    }
    if (options.detectLevel() && record.severity() == Severity.UNSPECIFIED) {
      Severity s = Levels.detect(m, 0, m.length);
      if (s != Severity.UNSPECIFIED) {
        metrics.levelsDetected.increment();
        return record.withFields(record.fields(), s);
      }
    }
    return record;
  }

  private LogRecord structured(LogRecord record, Map<String, Object> fields) {
    Severity severity = StructuredKeys.severity(fields);
    if (severity == Severity.UNSPECIFIED && options.detectLevel()) {
      String key = StructuredKeys.messageKey(fields);
      if (key != null && fields.get(key) instanceof String text) {
        severity = detectInText(text);
      }
    }
    if (severity == Severity.UNSPECIFIED) {
      severity = record.severity();
    }
    LogRecord out = record.withFields(fields, severity);
    if (options.useTimeField()) {
      String key = StructuredKeys.timeKey(fields);
      if (key != null) {
        long t = TimeFields.toEpochNanos(fields.get(key));
        if (t == TimeFields.INVALID) {
          metrics.timeInvalid.increment();
        } else {
          out = out.withTimestampNanos(t);
        }
      }
    }
    return out;
  }

  /** Level detection on the first characters of a string member (non-ASCII read as a symbol). */
  private static Severity detectInText(String text) {
    int n = Math.min(text.length(), TextLevelDetector.SCAN_BYTES);
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      b[i] = c < 0x80 ? (byte) c : (byte) '?';
    }
    return Levels.detect(b, 0, n);
  }

  private ParserKind parserFor(LogRecord record) {
    SourceMetadata md = record.metadata();
    Selection s = last;
    if (s.metadata() != md || s.parser() == null) {
      s = select(record);
      last = s;
    }
    if (s.invalid()) {
      metrics.parserSelectionInvalid.increment();
    }
    return s.parser();
  }

  private Selection select(LogRecord record) {
    SourceMetadata md = record.metadata();
    String value = md.get(MetadataKeys.PARSER);
    if (value == null) {
      return new Selection(md, options.parser(), false);
    }
    try {
      return new Selection(md, ParserKind.parse(value), false);
    } catch (IllegalArgumentException e) {
      LOG.log(
          Level.WARNING,
          "{0}: ignoring the parser setting of this source ({1}); using {2}",
          record.source().path(),
          e.getMessage(),
          options.parser().configName());
      return new Selection(md, options.parser(), true);
    }
  }
}
