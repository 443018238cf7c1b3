package io.github.logchute.core.process;

import io.github.logchute.core.Severity;
import java.nio.charset.StandardCharsets;

/**
 * The level vocabulary of common logging libraries mapped to the one {@link Severity} scale: used
 * for level words found in plain text ({@link #detect}) and for the values of level fields in JSON
 * and logfmt messages ({@link #fromValue}). Sinks may use it too, for level values they meet.
 *
 * <p>Words are matched without regard to case (in free text, the words in parentheses only in upper
 * case: see {@link #detect}):
 *
 * <table>
 *   <caption>level words</caption>
 *   <tr><th>severity</th><th>words</th></tr>
 *   <tr><td>TRACE</td><td>trace, trce (trc, trac, finest, finer)</td></tr>
 *   <tr><td>DEBUG</td><td>debug, dbug (dbg, debu, fine, config, verbose, d)</td></tr>
 *   <tr><td>INFO</td><td>info (inf, information, informational, i)</td></tr>
 *   <tr><td>NOTICE</td><td>notice</td></tr>
 *   <tr><td>WARNING</td><td>warn, warning (wrn, w)</td></tr>
 *   <tr><td>ERROR</td><td>error, err, fail, severe (erro, e)</td></tr>
 *   <tr><td>CRITICAL</td><td>critical, crit, fatal, panic (fata, ftl, pani, pnc, dpanic, f)</td></tr>
 *   <tr><td>ALERT</td><td>alert</td></tr>
 *   <tr><td>EMERGENCY</td><td>emerg, emergency</td></tr>
 * </table>
 *
 * <p>(logrus writes four-letter {@code ERRO}, {@code WARN}, {@code DEBU}...; zerolog's console
 * writer {@code TRC DBG INF WRN ERR FTL PNC}; .NET's console logger {@code trce dbug info warn fail
 * crit}; java.util.logging {@code SEVERE ... FINEST}; glog/klog single letters.)
 *
 * <p>Numbers are the pino/bunyan scale: 10-19 TRACE, 20-29 DEBUG, 30-39 INFO, 40-49 WARNING, 50-59
 * ERROR, 60-69 CRITICAL (custom levels between the standard ones map to the one below). Other
 * numbers, including syslog's 0-7, are not mapped: zerolog's numeric levels (-1..5) and syslog's
 * overlap with opposite meanings, and a bare number under a key such as {@code status} is usually
 * an HTTP status.
 */
public final class Levels {

  private static final int MAX_WORD = 13;

  /** Words by length, upper case. */
  private static final byte[][][] WORDS = new byte[MAX_WORD + 1][][];

  private static final Severity[][] SEVERITIES = new Severity[MAX_WORD + 1][];

  /** Per word: whether free text may write it in lower case ({@code [info]}, {@code error:}). */
  private static final boolean[][] COMMON = new boolean[MAX_WORD + 1][];

  /**
   * Severity, then its words; a word marked with a leading {@code *} is recognised in free text
   * only in upper case (it is too ordinary a word, or too short, in lower case).
   */
  private static final Object[] TABLE = {
    Severity.TRACE, new String[] {"TRACE", "TRCE", "*TRC", "*TRAC", "*FINEST", "*FINER"},
    Severity.DEBUG,
        new String[] {"DEBUG", "DBUG", "*DBG", "*DEBU", "*FINE", "*CONFIG", "*VERBOSE", "*D"},
    Severity.INFO, new String[] {"INFO", "*INF", "*INFORMATION", "*INFORMATIONAL", "*I"},
    Severity.NOTICE, new String[] {"NOTICE"},
    Severity.WARNING, new String[] {"WARN", "WARNING", "*WRN", "*W"},
    Severity.ERROR, new String[] {"ERROR", "ERR", "FAIL", "SEVERE", "*ERRO", "*E"},
    Severity.CRITICAL,
        new String[] {
          "CRITICAL", "CRIT", "FATAL", "PANIC", "*FATA", "*FTL", "*PANI", "*PNC", "*DPANIC", "*F"
        },
    Severity.ALERT, new String[] {"ALERT"},
    Severity.EMERGENCY, new String[] {"EMERG", "EMERGENCY"},
  };

