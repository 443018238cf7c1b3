package io.github.logchute.core.tail;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
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

  /** The file's first bytes (at most {@link Fingerprint#HEAD_BYTES}), as they are now. */
  byte[] head() throws IOException;

  /** False for a compressed rotated file, which will never grow. */
  boolean growable();

  /** No input: a file whose descriptor was handed to another tracked file. */
  LogInput CLOSED =
      new LogInput() {
        @Override
        public int read(ByteBuffer dst, long position) {
          return -1;
        }

        @Override
        public long size() {
          return 0;
        }

        @Override
        public long crc(long pos, int len) {
          return -1;
        }

        @Override
        public byte[] head() {
          return Fingerprint.NO_BYTES;
        }

        @Override
        public boolean growable() {
          return false;
        }

        @Override
        public void close() {}
      };

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
        return Fingerprint.crc(channel, pos, len);
      }

      @Override
      public byte[] head() throws IOException {
        return Fingerprint.head(channel);
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
   * A gzipped rotated file, positioned at {@code offset} if its first decompressed bytes match
   * {@code fp} ({@link Fingerprint#NONE}: not checked) and the {@code tailLen} bytes before {@code
   * offset} hash to {@code tail}; null (and closed) otherwise, also when it is shorter than {@code
   * offset}.
   */
  static GzipInput gzipAt(Path gz, long offset, Fingerprint fp, int tailLen, long tail)
      throws IOException {
    InputStream in = open(gz);
    try {
      byte[] buf = new byte[1 << 16];
      byte[] head = new byte[Fingerprint.HEAD_BYTES];
      int headLen = 0;
      long pos = 0;
      CRC32C before = new CRC32C();
      long tailStart = offset - tailLen;
      long want = Math.max(offset, Fingerprint.HEAD_BYTES);
      while (pos < want) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, want - pos));
        if (n < 0) {
          break;
        }
        for (int i = 0; i < n; i++) {
          long at = pos + i;
          if (at < Fingerprint.HEAD_BYTES) {
            head[headLen++] = buf[i];
          }
          if (at >= tailStart && at < offset) {
            before.update(buf[i]);
          }
        }
        pos += n;
      }
      byte[] h = Arrays.copyOf(head, headLen);
      if (pos < offset
          || (fp.length() > 0 && !fp.isPrefixOf(h))
          || (tailLen > 0 && before.getValue() != tail)) {
        in.close();
        return null;
      }
      if (pos != offset) {
        // the head reached past the offset, and a stream does not rewind: start over
        in.close();
        in = open(gz);
        in.skipNBytes(offset);
      }
      return new GzipInput(in, offset, h, gzipDeclaredSize(gz));
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private static InputStream open(Path gz) throws IOException {
    return new GZIPInputStream(Files.newInputStream(gz), 1 << 16);
  }

  /** The first decompressed bytes of a gzip file (at most {@link Fingerprint#HEAD_BYTES}). */
  static byte[] gzipHead(Path gz) throws IOException {
    try (InputStream in = open(gz)) {
      return in.readNBytes(Fingerprint.HEAD_BYTES);
    }
  }

  /**
   * The uncompressed size a gzip file declares in its trailer (ISIZE, modulo 2^32), or -1 if it
   * cannot be read.
   */
  static long gzipDeclaredSize(Path gz) {
    try (FileChannel ch = FileChannel.open(gz, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < 18) {
        return -1;
      }
      ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      while (b.hasRemaining()) {
        if (ch.read(b, size - 4 + b.position()) < 0) {
          return -1;
        }
      }
      return Integer.toUnsignedLong(b.getInt(0));
    } catch (IOException e) {
      return -1;
    }
  }

  /** Sequential reads of a gzip stream. */
  final class GzipInput implements LogInput {
    private final InputStream in;
    private final byte[] head;
    private final long declaredSize;
    private long pos;

    GzipInput(InputStream in, long pos, byte[] head, long declaredSize) {
      this.in = in;
      this.pos = pos;
      this.head = head;
      this.declaredSize = declaredSize;
    }

    /**
     * The uncompressed length its trailer declares (modulo 2^32, so only a hint), or -1 when
     * unknown or already passed: what a checkpoint records as its size, so that a compressed file
     * deleted unread counts the bytes lost with it.
     */
    long declaredSize() {
      return declaredSize >= pos ? declaredSize : -1;
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
    public byte[] head() {
      return head;
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
