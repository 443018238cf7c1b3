package io.github.logchute.core.parse;

import io.github.logchute.core.Clock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.SourceMetadata;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Turns the bytes of one log file, fed in chunks of any size, into {@link LogRecord}s: frames lines
 * at {@code \n}, decodes each in the file's {@link LogFormat}, and merges runtime partial lines
 * (CRI {@code P} records up to the next {@code F} of the same stream; Docker pieces without a
 * trailing newline) into one record.
 *
 * <p>One instance per file, used by one thread at a time.
 */
public final class RecordAssembler {

  /*
   * Design notes.
   *
   * Framing works on the caller's buffer: a line wholly inside a chunk is decoded in place; only a
   * line that straddles two chunks is copied into `carry`. Each emitted record owns one exactly
   * sized copy of its message (records outlive the read buffer); that copy is the only allocation
   * per line, and the UTF-8 check rides on it.
   *
   * Positions. `position` is the file offset of the next byte fed. A record spans
   * [startOffset, endOffset): for a merged record, from its first fragment's first byte to its last
   * fragment's newline. safeOffset() is what a checkpoint may claim without losing data: never past
   * the start of a line still being framed or of a merge still being assembled.
   *
   * Over-long lines. A line longer than maxLineBytes is emitted as soon as maxLineBytes of it are
   * known (cut on a UTF-8 boundary, flagged TRUNCATED) and the rest is skipped up to its newline,
   * so a 20 MB line without a newline costs maxLineBytes of memory, not 20 MB. If the process
   * restarts while skipping, the remainder comes back as one unparsed record: at-least-once wins.
   *
   * Merged pieces. A merge that would exceed maxMergedBytes is emitted in pieces. A piece ends where
   * the fragment that overflowed it starts (that fragment's remainder opens the next piece), so
   * acknowledging a piece never claims bytes that have not been emitted.
   */

  private static final RateLimitedLogger LOG =
      RateLimitedLogger.every10Seconds(RecordAssembler.class.getName());

  private final LogSource source;
  private final LineDecoder decoder;
  private final int maxLineBytes;
  private final int maxMergedBytes;
  private final DecodeMetrics metrics;
  private final Clock clock;
  private final DecodedLine line = new DecodedLine();
  private final Partial[] partials = {new Partial(LogStream.STDOUT), new Partial(LogStream.STDERR)};
  private SourceMetadata metadata = SourceMetadata.empty();

  private long position;
  private byte[] carry = new byte[512];
  private int carryLen;
  private long carryStart = -1;
  private boolean skipping;

