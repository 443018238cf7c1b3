package io.github.logchute.examples.torture;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One file the agent reported lost, parsed from its log: the engine logs one line per lost file,
 * containing {@value #MARKER} followed by {@code key=value} pairs ({@link #FORMAT}). Parsing is
 * lenient — keys in any order, other text around them — and every name of the format is here, so
 * adjusting to the engine is a change of these constants.
 *
 * @param run the agent run whose log has the line
 * @param path the link the file was read through ({@code path=})
 * @param device {@code device=}
 * @param inode {@code inode=}
 * @param offset the first byte not read ({@code offset=}; -1 if absent)
 * @param bytes how many bytes were lost ({@code bytes=}; -1 if absent)
 * @param line the whole log line
 */
record LostReport(
    String run, String path, long device, long inode, long offset, long bytes, String line) {

  /** What the engine's line about a lost file contains, followed by the pairs. */
  static final String MARKER = "lost:";

  /** The line the engine logs, for messages. */
  static final String FORMAT =
      MARKER + " path=<link> device=<dev> inode=<ino> offset=<first unread byte> bytes=<n>";

  static final String PATH = "path";
  static final String DEVICE = "device";
  static final String INODE = "inode";
  static final String OFFSET = "offset";
  static final String BYTES = "bytes";

  /** Every lost-file line of one run's log. Lines with the marker but no device or inode too. */
  static List<LostReport> parse(String run, String log) {
    List<LostReport> out = new ArrayList<>();
    for (String line : log.split("\n")) {
      int at = line.indexOf(MARKER);
      if (at < 0) {
        continue;
      }
      Map<String, String> pairs = pairs(line.substring(at + MARKER.length()));
      out.add(
          new LostReport(
              run,
              pairs.getOrDefault(PATH, ""),
              number(pairs.get(DEVICE)),
              number(pairs.get(INODE)),
              number(pairs.get(OFFSET)),
              number(pairs.get(BYTES)),
              line));
    }
    return out;
  }

  boolean identified() {
    return device >= 0 && inode >= 0;
  }

  private static Map<String, String> pairs(String text) {
    Map<String, String> out = new HashMap<>();
    for (String token : text.split("[\\s,;]+")) {
      int eq = token.indexOf('=');
      if (eq > 0 && !out.containsKey(token.substring(0, eq))) {
        out.put(token.substring(0, eq), token.substring(eq + 1));
      }
    }
    return out;
  }

  private static long number(String s) {
    if (s == null) {
      return -1;
    }
    try {
      return Long.parseLong(s.replaceAll("[^0-9-]", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
