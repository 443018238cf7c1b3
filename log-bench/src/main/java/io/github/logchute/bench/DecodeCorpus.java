package io.github.logchute.bench;

import io.github.logchute.core.parse.LogFormat;
import io.github.logchute.core.parse.Timestamps;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A realistic container log, as the kubelet's runtime writes it, for decode benchmarks: messages of
 * 80 B to 4 KiB (80 % short), about 30 % JSON application logs (whose quotes Docker escapes), some
 * tabs and non-ASCII text, 10 % stderr, and about 2 % of messages split into runtime partial lines
 * (CRI {@code P} fragments; Docker pieces without a trailing {@code \n}). The corpus is exactly
 * {@link #SIZE} bytes, so a benchmark that decodes it once per operation can report bytes.
 */
final class DecodeCorpus {

  /** Corpus size in bytes: 4 MiB. */
  static final int SIZE = 4 * 1024 * 1024;

  private static final String[] WORDS = {
    "request",
    "completed",
    "user",
    "order",
    "payment",
    "cache",
    "miss",
    "timeout",
    "retry",
    "upstream",
    "GET",
    "POST",
    "/api/v1/orders",
    "200",
    "503",
    "shard",
    "commit",
    "élève",
    "数据",
    "latency_ms=12",
    "\tat",
    "id=7f3a"
  };

  private DecodeCorpus() {}

  /** The corpus in {@code format} (CRI or DOCKER), generated from a fixed seed. */
  static byte[] generate(LogFormat format) {
    Random rnd = new Random(42);
    ByteArrayOutputStream out = new ByteArrayOutputStream(SIZE);
    long nanos = 1_732_000_000_000_000_000L;
    while (SIZE - out.size() > 10_000) {
      nanos += 1 + rnd.nextInt(5_000_000);
      String stream = rnd.nextInt(10) == 0 ? "stderr" : "stdout";
      String msg = message(rnd, nanos);
      if (rnd.nextInt(50) == 0) {
        // a runtime partial: the message arrives in 2-4 pieces
        int pieces = 2 + rnd.nextInt(3);
        int step = Math.max(1, msg.length() / pieces);
        for (int i = 0, at = 0; i < pieces; i++) {
          int end = i == pieces - 1 ? msg.length() : Math.min(msg.length(), at + step);
          write(out, format, nanos, stream, msg.substring(at, end), i < pieces - 1);
          at = end;
        }
      } else {
        write(out, format, nanos, stream, msg, false);
      }
    }
    // one last plain ASCII line that makes the corpus exactly SIZE bytes
    int overhead = lineBytes(format, nanos, "stdout", "", false).length;
    String fill = "x".repeat(SIZE - out.size() - overhead);
    write(out, format, nanos, "stdout", fill, false);
    byte[] corpus = out.toByteArray();
    if (corpus.length != SIZE) {
      throw new IllegalStateException("corpus is " + corpus.length + " bytes, not " + SIZE);
    }
    return corpus;
  }

  /** One application message: 80 B to 4 KiB (80 % short), ~30 % JSON, some tabs and non-ASCII. */
  static String message(Random rnd, long nanos) {
    int len = rnd.nextInt(10) < 8 ? 80 + rnd.nextInt(180) : 260 + rnd.nextInt(3836);
    StringBuilder msg = new StringBuilder(len + 64);
    if (rnd.nextInt(10) < 3) {
      msg.append("{\"level\":\"info\",\"ts\":").append(nanos / 1_000_000).append(",\"msg\":\"");
      while (msg.length() < len - 30) {
        msg.append(WORDS[rnd.nextInt(WORDS.length)].replace("\t", "\\t")).append(' ');
      }
      msg.append("\",\"user_id\":").append(rnd.nextInt(100_000)).append('}');
    } else {
      msg.append("2024-11-25 10:15:02.123 INFO  [worker-").append(rnd.nextInt(16)).append("] ");
      while (msg.length() < len) {
        msg.append(WORDS[rnd.nextInt(WORDS.length)]).append(' ');
      }
    }
    return msg.toString();
  }

  private static void write(
      ByteArrayOutputStream out,
      LogFormat format,
      long nanos,
      String stream,
      String msg,
      boolean partial) {
    byte[] line = lineBytes(format, nanos, stream, msg, partial);
    out.write(line, 0, line.length);
  }

  /** {@code msg} as the runtime writes it in {@code format} (a partial line has no newline). */
  static byte[] lineBytes(
      LogFormat format, long nanos, String stream, String msg, boolean partial) {
    String ts = Timestamps.formatRfc3339Nano(nanos);
    String text =
        switch (format) {
          case CRI -> ts + " " + stream + (partial ? " P " : " F ") + msg + "\n";
          case DOCKER ->
              "{\"log\":\""
                  + jsonEscape(msg)
                  + (partial ? "" : "\\n")
                  + "\",\"stream\":\""
                  + stream
                  + "\",\"time\":\""
                  + ts
                  + "\"}\n";
          default -> throw new IllegalArgumentException("no corpus for " + format);
        };
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static String jsonEscape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        default -> sb.append(c);
      }
    }
    return sb.toString();
  }
}
