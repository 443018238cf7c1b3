package io.github.logchute.core.tail;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

/** Where a tracked file's bytes come from: an open file, or a rotated file the kubelet gzipped. */
interface LogInput extends Closeable {

  /** Reads into {@code dst} from {@code position}; -1 or 0 at the current end. */
  int read(ByteBuffer dst, long position) throws IOException;

  /** The current size: for a gzip stream, how far it has been read (it never grows). */
  long size() throws IOException;

  /** CRC-32C of {@code len} bytes at {@code pos}, or -1 if unavailable. */
  long crc(long pos, int len) throws IOException;

  /** False for a compressed rotated file, which will never grow. */
  boolean growable();

  /** A plain file, read with positional reads on its descriptor. */
  static LogInput of(FileChannel channel) {
    return new LogInput() {
      @Override
      public int read(ByteBuffer dst, long position) throws IOException {
        return channel.read(dst, position);
      }

      @Override
      public long size() throws IOException {
        return channel.size();
      }

      @Override
      public long crc(long pos, int len) throws IOException {
        return Fingerprints.crc(channel, pos, len);
      }

      @Override
      public boolean growable() {
        return true;
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }

  /**
   * A gzipped rotated file, positioned at {@code offset} if its first {@code fpLen} decompressed
   * bytes hash to {@code fp} and the {@code tailLen} bytes before {@code offset} hash to {@code
   * tail}; null (and closed) otherwise.
   */
  static LogInput gzipAt(Path gz, long offset, int fpLen, long fp, int tailLen, long tail)
      throws IOException {
    InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16);
    try {
      byte[] buf = new byte[1 << 16];
      long pos = 0;
      CRC32C head = new CRC32C();
      CRC32C before = new CRC32C();
      long tailStart = offset - tailLen;
      while (pos < Math.max(offset, fpLen)) {
        int want = (int) Math.min(buf.length, Math.max(offset, fpLen) - pos);
        int n = in.read(buf, 0, want);
        if (n < 0) {
          in.close();
          return null; // shorter than the saved offset: not our file
        }
        for (int i = 0; i < n; i++) {
          long at = pos + i;
          if (at < fpLen) {
            head.update(buf[i]);
          }
          if (at >= tailStart && at < offset) {
            before.update(buf[i]);
          }
        }
        pos += n;
      }
      if ((fpLen > 0 && head.getValue() != fp) || (tailLen > 0 && before.getValue() != tail)) {
        in.close();
        return null;
      }
      if (pos != offset) {
        // the fingerprint reached past the offset, and a stream does not rewind: start over
        in.close();
        in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16);
        in.skipNBytes(offset);
      }
      return new GzipInput(in, offset);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** Sequential reads of a gzip stream. */
  final class GzipInput implements LogInput {
    private final InputStream in;
    private long pos;

    GzipInput(InputStream in, long pos) {
      this.in = in;
      this.pos = pos;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
      if (position != pos) {
        throw new IOException(
            "a gzip stream reads forward only: at " + pos + ", asked " + position);
      }
      int n = in.read(dst.array(), dst.arrayOffset() + dst.position(), dst.remaining());
      if (n > 0) {
        dst.position(dst.position() + n);
        pos += n;
      }
      return n;
    }

    @Override
    public long size() {
      return pos;
    }

    @Override
    public long crc(long p, int len) {
      return -1;
    }

    @Override
    public boolean growable() {
      return false;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
