package io.github.logchute.sink.stackdriver;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer that can be rewound, reused across batches by the encoder. Not
 * thread-safe.
 */
final class ByteBuf extends OutputStream {

  private static final int INITIAL = 64 * 1024;

  /** A buffer grown past this is given back at the next {@link #reset()}. */
  private static final int KEEP_AT_MOST = 12 * 1024 * 1024;

  private byte[] bytes = new byte[INITIAL];
  private int size;

  @Override
  public void write(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, bytes, size, len);
    size += len;
  }

  int size() {
    return size;
  }

  /** Forgets everything written after {@code newSize}. */
  void rewind(int newSize) {
    if (newSize < 0 || newSize > size) {
      throw new IllegalArgumentException("cannot rewind to " + newSize + " of " + size);
    }
    size = newSize;
  }

  void reset() {
    size = 0;
    if (bytes.length > KEEP_AT_MOST) {
      bytes = new byte[INITIAL];
    }
  }

  byte[] toByteArray() {
    return Arrays.copyOf(bytes, size);
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      long want = Math.max((long) size + more, (long) bytes.length * 2);
      if (want > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("request body over 2 GiB");
      }
      bytes = Arrays.copyOf(bytes, (int) want);
    }
  }
}