  /**
   * @param source the file
   * @param format how its lines are encoded
   * @param startOffset the file offset of the first byte that will be fed (0, or a checkpoint)
   * @param options line and merge limits
   * @param metrics shared decoding counters
   * @param clock read time for lines without their own timestamps, and merge age
   */
  public RecordAssembler(
      LogSource source,
      LogFormat format,
      long startOffset,
      DecodeOptions options,
      DecodeMetrics metrics,
      Clock clock) {
    this.source = Objects.requireNonNull(source, "source");
    this.decoder = format.newDecoder();
    this.position = startOffset;
    this.maxLineBytes = options.maxLineBytes();
    this.maxMergedBytes = options.maxMergedBytes();
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Metadata stamped on the records emitted from now on. */
  public void metadata(SourceMetadata newMetadata) {
    this.metadata = Objects.requireNonNull(newMetadata, "metadata");
  }

  /** The format in use: for {@link LogFormat#AUTO}, what was detected once a line was seen. */
  public LogFormat format() {
    return decoder.format();
  }

  /** File offset of the next byte to feed. */
  public long position() {
    return position;
  }

  /**
   * The highest file offset a checkpoint may claim given what is buffered here: the start of the
   * line being framed or of the oldest merge being assembled, else {@link #position()}.
   */
  public long safeOffset() {
    long safe = carryLen > 0 ? carryStart : position;
    for (Partial p : partials) {
      if (p.active && p.start < safe) {
        safe = p.start;
      }
    }
    return safe;
  }

  /** True if a line or a merge is incomplete (waiting for more bytes). */
  public boolean hasPending() {
    return carryLen > 0 || partials[0].active || partials[1].active;
  }

  /**
   * Monotonic time ({@link Clock#nanoTime()}) when the oldest merge still being assembled began, or
   * {@link Long#MAX_VALUE} if none is.
   */
  public long oldestMergeSinceNanos() {
    long oldest = Long.MAX_VALUE;
    for (Partial p : partials) {
      if (p.active && p.sinceNanos < oldest) {
        oldest = p.sinceNanos;
      }
    }
    return oldest;
  }

  /** Frames, decodes and merges {@code buf[off, off + len)}, appending complete records to out. */
  public void feed(byte[] buf, int off, int len, List<LogRecord> out) {
    long readTime = clock.epochNanos();
    int end = off + len;
    int i = off;
    while (i < end) {
      int nl = indexOfNewline(buf, i, end);
      if (skipping) {
        int stop = nl < 0 ? end : nl;
        metrics.bytesSkipped.add(stop - i);
        if (nl < 0) {
          position += end - i;
          return;
        }
        skipping = false;
        position += nl + 1 - i;
        i = nl + 1;
        continue;
      }
      if (nl < 0) {
        appendToCarry(buf, i, end - i, readTime, out);
        return;
      }
      int lineLen = nl - i;
      long lineEnd = position + lineLen + 1;
      if (carryLen > 0) {
        int room = maxLineBytes - carryLen;
        if (room < lineLen) {
          long lineStart = carryStart;
          int before = carryLen;
          fillCarryTruncated(buf, i, room);
          metrics.linesTruncated.increment();
          logCut(lineStart);
          metrics.bytesSkipped.add(before + lineLen - carryLen);
          processLine(carry, 0, carryLen, lineStart, lineEnd, LogRecord.TRUNCATED, readTime, out);
        } else {
          ensureCarry(carryLen + lineLen);
          System.arraycopy(buf, i, carry, carryLen, lineLen);
          carryLen += lineLen;
          processLine(carry, 0, carryLen, carryStart, lineEnd, 0, readTime, out);
        }
        carryLen = 0;
        carryStart = -1;
      } else if (lineLen > maxLineBytes) {
        int take = cutPoint(buf, i, maxLineBytes);
        metrics.linesTruncated.increment();
        logCut(position);
        metrics.bytesSkipped.add(lineLen - take);
        processLine(buf, i, take, position, lineEnd, LogRecord.TRUNCATED, readTime, out);
      } else {
        processLine(buf, i, lineLen, position, lineEnd, 0, readTime, out);
      }
      position = lineEnd;
      i = nl + 1;
    }
  }

  /**
   * Emits merges that have waited longer than {@code maxAgeNanos} for their final fragment (a
   * runtime that died mid-line). Call periodically with the same clock's {@link Clock#nanoTime()}.
   */
  public void flushStaleMerges(long nowNanos, long maxAgeNanos, List<LogRecord> out) {
    for (Partial p : partials) {
      if (p.active && nowNanos - p.sinceNanos >= maxAgeNanos) {
        p.emit(out, false);
      }
    }
  }

  /**
   * The file has ended for good (rotated and drained, or deleted): emits a last line that has no
   * newline and every merge still being assembled.
   */
  public void finish(List<LogRecord> out) {
    if (carryLen > 0) {
      processLine(carry, 0, carryLen, carryStart, position, 0, clock.epochNanos(), out);
      carryLen = 0;
      carryStart = -1;
    }
    skipping = false;
    for (Partial p : partials) {
      if (p.active) {
        p.emit(out, false);
      }
    }
  }

  /**
   * This file has ended for good and {@code next} — the assembler of the file that continues it
   * (the kubelet's next file of the same container), nothing fed to it yet — takes over: a last
   * line without a newline is emitted here, and the merges still being assembled move to {@code
   * next}, so that a partial line the runtime split across the rotation comes out as one record.
   * There it is a record that starts at offset -1 (before the next file's first byte): until it is
   * emitted, {@code next.safeOffset()} is -1.
   *
   * @return how many merges moved
   */
  public int handOver(RecordAssembler next, List<LogRecord> out) {
    if (carryLen > 0) {
      processLine(carry, 0, carryLen, carryStart, position, 0, clock.epochNanos(), out);
      carryLen = 0;
      carryStart = -1;
    }
    skipping = false;
    int moved = 0;
    for (int i = 0; i < partials.length; i++) {
      if (partials[i].active) {
        next.partials[i].adopt(partials[i]);
        moved++;
      }
    }
    return moved;
  }

  private void appendToCarry(byte[] buf, int off, int len, long readTime, List<LogRecord> out) {
    if (carryLen == 0) {
      carryStart = position;
    }
    position += len;
    int room = maxLineBytes - carryLen;
    if (len <= room) {
      ensureCarry(carryLen + len);
      System.arraycopy(buf, off, carry, carryLen, len);
      carryLen += len;
      return;
    }
    // The line is over the limit and its end is not in sight: emit what fits, skip the rest.
    int before = carryLen;
    fillCarryTruncated(buf, off, room);
    metrics.linesTruncated.increment();
    logCut(carryStart);
    metrics.bytesSkipped.add(before + len - carryLen);
    long cutOffset = carryStart + carryLen;
    processLine(carry, 0, carryLen, carryStart, cutOffset, LogRecord.TRUNCATED, readTime, out);
    carryLen = 0;
    carryStart = -1;
    skipping = true;
  }

  /** A cut of at most {@code max} bytes from {@code off} that does not split a UTF-8 character. */
  private static int cutPoint(byte[] b, int off, int max) {
    if (max <= 0) {
      return 0;
    }
    int cut = Utf8.boundary(b, off, off + max) - off;
    return cut > 0 ? cut : max;
  }

  /**
   * Appends {@code room} bytes of {@code buf} at {@code off} to the carry — the line goes on past
   * them — then backs the carry's end up to a character boundary, which may lie in bytes carried
   * earlier.
   */
  private void fillCarryTruncated(byte[] buf, int off, int room) {
    ensureCarry(carryLen + room);
    System.arraycopy(buf, off, carry, carryLen, room);
    carryLen += room;
    carryLen = Utf8.cutBefore(carry, carryLen, buf[off + room]);
  }

  private void ensureCarry(int needed) {
    if (needed > carry.length) {
      carry = Arrays.copyOf(carry, Math.max(needed, Math.min(carry.length * 2, maxLineBytes)));
    }
  }

  private void processLine(
      byte[] b,
      int off,
      int len,
      long start,
      long end,
      int flags,
      long readTime,
      List<LogRecord> out) {
    metrics.lines.increment();
    line.timestampNanos = readTime;
    if (!decoder.decode(b, off, len, line)) {
      metrics.unparsed.increment();
      LOG.logFor(
          source.path(),
          Level.WARNING,
          "{0}: line at offset {1} is not valid {2}; kept as a raw record",
          source.path(),
          Long.toString(start),
          decoder.format().configName());
      out.add(
          record(
              LogStream.STDOUT,
              readTime,
              b,
              off,
              trimCr(b, off, len),
              start,
              end,
              flags | LogRecord.UNPARSED));
      return;
    }
    Partial p = partials[line.stream.ordinal()];
    if (line.partial) {
      p.append(line, start, end, flags, out);
    } else if (p.active) {
      p.append(line, start, end, flags, out);
      p.emit(out, false);
    } else {
      out.add(
          record(
              line.stream,
              line.timestampNanos,
              line.buf,
              line.off,
              trimCr(line.buf, line.off, line.len),
              start,
              end,
              flags));
    }
  }

  /** Length without one trailing carriage return (a {@code \r\n} line ending). */
  private static int trimCr(byte[] b, int off, int len) {
    return len > 0 && b[off + len - 1] == '\r' ? len - 1 : len;
  }

  /** A line longer than {@code maxLineBytes} was cut at {@code offset}: logged per file. */
  private void logCut(long offset) {
    LOG.logFor(
        source.path(),
        Level.WARNING,
        "{0}: line at offset {1} is longer than {2} bytes (maxLineBytes); its first {2} bytes are"
            + " kept, flagged truncated, the rest skipped",
        source.path(),
        Long.toString(offset),
        Integer.toString(maxLineBytes));
  }

  private LogRecord record(
      LogStream stream, long ts, byte[] b, int off, int len, long start, long end, int flags) {
    int bad = Utf8.firstInvalid(b, off, off + len);
    byte[] message;
    if (bad < 0) {
      message = Arrays.copyOfRange(b, off, off + len);
    } else {
      message = Utf8.repair(b, off, off + len, bad);
      flags |= LogRecord.INVALID_UTF8;
      metrics.invalidUtf8.increment();
      LOG.logFor(
          source.path(),
          Level.WARNING,
          "{0}: line at offset {1} is not valid UTF-8; the bad bytes are replaced with U+FFFD",
          source.path(),
          Long.toString(start));
    }
    metrics.records.increment();
    return LogRecord.of(source, metadata, stream, ts, message, start, end, flags);
  }

  private static int indexOfNewline(byte[] b, int from, int end) {
    for (int i = from; i < end; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** A merge of partial lines of one stream in progress. */
  private final class Partial {
    final LogStream stream;
    boolean active;
    long start;
    long end;
    long timestampNanos;
    long sinceNanos;
    int flags;
    byte[] buf = new byte[0];
    int len;

    Partial(LogStream stream) {
      this.stream = stream;
    }

    void append(DecodedLine l, long fragStart, long fragEnd, int lineFlags, List<LogRecord> out) {
      if (!active) {
        active = true;
        start = fragStart;
        timestampNanos = l.timestampNanos;
        sinceNanos = clock.nanoTime();
        flags = LogRecord.MERGED;
        len = 0;
      }
      flags |= lineFlags;
      byte[] src = l.buf;
      int o = l.off;
      int n = l.len;
      while (len + n > maxMergedBytes) {
        int take = maxMergedBytes - len;
        ensure(len + take);
        System.arraycopy(src, o, buf, len, take);
        len += take;
        o += take;
        n -= take;
        // Fragments are cut at byte positions, so the character at the cut may have begun in
        // bytes merged earlier: its start moves on to the next piece.
        int keep = Utf8.cutBefore(buf, len, src[o]);
        byte[] carried = Arrays.copyOfRange(buf, keep, len);
        len = keep;
        metrics.mergedSplit.increment();
        // This piece ends where the overflowing fragment starts; its rest opens the next piece.
        end = fragStart;
        emit(out, true);
        active = true;
        start = fragStart;
        sinceNanos = clock.nanoTime();
        flags = LogRecord.MERGED | LogRecord.TRUNCATED | lineFlags;
        ensure(carried.length);
        System.arraycopy(carried, 0, buf, 0, carried.length);
        len = carried.length;
      }
      ensure(len + n);
      System.arraycopy(src, o, buf, len, n);
      len += n;
      end = fragEnd;
    }

    /** Takes over {@code other}'s merge, which began in the previous file (offset -1 here). */
    void adopt(Partial other) {
      ensure(other.len);
      System.arraycopy(other.buf, 0, buf, 0, other.len);
      len = other.len;
      active = true;
      start = -1;
      end = -1;
      timestampNanos = other.timestampNanos;
      sinceNanos = other.sinceNanos;
      flags = other.flags;
      other.active = false;
      other.len = 0;
    }

    /** Emits the merge; {@code piece} is true for a piece cut at the size cap (more follows). */
    void emit(List<LogRecord> out, boolean piece) {
      int l = piece ? len : trimCr(buf, 0, len);
      int extraFlags = piece ? LogRecord.TRUNCATED : 0;
      out.add(record(stream, timestampNanos, buf, 0, l, start, end, flags | extraFlags));
      active = false;
      len = 0;
      if (buf.length > 64 * 1024) {
        buf = new byte[0]; // do not pin a large merge buffer per idle stream
      }
    }

    private void ensure(int needed) {
      if (needed > buf.length) {
        buf =
            Arrays.copyOf(
                buf, Math.max(needed, Math.min(Math.max(256, buf.length * 2), maxMergedBytes)));
      }
    }
  }
}