  static {
    int[] counts = new int[MAX_WORD + 1];
    for (int i = 0; i < TABLE.length; i += 2) {
      for (String w : (String[]) TABLE[i + 1]) {
        counts[w.replace("*", "").length()]++;
      }
    }
    for (int n = 0; n <= MAX_WORD; n++) {
      WORDS[n] = new byte[counts[n]][];
      SEVERITIES[n] = new Severity[counts[n]];
      COMMON[n] = new boolean[counts[n]];
      counts[n] = 0;
    }
    for (int i = 0; i < TABLE.length; i += 2) {
      for (String entry : (String[]) TABLE[i + 1]) {
        String w = entry.replace("*", "");
        int n = w.length();
        WORDS[n][counts[n]] = w.getBytes(StandardCharsets.US_ASCII);
        COMMON[n][counts[n]] = !entry.startsWith("*");
        SEVERITIES[n][counts[n]++] = (Severity) TABLE[i];
      }
    }
  }

  private Levels() {}

  /**
   * The severity named by the ASCII word at {@code b[off..off+len)}, any case; null if it is not a
   * level word.
   */
  static Severity lookup(byte[] b, int off, int len) {
    int w = indexOf(b, off, len);
    return w < 0 ? null : SEVERITIES[len][w];
  }

  /** Whether the level word at {@code b[off..off+len)} counts in lower case in free text. */
  static boolean isCommon(byte[] b, int off, int len) {
    int w = indexOf(b, off, len);
    return w >= 0 && COMMON[len][w];
  }

  private static int indexOf(byte[] b, int off, int len) {
    if (len <= 0 || len > MAX_WORD) {
      return -1;
    }
    byte[][] words = WORDS[len];
    outer:
    for (int w = 0; w < words.length; w++) {
      byte[] word = words[w];
      for (int i = 0; i < len; i++) {
        int c = b[off + i];
        if (c >= 'a' && c <= 'z') {
          c -= 32;
        }
        if (c != word[i]) {
          continue outer;
        }
      }
      return w;
    }
    return -1;
  }

  /**
   * The severity of a level word such as {@code "warn"}, {@code "Error"} or {@code "E"}
   * (surrounding blanks ignored); {@link Severity#UNSPECIFIED} if it is not one.
   */
  public static Severity fromWord(String word) {
    String w = word.strip();
    int n = w.length();
    if (n == 0 || n > MAX_WORD) {
      return Severity.UNSPECIFIED;
    }
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      char c = w.charAt(i);
      if (c > 0x7f) {
        return Severity.UNSPECIFIED;
      }
      b[i] = (byte) c;
    }
    Severity s = lookup(b, 0, n);
    return s == null ? Severity.UNSPECIFIED : s;
  }

  /** The severity of a pino/bunyan numeric level (see the class comment), else UNSPECIFIED. */
  public static Severity fromNumber(long level) {
    if (level < 10 || level >= 70) {
      return Severity.UNSPECIFIED;
    }
    switch ((int) (level / 10)) {
      case 1:
        return Severity.TRACE;
      case 2:
        return Severity.DEBUG;
      case 3:
        return Severity.INFO;
      case 4:
        return Severity.WARNING;
      case 5:
        return Severity.ERROR;
      default:
        return Severity.CRITICAL;
    }
  }

  /**
   * The severity of a structured level value: a string through {@link #fromWord}, an integral
   * number through {@link #fromNumber}; anything else (objects, booleans, fractions) is
   * UNSPECIFIED.
   */
  public static Severity fromValue(Object value) {
    if (value instanceof String s) {
      return fromWord(s);
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short) {
      return fromNumber(((Number) value).longValue());
    }
    return Severity.UNSPECIFIED;
  }

  /**
   * Detects the level of a plain-text line from its first {@value TextLevelDetector#SCAN_BYTES}
   * bytes; see {@link TextLevelDetector} for the exact rules. UNSPECIFIED when nothing qualifies.
   */
  public static Severity detect(byte[] message, int off, int len) {
    return TextLevelDetector.detect(message, off, len);
  }
}
