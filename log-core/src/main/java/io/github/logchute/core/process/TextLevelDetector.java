package io.github.logchute.core.process;

import io.github.logchute.core.Severity;

/**
 * Finds the level of a plain-text log line by scanning its first {@value #SCAN_BYTES} bytes once,
 * without regular expressions or allocation.
 *
 * <p>The line is cut into <em>words</em> (maximal runs of ASCII letters) and <em>fields</em> (runs
 * of non-blank bytes, counted from 1). The first word that is a level word ({@link Levels}) and
 * satisfies one of these rules gives the severity:
 *
 * <ol>
 *   <li><b>klog/glog</b>: the line starts with {@code I}, {@code W}, {@code E} or {@code F}, four
 *       digits, a space and {@code hh:} ({@code E0102 15:04:05.000000 1 file.go:10] ...}); also
 *       tornado's {@code [I 240102 15:04:05 web:2250]}.
 *   <li><b>key=value</b>: the word is the value of a {@code level}, {@code lvl}, {@code severity},
 *       {@code loglevel}, {@code log_level} or {@code levelname} key, written {@code key=word},
 *       {@code key="word"} or {@code "key":"word"} (any case, anywhere in the scanned bytes) — Go
 *       slog/logrus/go-kit text output.
 *   <li><b>first word</b>: the word starts the line and is followed by {@code :} ({@code
 *       ERROR:root:...}, {@code warning: ...}, {@code info: ...}).
 *   <li><b>bracketed</b>: the word is alone in brackets, {@code [info]}, {@code [WARN ]}, {@code
 *       <error>}, {@code (debug)}, or after a colon inside brackets ({@code [core:error]}), within
 *       the first {@value #MAX_FIELD} fields.
 *   <li><b>upper case</b>: the word is all upper case, at least three letters, within the first
 *       {@value #MAX_FIELD} fields, preceded by the line start, a blank or one of {@code [ ( < | "
 *       '} and followed by the line end, a blank or one of {@code ] ) > : | , / [ " '} — the
 *       layouts of logback/log4j ({@code 2024-01-01 12:00:00.000 ERROR [main] ...}), Spring Boot,
 *       Python ({@code ... - name - ERROR - msg}), logrus ({@code ERRO[0000]}), zerolog console,
 *       Kafka, gunicorn, celery ({@code INFO/MainProcess}).
 * </ol>
 *
 * <p>Rules 3 to 5 need a word of three letters or more; rules 3 and 4 accept any case for the
 * common words of {@link Levels} ({@code error}, {@code Warning}, {@code info}...) but only upper
 * case for the others ({@code CONFIG}, {@code FINE}, {@code INF}...), so {@code config: loaded} is
 * not a DEBUG line. So a lower-case "error" in a sentence never counts, nor does a level word glued
 * to other letters, digits, {@code _}, {@code .}, {@code -} or {@code /} ({@code errorCount},
 * {@code ERR_TIMEOUT}, {@code /info}, {@code log.error}); an upper-case level word past the eighth
 * field does not count either. Known limit: an upper-case level word early in a free-text line
 * ("Got ERROR 5 from db") is taken as the level. ANSI colour escapes count as blanks.
 */
final class TextLevelDetector {

  /** How much of a line is looked at. */
  static final int SCAN_BYTES = 200;

  /** Upper-case and bracketed words count only within this many fields. */
  static final int MAX_FIELD = 8;

  private static final int START = -1;

  private TextLevelDetector() {}

  static Severity detect(byte[] b, int off, int len) {
    int lineEnd = off + len;
    int end = off + Math.min(len, SCAN_BYTES);
    Severity s = glog(b, off, lineEnd);
    if (s != null) {
      return s;
    }
    int field = 0;
    boolean blank = true;
    int prev = START;
    int i = off;
    while (i < end) {
      int c = b[i];
      if (c == 0x1b) {
        i = skipEscape(b, i, end);
        prev = ' ';
        continue;
      }
      if (c == ' ' || c == '\t') {
        blank = true;
        prev = c;
        i++;
        continue;
      }
      if (blank) {
        field++;
        blank = false;
      }
      if (!isLetter(c)) {
        prev = c;
        i++;
        continue;
      }
      int start = i;
      while (i < lineEnd && isLetter(b[i])) {
        i++;
      }
      int next = i < lineEnd ? b[i] : START;
      if (next == 0x1b) {
        next = ' ';
      }
      if (i <= end && !gluedBefore(prev) && !gluedAfter(next)) {
        Severity sev = Levels.lookup(b, start, i - start);
        if (sev != null && qualifies(b, off, lineEnd, start, i, prev, next, field)) {
          return sev;
        }
      }
      prev = b[i - 1];
    }
    return Severity.UNSPECIFIED;
  }

