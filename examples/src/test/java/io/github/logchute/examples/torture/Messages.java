package io.github.logchute.examples.torture;

import java.util.SplittableRandom;

/**
 * The content of every logical message the simulator writes: {@code seq=<container>-<n>} followed
 * by a filler that depends only on the seed, the container and {@code n}, so a checker can
 * recompute any message from its token and compare what was delivered byte for byte.
 *
 * <p>Fillers are lower-case letters and digits: nothing a collector parses (no JSON, no logfmt
 * pairs beyond the token, no level words), no spaces a piece of a split line could start or end
 * with.
 */
final class Messages {

  /** What starts every message; the checker finds messages by it. */
  static final String TOKEN = "seq=";

  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  private final long seed;

  Messages(long seed) {
    this.seed = seed;
  }

  /** The token of message {@code seq} of container {@code container}. */
  static String token(String container, long seq) {
    return TOKEN + container + "-" + seq;
  }

  /**
   * Message {@code seq} of {@code container}, {@code length} bytes long (at least the token and one
   * byte of filler).
   */
  String content(String container, long seq, int length) {
    String head = token(container, seq) + " ";
    StringBuilder b = new StringBuilder(Math.max(length, head.length() + 1));
    b.append(head);
    SplittableRandom r =
        new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ container.hashCode() * 31L ^ seq);
    while (b.length() < length || b.length() == head.length()) {
      b.append(ALPHABET[r.nextInt(ALPHABET.length)]);
    }
    return b.toString();
  }

  /**
   * The token of a delivered message: {@code [container, seq]}, or null if it does not start with
   * one.
   */
  static Token parse(String message) {
    if (!message.startsWith(TOKEN)) {
      return null;
    }
    int end = message.indexOf(' ');
    if (end < 0) {
      end = message.length();
    }
    int dash = message.lastIndexOf('-', end);
    if (dash <= TOKEN.length()) {
      return null;
    }
    try {
      return new Token(
          message.substring(TOKEN.length(), dash),
          Long.parseLong(message.substring(dash + 1, end)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A parsed token. */
  record Token(String container, long seq) {}
}
