package io.github.logchute.sink.kafka;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The body of an encoded batch: the Kafka records, one frame each, so that a batch the pipeline
 * keeps for a retry can be sent again as often as needed. All lengths are big-endian; a frame is
 *
 * <pre>
 * u16 topic length, topic (UTF-8)
 * i32 key length (-1: no key), key
 * i32 value length, value
 * u16 header count, then per header: u16 name length, name (UTF-8), i32 value length, value
 * </pre>
 */
final class Frames {

  private Frames() {}

  /** Writes frames into a growing buffer. Not thread-safe. */
  static final class Writer {
    private final ByteArrayOutputStream out;
    private int frames;

    Writer(int sizeHint) {
      out = new ByteArrayOutputStream(Math.max(256, sizeHint));
    }

    /**
     * Appends a frame.
     *
     * @param topic the topic, UTF-8
     * @param key the key, or null
     * @param value {@code valueLength} bytes of {@code value} from 0
     * @param headers the header block from {@link #headers}
     */
    void add(byte[] topic, byte[] key, byte[] value, int valueLength, byte[] headers) {
      u16(topic.length);
      out.write(topic, 0, topic.length);
      if (key == null) {
        i32(-1);
      } else {
        i32(key.length);
        out.write(key, 0, key.length);
      }
      i32(valueLength);
      out.write(value, 0, valueLength);
      out.write(headers, 0, headers.length);
      frames++;
    }

    int frames() {
      return frames;
    }

    byte[] toByteArray() {
      return out.toByteArray();
    }

    private void u16(int v) {
      if (v < 0 || v > 0xFFFF) {
        throw new IllegalArgumentException("length " + v + " does not fit in 16 bits");
      }
      out.write(v >>> 8);
      out.write(v);
    }

    private void i32(int v) {
      out.write(v >>> 24);
      out.write(v >>> 16);
      out.write(v >>> 8);
      out.write(v);
    }
  }

  /** The encoded header block for {@code names[i] = values[i]} (null values left out). */
  static byte[] headers(List<String> names, List<String> values) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    int n = 0;
    for (String v : values) {
      if (v != null) {
        n++;
      }
    }
    b.write(n >>> 8);
    b.write(n);
    for (int i = 0; i < names.size(); i++) {
      String v = values.get(i);
      if (v == null) {
        continue;
      }
      byte[] name = names.get(i).getBytes(StandardCharsets.UTF_8);
      byte[] value = v.getBytes(StandardCharsets.UTF_8);
      b.write(name.length >>> 8);
      b.write(name.length);
      b.write(name, 0, name.length);
      b.write(value.length >>> 24);
      b.write(value.length >>> 16);
      b.write(value.length >>> 8);
      b.write(value.length);
      b.write(value, 0, value.length);
    }
    return b.toByteArray();
  }

  /**
   * The Kafka records of {@code body}: {@code count} frames.
   *
   * @throws IllegalArgumentException if the body is not {@code count} well-formed frames (a bug)
   */
  static List<ProducerRecord<byte[], byte[]>> decode(byte[] body, int count) {
    ByteBuffer b = ByteBuffer.wrap(body);
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        String topic = new String(bytes(b, b.getShort() & 0xFFFF), StandardCharsets.UTF_8);
        int keyLength = b.getInt();
        byte[] key = keyLength < 0 ? null : bytes(b, keyLength);
        byte[] value = bytes(b, b.getInt());
        int headerCount = b.getShort() & 0xFFFF;
        List<Header> headers = new ArrayList<>(headerCount);
        for (int h = 0; h < headerCount; h++) {
          String name = new String(bytes(b, b.getShort() & 0xFFFF), StandardCharsets.UTF_8);
          headers.add(new RecordHeader(name, bytes(b, b.getInt())));
        }
        // no timestamp: the producer stamps the send time (see the README: the event time is in
        // the value, and an old event time would let the topic's retention delete it at once)
        out.add(new ProducerRecord<>(topic, null, null, key, value, headers));
      }
    } catch (BufferUnderflowException | NegativeArraySizeException e) {
      throw new IllegalArgumentException("a malformed batch body: " + e, e);
    }
    if (b.hasRemaining()) {
      throw new IllegalArgumentException(
          "a malformed batch body: " + b.remaining() + " bytes after " + count + " frames");
    }
    return out;
  }

  private static byte[] bytes(ByteBuffer b, int n) {
    int from = b.position();
    if (n < 0 || n > b.remaining()) {
      throw new BufferUnderflowException();
    }
    b.position(from + n);
    return Arrays.copyOfRange(b.array(), from, from + n);
  }
}
