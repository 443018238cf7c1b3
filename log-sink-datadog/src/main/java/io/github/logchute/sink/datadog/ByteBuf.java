package io.github.logchute.sink.datadog;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer that is reused from batch to batch (a {@code ByteArrayOutputStream}
 * without locks, with {@link #truncate} to take back what was written since a mark). Not
 * thread-safe.
 */
final class ByteBuf extends OutputStream {

  /**
   * A buffer that grew past this is shrunk back when reset, so one huge batch does not pin memory.
   */
  private static final int RETAINED_CAPACITY = 8 * 1024 * 1024;

  private final int initialCapacity;
  private byte[] buf;
  private int size;

  ByteBuf(int initialCapacity) {
    this.initialCapacity = initialCapacity;
    this.buf = new byte[initialCapacity];
  }

  @Override
  public void write(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, buf, size, len);
    size += len;
  }

  int size() {
    return size;
  }

  /** The internal array; valid up to {@link #size()}. */
  byte[] array() {
    return buf;
  }

  /** Forgets what was written after {@code mark} (a size taken earlier). */
  void truncate(int mark) {
    if (mark < 0 || mark > size) {
      throw new IllegalArgumentException("mark " + mark + " outside [0, " + size + "]");
    }
    size = mark;
  }

  void reset() {
    size = 0;
    if (buf.length > RETAINED_CAPACITY) {
      buf = new byte[initialCapacity];
    }
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  /** Makes room for {@code n} more bytes; the array may be replaced. */
  void ensure(int n) {
    int needed = size + n;
    if (needed < 0) {
      throw new OutOfMemoryError("buffer over 2 GiB");
    }
    if (needed > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
    }
  }

  /** Sets the size after writing directly into {@link #array()} (after {@link #ensure}). */
  void advance(int n) {
    size += n;
  }
}