  private static boolean qualifies(
      byte[] b, int off, int lineEnd, int start, int end, int prev, int next, int field) {
    if (isLevelKeyValue(b, off, start, next)) {
      return true;
    }
    boolean upper = isUpper(b, start, end);
    if (end - start < 3 || !(upper || Levels.isCommon(b, start, end - start))) {
      return false;
    }
    if (start == off && next == ':') {
      return true;
    }
    if (field > MAX_FIELD) {
      return false;
    }
    if (isBracketed(b, off, lineEnd, start, end, prev)) {
      return true;
    }
    return upper
        && (prev == START || prev == ' ' || prev == '\t' || isOneOf(prev, "[(<|\"'"))
        && (next == START || next == ' ' || next == '\t' || isOneOf(next, "]):>|,/[\"'"));
  }

  private static boolean isBracketed(byte[] b, int off, int lineEnd, int start, int end, int prev) {
    int close;
    if (prev == '[') {
      close = ']';
    } else if (prev == '<') {
      close = '>';
    } else if (prev == '(') {
      close = ')';
    } else if (prev == ':') {
      // [module:level] as in Apache httpd's error log
      int j = start - 2;
      while (j >= off && b[j] != '[' && b[j] != ' ' && b[j] != ']') {
        j--;
      }
      if (j < off || b[j] != '[') {
        return false;
      }
      close = ']';
    } else {
      return false;
    }
    int j = end;
    while (j < lineEnd && b[j] == ' ') {
      j++;
    }
    return j < lineEnd && b[j] == close;
  }

  /** {@code level=word}, {@code level="word"}, {@code "level":"word"}, {@code "level": "word"}. */
  private static boolean isLevelKeyValue(byte[] b, int off, int start, int next) {
    int j = start - 1;
    if (j >= off && b[j] == '"') {
      if (next != '"') {
        return false;
      }
      j--;
    }
    while (j >= off && b[j] == ' ') {
      j--;
    }
    if (j < off || (b[j] != '=' && b[j] != ':')) {
      return false;
    }
    boolean colon = b[j] == ':';
    j--;
    if (colon) {
      if (j < off || b[j] != '"') {
        return false;
      }
      j--;
    }
    int keyEnd = j + 1;
    while (j >= off && (isLetter(b[j]) || b[j] == '_')) {
      j--;
    }
    int keyStart = j + 1;
    if (colon && (j < off || b[j] != '"')) {
      return false;
    }
    return isLevelKey(b, keyStart, keyEnd - keyStart);
  }

  private static boolean isLevelKey(byte[] b, int off, int len) {
    return equalsIgnoreCase(b, off, len, "level")
        || equalsIgnoreCase(b, off, len, "lvl")
        || equalsIgnoreCase(b, off, len, "severity")
        || equalsIgnoreCase(b, off, len, "loglevel")
        || equalsIgnoreCase(b, off, len, "log_level")
        || equalsIgnoreCase(b, off, len, "levelname");
  }

  /** klog {@code E0102 15:04:05...}; tornado {@code [E 240102 15:04:05 ...]}. */
  private static Severity glog(byte[] b, int off, int end) {
    int n = end - off;
    if (n >= 9
        && isGlogLetter(b[off])
        && isDigits(b, off + 1, 4)
        && b[off + 5] == ' '
        && isDigits(b, off + 6, 2)
        && b[off + 8] == ':') {
      return Levels.lookup(b, off, 1);
    }
    if (n >= 4
        && b[off] == '['
        && (isGlogLetter(b[off + 1]) || b[off + 1] == 'D')
        && b[off + 2] == ' '
        && isDigits(b, off + 3, 1)) {
      return Levels.lookup(b, off + 1, 1);
    }
    return null;
  }

  private static boolean isGlogLetter(int c) {
    return c == 'I' || c == 'W' || c == 'E' || c == 'F';
  }

  private static int skipEscape(byte[] b, int i, int end) {
    i++;
    if (i < end && b[i] == '[') {
      i++;
      while (i < end && (b[i] < 0x40 || b[i] > 0x7e)) {
        i++;
      }
    }
    return Math.min(i + 1, end);
  }

  private static boolean isLetter(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  /**
   * A byte before a word that makes it part of something else: {@code log.error}, {@code /info}.
   */
  private static boolean gluedBefore(int c) {
    return c != START && (isLetter(c) || c == '/' || gluedAfter(c));
  }

  /** A byte after a word that makes it part of something else: {@code ERR_X}, {@code error2}. */
  private static boolean gluedAfter(int c) {
    return c != START && ((c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' || c < 0);
  }

  private static boolean isUpper(byte[] b, int start, int end) {
    for (int i = start; i < end; i++) {
      if (b[i] < 'A' || b[i] > 'Z') {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigits(byte[] b, int off, int n) {
    for (int i = off; i < off + n; i++) {
      if (b[i] < '0' || b[i] > '9') {
        return false;
      }
    }
    return true;
  }

  private static boolean isOneOf(int c, String chars) {
    return c >= 0 && chars.indexOf(c) >= 0;
  }

  private static boolean equalsIgnoreCase(byte[] b, int off, int len, String s) {
    if (len != s.length()) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      int c = b[off + i];
      if (c >= 'A' && c <= 'Z') {
        c += 32;
      }
      if (c != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
