package io.github.logchute.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random messages, written the way the runtimes write them (CRI with random {@code P} splits at
 * byte positions, as containerd and conmon do; Docker json-file with random splits and random
 * escaping), interleaved across stdout and stderr, read back in random chunk sizes: every message
 * must come back byte for byte, in order per stream, with its timestamp.
 */
class RoundTripPropertyTest {

  private static final int MESSAGES = 400;

  private static final String ALPHABET =
      "abcXYZ019 \t\"\\/{}[]:,=-_.é日本🌍€\u0000\u0001\u001f\u007f\r\u2028\uFEFF";

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void criSurvivesEncodeDecode(long seed) {
    Random rnd = new Random(seed);
    List<Message> messages = randomMessages(rnd);
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    List<List<byte[]>> pending = new ArrayList<>(); // fragments still to write, per message
    for (Message m : messages) {
      pending.add(splitBytes(m.content, rnd));
    }
    writeInterleaved(
        rnd,
        messages,
        pending,
        (m, frag, last) -> {
          String head =
              Timestamps.formatRfc3339Nano(m.nanos)
                  + " "
                  + m.stream.wireName()
                  + " "
                  + (last ? "F" : "P")
                  + (rnd.nextInt(5) == 0 ? ":x:y" : "")
                  + " ";
          file.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
          file.writeBytes(frag);
          file.write('\n');
        });
    check(LogFormat.CRI, file.toByteArray(), messages, rnd);
  }

  @ParameterizedTest
  @ValueSource(longs = {11, 12, 13, 14, 15, 16, 17, 18})
  void dockerSurvivesEncodeDecode(long seed) {
    Random rnd = new Random(seed);
    List<Message> messages = randomMessages(rnd);
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    List<List<byte[]>> pending = new ArrayList<>();
    for (Message m : messages) {
      pending.add(splitChars(m.text, rnd));
    }
    writeInterleaved(
        rnd,
        messages,
        pending,
        (m, frag, last) -> {
          String piece = new String(frag, StandardCharsets.UTF_8) + (last ? "\n" : "");
          String json =
              "{\"log\":"
                  + jsonString(piece, rnd)
                  + ",\"stream\":\""
                  + m.stream.wireName()
                  + "\",\"time\":\""
                  + Timestamps.formatRfc3339Nano(m.nanos)
                  + "\"}\n";
          file.writeBytes(json.getBytes(StandardCharsets.UTF_8));
        });
    check(LogFormat.DOCKER, file.toByteArray(), messages, rnd);
  }

  @ParameterizedTest
  @ValueSource(longs = {21, 22, 23, 24})
  void criPiecesOverTheMergeCapJoinBackWithoutBreakingCharacters(long seed) {
    Random rnd = new Random(seed);
    List<Message> messages = randomMessages(rnd);
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    List<List<byte[]>> pending = new ArrayList<>();
    for (Message m : messages) {
      pending.add(splitBytes(m.content, rnd));
    }
    writeInterleaved(
        rnd,
        messages,
        pending,
        (m, frag, last) -> {
          String head =
              Timestamps.formatRfc3339Nano(m.nanos)
                  + " "
                  + m.stream.wireName()
                  + (last ? " F " : " P ");
          file.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
          file.writeBytes(frag);
          file.write('\n');
        });
    byte[] in = file.toByteArray();
    Decoding d = new Decoding(LogFormat.CRI, new DecodeOptions(1 << 16, 64));
    d.feed(in, 1 + rnd.nextInt(5000));
    for (LogStream s : LogStream.values()) {
      ByteArrayOutputStream want = new ByteArrayOutputStream();
      messages.stream().filter(m -> m.stream == s).forEach(m -> want.writeBytes(m.content));
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      d.records.stream().filter(r -> r.stream() == s).forEach(r -> got.writeBytes(r.message()));
      assertThat(firstDifference(got.toByteArray(), want.toByteArray())).as("%s", s).isEqualTo(-1);
    }
    assertThat(d.records).noneMatch(r -> r.hasFlag(LogRecord.INVALID_UTF8));
    assertThat(d.records)
        .filteredOn(r -> r.hasFlag(LogRecord.MERGED))
        .allMatch(r -> r.messageLength() <= 64);
    assertThat(d.counter("logchute_merged_records_split_total")).isPositive();
  }

