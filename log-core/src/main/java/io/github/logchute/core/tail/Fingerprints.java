package io.github.logchute.core.tail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/** CRC-32C of byte ranges of an open file: the fingerprint (head) and the resume check (tail). */
final class Fingerprints {

  /** How many leading bytes identify a file. */
  static final int HEAD_BYTES = 1024;

  /** How many bytes before a saved offset validate it. */
  static final int TAIL_BYTES = 256;

  private Fingerprints() {}

  /** CRC-32C of {@code len} bytes at {@code pos}, or -1 if the file is shorter than that. */
  static long crc(FileChannel ch, long pos, int len) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(len);
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + buf.position());
      if (n < 0) {
        return -1;
      }
    }
    CRC32C crc = new CRC32C();
    crc.update(buf.flip());
    return crc.getValue();
  }
}
