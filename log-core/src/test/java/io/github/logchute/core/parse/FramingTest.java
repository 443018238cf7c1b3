package io.github.logchute.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.LogRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FramingTest {

  private static final String TS = "2026-11-25T10:15:30.123Z";

  @Test
  void aMultiByteCharacterSplitByAChunkBoundarySurvives() {
    String msg = "ab€cd🌍ef日";
    byte[] line = (TS + " stdout F " + msg + "\n").getBytes(StandardCharsets.UTF_8);
    // every possible single cut of the line into two chunks
    for (int cut = 1; cut < line.length; cut++) {
      Decoding d = new Decoding(LogFormat.CRI);
      d.assembler.feed(line, 0, cut, d.records);
      d.assembler.feed(line, cut, line.length - cut, d.records);
      assertThat(d.messages()).as("cut at %d", cut).containsExactly(msg);
      assertThat(d.records.get(0).hasFlag(LogRecord.INVALID_UTF8)).isFalse();
    }
  }

  @Test
  void chunkSizeDoesNotChangeTheResult() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      sb.append(TS).append(i % 3 == 0 ? " stderr " : " stdout ").append(i % 7 == 0 ? "P" : "F");
      sb.append(" line ").append(i).append(" ").append("x".repeat(i * 13 % 300)).append('\n');
    }
    byte[] in = sb.toString().getBytes(StandardCharsets.UTF_8);
    Decoding whole = new Decoding(LogFormat.CRI).feed(in, in.length);
    for (int chunk : new int[] {1, 2, 17, 100, 4096}) {
      Decoding d = new Decoding(LogFormat.CRI).feed(in, chunk);
      assertThat(d.messages()).as("chunk %d", chunk).isEqualTo(whole.messages());
      for (int i = 0; i < d.records.size(); i++) {
        assertThat(d.records.get(i).startOffset()).isEqualTo(whole.records.get(i).startOffset());
        assertThat(d.records.get(i).endOffset()).isEqualTo(whole.records.get(i).endOffset());
      }
    }
  }

  @Test
  void aLineOverTheMaximumIsTruncatedAndTheFileKeepsBeingRead() {
    DecodeOptions opts = new DecodeOptions(100, 1000);
    String prefix = TS + " stdout F ";
    String longMsg = "0123456789".repeat(30);
    String in = prefix + longMsg + "\n" + prefix + "next\n";
    for (int chunk : new int[] {1, 7, 64, 4096}) {
      Decoding d =
          new Decoding(LogFormat.CRI, opts).feed(in.getBytes(StandardCharsets.UTF_8), chunk);
      assertThat(d.messages())
          .as("chunk %d", chunk)
          .containsExactly(longMsg.substring(0, 100 - prefix.length()), "next");
      assertThat(d.records.get(0).hasFlag(LogRecord.TRUNCATED)).isTrue();
      assertThat(d.records.get(1).hasFlag(LogRecord.TRUNCATED)).isFalse();
      assertThat(d.counter("logchute_lines_truncated_total")).isEqualTo(1);
      assertThat(d.counter("logchute_line_bytes_skipped_total"))
          .isEqualTo(prefix.length() + longMsg.length() - 100);
      assertThat(d.records.get(1).endOffset()).isEqualTo(in.length());
    }
  }

  @Test
  void aTruncatedLineIsCutOnACharacterBoundary() {
    DecodeOptions opts = new DecodeOptions(65, 1000);
    String prefix = TS + " stdout F "; // 34 bytes
    String msg = "€".repeat(20); // 3 bytes each: 65 - 34 = 31 is not a multiple of 3
    for (int chunk : new int[] {1, 4096}) {
      Decoding d =
          new Decoding(LogFormat.CRI, opts)
              .feed((prefix + msg + "\n").getBytes(StandardCharsets.UTF_8), chunk);
      assertThat(d.messages()).containsExactly("€".repeat(10));
      assertThat(d.records.get(0).hasFlag(LogRecord.INVALID_UTF8)).isFalse();
    }
  }

  @Test
  void twentyMegabytesWithoutNewlineCostOnlyTheLineLimit() {
    DecodeOptions opts = DecodeOptions.defaults();
    Decoding d = new Decoding(LogFormat.CRI, opts);
    byte[] chunk = new byte[64 * 1024];
    Arrays.fill(chunk, (byte) 'z');
    byte[] prefix = (TS + " stdout F ").getBytes(StandardCharsets.UTF_8);
    d.assembler.feed(prefix, 0, prefix.length, d.records);
    long fed = prefix.length;
    for (int i = 0; i < 320; i++) { // 20 MiB
      d.assembler.feed(chunk, 0, chunk.length, d.records);
      fed += chunk.length;
    }
    // the first piece came out as soon as the limit was reached
    assertThat(d.records).hasSize(1);
    assertThat(d.records.get(0).hasFlag(LogRecord.TRUNCATED)).isTrue();
    assertThat(d.records.get(0).messageLength())
        .isEqualTo(DecodeOptions.DEFAULT_MAX_LINE_BYTES - prefix.length);
    assertThat(d.assembler.position()).isEqualTo(fed);
    // the newline finally comes; the next line decodes normally
    byte[] rest = ("\n" + TS + " stdout F after\n").getBytes(StandardCharsets.UTF_8);
    d.assembler.feed(rest, 0, rest.length, d.records);
    assertThat(d.messages()).hasSize(2).last().isEqualTo("after");
    assertThat(d.counter("logchute_line_bytes_skipped_total"))
        .isEqualTo(fed - DecodeOptions.DEFAULT_MAX_LINE_BYTES);
  }

  @Test
  void invalidUtf8IsReplacedFlaggedAndCounted() {
    byte[] prefix = (TS + " stdout F ").getBytes(StandardCharsets.UTF_8);
    byte[][] bad = {
      {'a', (byte) 0xFF, 'b'},
      {'a', (byte) 0xC3}, // truncated 2-byte sequence at the end
      {(byte) 0xE2, (byte) 0x82, 'x'}, // truncated 3-byte sequence
      {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // UTF-16 surrogate encoded in UTF-8
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
      {(byte) 0x80, 'z'} // stray continuation byte
    };
    for (byte[] content : bad) {
      byte[] line = new byte[prefix.length + content.length + 1];
      System.arraycopy(prefix, 0, line, 0, prefix.length);
      System.arraycopy(content, 0, line, prefix.length, content.length);
      line[line.length - 1] = '\n';
      Decoding d = new Decoding(LogFormat.CRI).feed(line, line.length);
      LogRecord r = d.records.get(0);
      assertThat(r.hasFlag(LogRecord.INVALID_UTF8)).isTrue();
      assertThat(r.messageText()).contains("\uFFFD");
      // what we emit is valid UTF-8: decoding and re-encoding gives the same bytes
      assertThat(r.messageText().getBytes(StandardCharsets.UTF_8)).isEqualTo(r.message());
      assertThat(d.counter("logchute_records_invalid_utf8_total")).isEqualTo(1);
    }
  }

  @Test
  void autoChoosesPerFileFromTheFirstLine() {
    String cri = TS + " stderr F from cri\n";
    String docker = "{\"log\":\"from docker\\n\",\"stream\":\"stderr\",\"time\":\"" + TS + "\"}\n";
    Decoding c = new Decoding(LogFormat.AUTO).feed(cri + cri);
    assertThat(c.assembler.format()).isEqualTo(LogFormat.CRI);
    assertThat(c.messages()).containsExactly("from cri", "from cri");

    Decoding k = new Decoding(LogFormat.AUTO).feed(docker + docker);
    assertThat(k.assembler.format()).isEqualTo(LogFormat.DOCKER);
    assertThat(k.messages()).containsExactly("from docker", "from docker");
    assertThat(k.records.get(0).stream()).isEqualTo(io.github.logchute.core.LogStream.STDERR);

    // decided once: a Docker line in a CRI file is not re-detected, it is kept raw
    Decoding mixed = new Decoding(LogFormat.AUTO).feed(cri + docker);
    assertThat(mixed.records.get(1).hasFlag(LogRecord.UNPARSED)).isTrue();

    Decoding raw = new Decoding(LogFormat.AUTO).feed("plain text\n" + cri);
    assertThat(raw.assembler.format()).isEqualTo(LogFormat.RAW);
    assertThat(raw.messages()).containsExactly("plain text", cri.strip());
    assertThat(raw.records).noneMatch(r -> r.hasFlag(LogRecord.UNPARSED));

    Decoding undecided = new Decoding(LogFormat.AUTO).feed(TS + " stdout F not yet compl");
    assertThat(undecided.assembler.format()).isEqualTo(LogFormat.AUTO);
  }

  @Test
  void rawLinesAreMessagesReadNow() {
    Decoding d = new Decoding(LogFormat.RAW).feed("one\r\ntwo\n\nthree");
    assertThat(d.messages()).containsExactly("one", "two", "");
    d.finish();
    assertThat(d.messages()).containsExactly("one", "two", "", "three");
    assertThat(d.records).allMatch(r -> r.timestampNanos() == d.clock.epochNanos());
    assertThat(d.records.get(3).endOffset()).isEqualTo(15);
  }
}
