package io.github.logchute.core.tail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * What recognises a file's content without its name or inode: the CRC-32C of its first {@code
 * length} bytes (at most {@link #HEAD_BYTES}). It survives a rename and the kubelet's compression
 * into a new inode, and a reused inode does not carry it over.
 *
 * @param length how many leading bytes the hash covers
 * @param crc CRC-32C of those bytes
 */
record Fingerprint(int length, long crc) {

  /** How many leading bytes identify a file. */
  static final int HEAD_BYTES = 1024;

  /** How many bytes before a saved offset validate it. */
  static final int TAIL_BYTES = 256;

  static final Fingerprint NONE = new Fingerprint(0, 0);

  static final byte[] NO_BYTES = new byte[0];

  /** The fingerprint of {@code head} (a file's first bytes). */
  static Fingerprint of(byte[] head) {
    int len = Math.min(head.length, HEAD_BYTES);
    return new Fingerprint(len, crc(head, 0, len));
  }

  /** True if {@code head} (a file's first bytes) begins with the bytes this fingerprint covers. */
  boolean isPrefixOf(byte[] head) {
    return length > 0 && length <= head.length && crc(head, 0, length) == crc;
  }

  static long crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return c.getValue();
  }

  /** Whether two files' first bytes agree as far as both go (one may have grown past the other). */
  static boolean samePrefix(byte[] a, byte[] b) {
    int n = Math.min(a.length, b.length);
    return n > 0 && Arrays.equals(a, 0, n, b, 0, n);
  }

  /** The first {@code min(size, HEAD_BYTES)} bytes of an open file. */
  static byte[] head(FileChannel ch) throws IOException {
    int len = (int) Math.min(HEAD_BYTES, ch.size());
    ByteBuffer buf = ByteBuffer.allocate(len);
    while (buf.hasRemaining()) {
      if (ch.read(buf, buf.position()) < 0) {
        break;
      }
    }
    return buf.position() == len ? buf.array() : Arrays.copyOf(buf.array(), buf.position());
  }

  /** CRC-32C of {@code len} bytes at {@code pos} of an open file, or -1 if it is shorter. */
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
