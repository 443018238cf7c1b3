package io.github.logchute.core.parse;

/**
 * Limits of line decoding, immutable.
 *
 * @param maxLineBytes the longest line (as framed in the file, format prefix included) that is kept
 *     whole; a longer line is cut at this size, flagged {@link
 *     io.github.logchute.core.LogRecord#TRUNCATED}, counted, and the rest of it skipped up to its
 *     newline — the file keeps being read
 * @param maxMergedBytes the largest message assembled from runtime partial lines; a longer one is
 *     emitted in pieces of at most this size, each flagged truncated — nothing is dropped
 */
public record DecodeOptions(int maxLineBytes, int maxMergedBytes) {

  /**
   * 256 KiB: fits containerd's 16 KiB split lines and Docker's escaped 16 KiB pieces many times.
   */
  public static final int DEFAULT_MAX_LINE_BYTES = 256 * 1024;

  /** 1 MiB. */
  public static final int DEFAULT_MAX_MERGED_BYTES = 1024 * 1024;

  public DecodeOptions {
    if (maxLineBytes < 64) {
      throw new IllegalArgumentException("maxLineBytes must be >= 64, was " + maxLineBytes);
    }
    if (maxMergedBytes < 16) {
      throw new IllegalArgumentException("maxMergedBytes must be >= 16, was " + maxMergedBytes);
    }
  }

  public static DecodeOptions defaults() {
    return new DecodeOptions(DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_MERGED_BYTES);
  }
}
