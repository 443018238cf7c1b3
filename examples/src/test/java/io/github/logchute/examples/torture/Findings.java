package io.github.logchute.examples.torture;

import io.github.logchute.examples.torture.Ledger.FileRec;
import io.github.logchute.examples.torture.Ledger.Msg;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a check found, by kind, with messages compressed into ranges per container and file, and the
 * report printed on failure.
 */
final class Findings {

  /** Lines printed per kind at most (the count is always given). */
  static final int MAX_LINES_PER_KIND = 40;

  private final Map<String, List<String>> byKind = new LinkedHashMap<>();
  private final Map<String, List<Msg>> messagesByKind = new LinkedHashMap<>();
  private final Map<String, String> messageKindHeader = new LinkedHashMap<>();
  private final List<String> notes = new ArrayList<>();
  private final long t0;

  Findings(long t0) {
    this.t0 = t0;
  }

  /** The start of the node's clock: times in the report are seconds after it. */
  long t0() {
    return t0;
  }

  /** A violation of kind {@code kind}. */
  void add(String kind, String text) {
    byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(text);
  }

  /** A message in violation, reported in ranges under {@code header}. */
  void message(String kind, String header, Msg m) {
    messageKindHeader.putIfAbsent(kind, header);
    messagesByKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(m);
  }

  /** Context printed with the report, not a violation. */
  void note(String text) {
    notes.add(text);
  }

  boolean isEmpty() {
    return byKind.isEmpty() && messagesByKind.isEmpty();
  }

  int count(String kind) {
    return byKind.getOrDefault(kind, List.of()).size()
        + messagesByKind.getOrDefault(kind, List.of()).size();
  }

  /** Kinds with at least one violation, with their counts. */
  Map<String, Integer> counts() {
    Map<String, Integer> out = new LinkedHashMap<>();
    messagesByKind.forEach((k, v) -> out.put(k, v.size()));
    byKind.forEach((k, v) -> out.merge(k, v.size(), Integer::sum));
    return out;
  }

  String render() {
    StringBuilder b = new StringBuilder();
    for (String n : notes) {
      b.append(n).append('\n');
    }
    if (isEmpty()) {
      return b.append("no violations\n").toString();
    }
    b.append("violations: ").append(counts()).append('\n');
    messagesByKind.forEach(
        (kind, msgs) -> {
          b.append("[")
              .append(kind)
              .append("] ")
              .append(msgs.size())
              .append(' ')
              .append(messageKindHeader.get(kind))
              .append(":\n");
          List<String> lines = ranges(msgs, t0);
          lines.stream()
              .limit(MAX_LINES_PER_KIND)
              .forEach(l -> b.append("  ").append(l).append('\n'));
          if (lines.size() > MAX_LINES_PER_KIND) {
            b.append("  ... and ")
                .append(lines.size() - MAX_LINES_PER_KIND)
                .append(" more ranges\n");
          }
        });
    byKind.forEach(
        (kind, lines) -> {
          b.append("[").append(kind).append("] ").append(lines.size()).append(":\n");
          lines.stream()
              .limit(MAX_LINES_PER_KIND)
              .forEach(l -> b.append("  ").append(l).append('\n'));
          if (lines.size() > MAX_LINES_PER_KIND) {
            b.append("  ... and ").append(lines.size() - MAX_LINES_PER_KIND).append(" more\n");
          }
        });
    return b.toString();
  }

  /**
   * Messages as ranges: consecutive sequence numbers of one container whose first line is in the
   * same file make one line, e.g. {@code c3 seq 651-1302 (652) in c3 file #2 [...]}.
   */
  static List<String> ranges(List<Msg> msgs, long t0) {
    List<Msg> sorted = new ArrayList<>(msgs);
    sorted.sort(
        (a, b) ->
            a.container().equals(b.container())
                ? Long.compare(a.seq(), b.seq())
                : a.container().compareTo(b.container()));
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < sorted.size()) {
      Msg first = sorted.get(i);
      FileRec file = first.first().file();
      int j = i;
      while (j + 1 < sorted.size()
          && sorted.get(j + 1).container().equals(first.container())
          && sorted.get(j + 1).seq() == sorted.get(j).seq() + 1
          && sorted.get(j + 1).first().file() == file) {
        j++;
      }
      Msg last = sorted.get(j);
      out.add(
          first.container()
              + " seq "
              + (first.seq() == last.seq() ? first.seq() : first.seq() + "-" + last.seq())
              + " ("
              + (j - i + 1)
              + ", bytes "
              + first.first().offset()
              + "-"
              + (last.first().offset() + last.first().lineBytes())
              + ") in "
              + file.describe(t0));
      i = j + 1;
    }
    return out;
  }
}
