package io.github.logchute.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * One log event: what a container wrote on one line (or on several merged lines), when, on which
 * stream, from which source and from where in it.
 *
 * <p>Immutable after construction, safe to hand between threads. The message is UTF-8 bytes;
 * log-core's decoders guarantee it is valid UTF-8 (invalid sequences are replaced with U+FFFD and
 * flagged {@link #INVALID_UTF8}). {@link #message()} returns the internal array for speed: callers
 * must not modify it.
 *
 * <p>Position: {@link #startOffset()} and {@link #endOffset()} delimit the bytes of the source that
 * produced this record (for merged records, from the first fragment's first byte to the last
 * fragment's end). The tailing engine commits a checkpoint past {@code endOffset} only after every
 * sink has acknowledged the record.
 */
public final class LogRecord {

  /** The message was cut: the line exceeded the maximum line size, or a merged record its cap. */
  public static final int TRUNCATED = 1;

  /** The line did not parse in its source's format; it is kept whole as the message. */
  public static final int UNPARSED = 1 << 1;

  /** Invalid UTF-8 in the input was replaced with U+FFFD. */
  public static final int INVALID_UTF8 = 1 << 2;

  /** The record was assembled from runtime partial lines (CRI {@code P}, Docker split lines). */
  public static final int MERGED = 1 << 3;

  /**
   * The record is a multi-line event (a stack trace, or lines grouped by a start pattern): its
   * message is the lines joined with {@code \n}.
   */
  public static final int MULTILINE = 1 << 4;

  private final LogSource source;
  private final SourceMetadata metadata;
  private final LogStream stream;
  private final long timestampNanos;
  private final byte[] message;
  private final long startOffset;
  private final long endOffset;
  private final int flags;
  private final Severity severity;
  private final Map<String, Object> fields;
  private String text;
  private int size; // sizeEstimate(), 0 until taken; set once (SIZE.compareAndSet)

  private static final VarHandle SIZE;

  static {
    try {
      SIZE = MethodHandles.lookup().findVarHandle(LogRecord.class, "size", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private LogRecord(
      LogSource source,
      SourceMetadata metadata,
      LogStream stream,
      long timestampNanos,
      byte[] message,
      long startOffset,
      long endOffset,
      int flags,
      Severity severity,
      Map<String, Object> fields) {
    this.source = Objects.requireNonNull(source, "source");
    this.metadata = Objects.requireNonNull(metadata, "metadata");
    this.stream = Objects.requireNonNull(stream, "stream");
    this.timestampNanos = timestampNanos;
    this.message = Objects.requireNonNull(message, "message");
    this.startOffset = startOffset;
    this.endOffset = endOffset;
    this.flags = flags;
    this.severity = Objects.requireNonNull(severity, "severity");
    this.fields = Objects.requireNonNull(fields, "fields");
  }

  /**
   * Creates a record that owns {@code message} (the array is not copied; the caller must not modify
   * it afterwards).
   */
  public static LogRecord of(
      LogSource source,
      LogStream stream,
      long timestampNanos,
      byte[] message,
      long startOffset,
      long endOffset,
      int flags) {
    return of(
        source,
        SourceMetadata.empty(),
        stream,
        timestampNanos,
        message,
        startOffset,
        endOffset,
        flags);
  }

  /** As {@link #of(LogSource, LogStream, long, byte[], long, long, int)}, with metadata. */
  public static LogRecord of(
      LogSource source,
      SourceMetadata metadata,
      LogStream stream,
      long timestampNanos,
      byte[] message,
      long startOffset,
      long endOffset,
      int flags) {
    return new LogRecord(
        source,
        metadata,
        stream,
        timestampNanos,
        message,
        startOffset,
        endOffset,
        flags,
        Severity.UNSPECIFIED,
        Map.of());
  }

  /** This record with other metadata (set by the enrichment stage). */
  public LogRecord withMetadata(SourceMetadata newMetadata) {
    return new LogRecord(
        source,
        newMetadata,
        stream,
        timestampNanos,
        message,
        startOffset,
        endOffset,
        flags,
        severity,
        fields);
  }

  /**
   * This record with structured fields and a severity (set by record processors). {@code newFields}
   * must be unmodifiable and hold only JSON-like values: String, Number, Boolean, null, List and
   * Map of those.
   */
  public LogRecord withFields(Map<String, Object> newFields, Severity newSeverity) {
    return new LogRecord(
        source,
        metadata,
        stream,
        timestampNanos,
        message,
        startOffset,
        endOffset,
        flags,
        newSeverity,
        newFields);
  }

  /**
   * This record with another message (set by a processor that masks or rewrites it); it owns {@code
   * newMessage}, which must be valid UTF-8. Everything else, offsets included, is kept.
   */
  public LogRecord withMessage(byte[] newMessage) {
    return new LogRecord(
        source,
        metadata,
        stream,
        timestampNanos,
        newMessage,
        startOffset,
        endOffset,
        flags,
        severity,
        fields);
  }

  /**
   * This record with another event time (set by a processor that reads the time the application
   * wrote, for example a JSON {@code time} member). Everything else, offsets included, is kept.
   */
  public LogRecord withTimestampNanos(long newTimestampNanos) {
    return new LogRecord(
        source,
        metadata,
        stream,
        newTimestampNanos,
        message,
        startOffset,
        endOffset,
        flags,
        severity,
        fields);
  }

  public LogSource source() {
    return source;
  }

  public SourceMetadata metadata() {
    return metadata;
  }

  public LogStream stream() {
    return stream;
  }

  /** Event time in nanoseconds since the Unix epoch. */
  public long timestampNanos() {
    return timestampNanos;
  }

  /** The message as UTF-8 bytes: the internal array, not to be modified. */
  public byte[] message() {
    return message;
  }

  /** Length of the message in bytes. */
  public int messageLength() {
    return message.length;
  }

  /** The message as text, decoded once and cached. */
  public String messageText() {
    String t = text;
    if (t == null) {
      t = new String(message, StandardCharsets.UTF_8);
      text = t;
    }
    return t;
  }

  /** Offset of the first byte of the source that produced this record. */
  public long startOffset() {
    return startOffset;
  }

  /** Offset just past the last byte of the source that produced this record. */
  public long endOffset() {
    return endOffset;
  }

  /**
   * Bit set of {@link #TRUNCATED}, {@link #UNPARSED}, {@link #INVALID_UTF8}, {@link #MERGED},
   * {@link #MULTILINE}.
   */
  public int flags() {
    return flags;
  }

  public boolean hasFlag(int flag) {
    return (flags & flag) != 0;
  }

  public Severity severity() {
    return severity;
  }

  /**
   * Structured fields parsed from the message; empty unless a processor set them. When a processor
   * parses a JSON (or logfmt) message, this holds the object's members as the application wrote
   * them, in order — including its message, level and time keys — and {@link #message()} keeps the
   * original text. Sinks map the fields to their own format (Datadog attributes, Cloud Logging
   * {@code jsonPayload}).
   */
  public Map<String, Object> fields() {
    return fields;
  }

  /**
   * An upper bound of the heap this record retains, in bytes: the record, its message and its
   * fields with everything in them (nested maps, lists, strings, numbers), and the message's text
   * if it was decoded before the first call. Metadata is shared per source and not counted. The
   * pipeline bounds its memory ({@code maxQueuedBytes}) and its batches ({@code maxBatchBytes})
   * with it.
   *
   * <p>Taken once, on the first call (one pass over the fields), then the same value for the life
   * of the record, from any thread — so that what is added to a bound and later taken out of it
   * always match. A text decoded after the first call (by {@link #messageText()}) is not counted:
   * sinks should not need it.
   */
  public long sizeEstimate() {
    int s = size;
    if (s == 0) {
      s = (int) Math.min(Integer.MAX_VALUE, computeSize());
      if (!SIZE.compareAndSet(this, 0, s)) {
        s = (int) SIZE.getVolatile(this);
      }
    }
    return s;
  }

  private long computeSize() {
    long bytes = HeapEstimate.RECORD + HeapEstimate.byteArray(message.length);
    String t = text;
    if (t != null) {
      // as many chars as bytes means ASCII (LATIN1); otherwise assume two bytes a char
      bytes += HeapEstimate.string(t.length(), t.length() == message.length);
    }
    return bytes + HeapEstimate.fields(fields);
  }

  @Override
  public String toString() {
    return "LogRecord{"
        + source.path()
        + " "
        + stream.wireName()
        + " @"
        + startOffset
        + ".."
        + endOffset
        + " flags="
        + flags
        + " "
        + messageText()
        + "}";
  }
}
