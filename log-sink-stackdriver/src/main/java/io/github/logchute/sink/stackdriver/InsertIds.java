package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.LogSource;

/**
 * Stable {@code insertId}s. Cloud Logging treats entries of one project with the same timestamp and
 * the same insertId as duplicates (SPECS.md 3.1: a missing insertId is filled by the server, which
 * would make a retried request write its entries twice). An id here is derived from where the
 * record came from, so a batch sent again — after a retry, or re-read after a crash — carries the
 * same ids: {@code <11 chars: hash of path, device, inode>-<start offset in hex>}, at most 28
 * characters. Unique per record because no two records of one file start at the same offset.
 */
final class InsertIds {

  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  /** Characters at most: prefix 11, separator 1, offset 16. */
  static final int MAX_LENGTH = 28;

  private InsertIds() {}

  /** The per-source part: 64 bits of a hash of the path and file identity, base64url. */
  static char[] prefix(LogSource source) {
    long h = 0xcbf29ce484222325L; // FNV-1a 64
    String path = source.path().toString();
    for (int i = 0; i < path.length(); i++) {
      h = (h ^ path.charAt(i)) * 0x100000001b3L;
    }
    h = (h ^ source.identity().device()) * 0x100000001b3L;
    h = (h ^ source.identity().inode()) * 0x100000001b3L;
    h = mix(h);
    char[] out = new char[12];
    for (int i = 0; i < 11; i++) {
      out[i] = ALPHABET[(int) (h & 63)];
      h >>>= 6;
    }
    out[11] = '-';
    return out;
  }

  /** Writes prefix + offset into {@code out} and returns the length. */
  static int write(char[] prefix, long offset, char[] out) {
    System.arraycopy(prefix, 0, out, 0, prefix.length);
    int n = prefix.length;
    int digits = offset == 0 ? 1 : (64 - Long.numberOfLeadingZeros(offset) + 3) / 4;
    for (int i = n + digits - 1; i >= n; i--) {
      out[i] = HEX[(int) (offset & 15)];
      offset >>>= 4;
    }
    return n + digits;
  }

  /** splitmix64's finaliser: spreads the FNV bits over the whole word. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