  private static void check(LogFormat format, byte[] file, List<Message> messages, Random rnd) {
    for (LogFormat f : new LogFormat[] {format, LogFormat.AUTO}) {
      Decoding d = new Decoding(f);
      int off = 0;
      while (off < file.length) {
        int n = Math.min(file.length - off, 1 + rnd.nextInt(rnd.nextBoolean() ? 50 : 70_000));
        d.assembler.feed(file, off, n, d.records);
        off += n;
      }
      assertThat(d.assembler.hasPending()).isFalse();
      assertThat(d.counter("logchute_lines_unparsed_total")).isZero();
      for (LogStream s : LogStream.values()) {
        List<Message> want = messages.stream().filter(m -> m.stream == s).toList();
        List<LogRecord> got = d.records.stream().filter(r -> r.stream() == s).toList();
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.size(); i++) {
          assertThat(firstDifference(got.get(i).message(), want.get(i).content))
              .as("%s message %d: first differing byte", s, i)
              .isEqualTo(-1);
          assertThat(got.get(i).timestampNanos()).isEqualTo(want.get(i).nanos);
          assertThat(got.get(i).flags() & ~LogRecord.MERGED).isZero();
        }
      }
      assertThat(d.assembler.safeOffset()).isEqualTo(file.length);
    }
  }

  /** Index of the first byte where a and b differ (or the shorter length), -1 if equal. */
  private static int firstDifference(byte[] a, byte[] b) {
    int n = java.util.Arrays.mismatch(a, b);
    return n;
  }

  private record Message(LogStream stream, long nanos, String text, byte[] content) {}

  private interface FragmentWriter {
    void write(Message m, byte[] fragment, boolean last);
  }

  private static List<Message> randomMessages(Random rnd) {
    List<Message> out = new ArrayList<>();
    for (int i = 0; i < MESSAGES; i++) {
      int len = rnd.nextInt(10) == 0 ? rnd.nextInt(3000) : rnd.nextInt(120);
      StringBuilder sb = new StringBuilder();
      while (sb.length() < len) {
        sb.appendCodePoint(
            ALPHABET.codePointAt(
                ALPHABET.offsetByCodePoints(
                    0, rnd.nextInt(ALPHABET.codePointCount(0, ALPHABET.length())))));
      }
      while (sb.length() > 0 && sb.charAt(sb.length() - 1) == '\r') {
        sb.setLength(sb.length() - 1); // a final CR is removed by design (CRLF line endings)
      }
      String text = sb.toString();
      long nanos = 1_700_000_000_000_000_000L + rnd.nextInt(1_000_000) * 1_000_000_007L;
      LogStream stream = rnd.nextInt(3) == 0 ? LogStream.STDERR : LogStream.STDOUT;
      out.add(new Message(stream, nanos, text, text.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  /** Writes every message's fragments, interleaving the two streams but keeping each in order. */
  private static void writeInterleaved(
      Random rnd, List<Message> messages, List<List<byte[]>> fragments, FragmentWriter w) {
    int[] next = new int[2]; // next message index per stream
    int[] frag = new int[2];
    List<List<Integer>> byStream = List.of(new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < messages.size(); i++) {
      byStream.get(messages.get(i).stream.ordinal()).add(i);
    }
    while (next[0] < byStream.get(0).size() || next[1] < byStream.get(1).size()) {
      int s = rnd.nextInt(2);
      if (next[s] >= byStream.get(s).size()) {
        s = 1 - s;
      }
      int mi = byStream.get(s).get(next[s]);
      List<byte[]> f = fragments.get(mi);
      boolean last = frag[s] == f.size() - 1;
      w.write(messages.get(mi), f.get(frag[s]), last);
      if (last) {
        next[s]++;
        frag[s] = 0;
      } else {
        frag[s]++;
      }
    }
  }

  /** Splits at random byte positions, even inside a character, as CRI runtimes do. */
  private static List<byte[]> splitBytes(byte[] content, Random rnd) {
    List<byte[]> out = new ArrayList<>();
    int pieces = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(5) : 1;
    int off = 0;
    for (int p = 1; p < pieces && off < content.length; p++) {
      int n = rnd.nextInt(content.length - off + 1);
      out.add(java.util.Arrays.copyOfRange(content, off, off + n));
      off += n;
    }
    out.add(java.util.Arrays.copyOfRange(content, off, content.length));
    return out;
  }

  /** Splits between characters: Docker JSON-encodes each piece, which needs whole characters. */
  private static List<byte[]> splitChars(String text, Random rnd) {
    List<byte[]> out = new ArrayList<>();
    int pieces = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(5) : 1;
    int cps = text.codePointCount(0, text.length());
    int from = 0;
    for (int p = 1; p < pieces; p++) {
      int cp = rnd.nextInt(cps + 1);
      int to = Math.max(from, text.offsetByCodePoints(0, cp));
      out.add(text.substring(from, to).getBytes(StandardCharsets.UTF_8));
      from = to;
    }
    out.add(text.substring(from).getBytes(StandardCharsets.UTF_8));
    return out;
  }

  /** A JSON string literal, escaping what must be and, at random, some that may be. */
  private static String jsonString(String s, Random rnd) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        char low = s.charAt(++i);
        if (rnd.nextBoolean()) {
          sb.append(String.format("\\u%04x\\u%04x", (int) c, (int) low));
        } else {
          sb.append(c).append(low);
        }
      } else if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '/' && rnd.nextBoolean()) {
        sb.append("\\/");
      } else if (c < 0x20 || (c > 0x7e && rnd.nextBoolean())) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }
}
