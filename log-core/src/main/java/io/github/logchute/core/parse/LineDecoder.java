package io.github.logchute.core.parse;

/**
 * Decodes one framed line (without its {@code \n}) of a container log file. One instance per file:
 * implementations may keep state (the auto-detecting decoder remembers its choice) and reuse
 * buffers.
 */
interface LineDecoder {

  /**
   * Decodes {@code line[off, off + len)} into {@code out}. {@code out.timestampNanos} holds the
   * read time on entry, which formats without their own time keep.
   *
   * @return false if the line is not valid in this decoder's format; {@code out} is then
   *     unspecified and the caller keeps the line as a raw record
   */
  boolean decode(byte[] line, int off, int len, DecodedLine out);

  /** The format actually in use (for the auto decoder: what it detected, or {@code auto}). */
  LogFormat format();
}
