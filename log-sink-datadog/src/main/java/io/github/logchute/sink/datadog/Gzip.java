package io.github.logchute.sink.datadog;

import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip (RFC 1952) with one {@link Deflater} reused for every body, written into a reused {@link
 * ByteBuf}: header, raw deflate stream, CRC-32 and length trailer. Not thread-safe; {@link #close}
 * releases the deflater's native memory.
 */
final class Gzip implements AutoCloseable {

  private static final byte[] HEADER = {
    0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff // no mtime, OS unknown
  };

  private final Deflater deflater;
  private final CRC32 crc = new CRC32();
  private final ByteBuf out = new ByteBuf(256 * 1024);

  Gzip(int level) {
    this.deflater = new Deflater(level, true);
  }

  /** Compresses {@code len} bytes of {@code in} into a new array of exactly the gzip member. */
  byte[] compress(byte[] in, int len) {
    deflater.reset();
    crc.reset();
    crc.update(in, 0, len);
    out.reset();
    out.write(HEADER, 0, HEADER.length);
    deflater.setInput(in, 0, len);
    deflater.finish();
    while (!deflater.finished()) {
      out.ensure(Math.max(8192, len / 4));
      byte[] a = out.array();
      int n = deflater.deflate(a, out.size(), a.length - out.size());
      out.advance(n);
    }
    writeIntLe((int) crc.getValue());
    writeIntLe(len);
    return out.toByteArray();
  }

  private void writeIntLe(int v) {
    out.write(v & 0xff);
    out.write((v >>> 8) & 0xff);
    out.write((v >>> 16) & 0xff);
    out.write((v >>> 24) & 0xff);
  }

  @Override
  public void close() {
    deflater.end();
  }
}
