package io.github.logchute.examples.torture;

import io.github.logchute.examples.torture.AgentUnderTest.Checkpoint;
import io.github.logchute.examples.torture.AgentUnderTest.End;
import io.github.logchute.examples.torture.AgentUnderTest.Run;
import io.github.logchute.examples.torture.Deliveries.Delivery;
import io.github.logchute.examples.torture.Ledger.FileRec;
import io.github.logchute.examples.torture.Ledger.Holder;
import io.github.logchute.examples.torture.Ledger.Msg;
import io.github.logchute.examples.torture.Ledger.Piece;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks logchute's first promise against what the simulator wrote, what the fake intakes accepted
 * and what the agent said (its log and metrics), exactly:
 *
 * <ul>
 *   <li>every message reached every sink at least once, or one of its files was reported lost
 *       ({@link LostReport}) from an offset at or before its line, and that file's content (plain,
 *       gzip, copy) is gone from the disk;
 *   <li>a file reported lost was deleted, and unless a kill -9 left a checkpoint short of its end,
 *       some message it claims lost was indeed never delivered; the bytes it claims are within the
 *       file;
 *   <li>a message arrives twice only across a kill -9, and only if it lies at or past the offset
 *       the checkpoint file held for its file at that kill (or its file was not listed there);
 *       never twice within one run, never across a SIGTERM restart;
 *   <li>every delivery is exactly a message that was written: not a piece of a split line alone,
 *       not altered, not unknown;
 *   <li>the lost counters agree with the lost lines; SIGTERM exits 0 with its final line.
 * </ul>
 */
final class InvariantChecker {

  private final NodeSimulator node;
  private final Deliveries deliveries;
  private final AgentUnderTest agent;
  private final List<String> sinks;
  private final Map<String, Set<String>> refused = new HashMap<>();
  private boolean drainedAtEnd = true;

  InvariantChecker(
      NodeSimulator node, Deliveries deliveries, AgentUnderTest agent, List<String> sinks) {
    this.node = node;
    this.deliveries = deliveries;
    this.agent = agent;
    this.sinks = List.copyOf(sinks);
  }

  /**
   * Messages (as {@code container-seq}) that {@code sink} refused entry by entry (a partial
   * acceptance): the agent rightly drops them, they need not arrive.
   */
  InvariantChecker refused(String sink, Set<String> keys) {
    refused.put(sink, keys);
    return this;
  }

  /**
   * Whether the last run was stopped by SIGTERM after everything was delivered (then its counters
   * must equal its lost lines, and it must say everything was delivered). Default true.
   */
  InvariantChecker drainedAtEnd(boolean drained) {
    drainedAtEnd = drained;
    return this;
  }

  /** Runs every check. */
  Result check() {
    long t0 = node.t0();
    Findings f = new Findings(t0);
    List<Run> runs = agent.runs();
    Map<String, SimContainer> containers = new HashMap<>();
    Map<String, List<Msg>> msgs = new HashMap<>();
    List<FileRec> files = new ArrayList<>();
    long written = 0;
    for (SimContainer c : node.containers()) {
      containers.put(c.name, c);
      msgs.put(c.name, c.messages());
      files.addAll(c.files());
      written += c.written();
    }
    Map<String, List<Holder>> holders = new HashMap<>();
    Map<Holder, FileRec> fileOf = new HashMap<>();
    for (FileRec file : files) {
      for (Holder h : file.holders) {
        holders.computeIfAbsent(h.device + ":" + h.inode, k -> new ArrayList<>()).add(h);
        fileOf.put(h, file);
      }
    }
    Index index = new Index(holders, fileOf);
    List<LostReport> reports = new ArrayList<>();
    for (Run r : runs) {
      reports.addAll(r.lost());
    }
    // per file, the least offset a report declares lost from (-1: the whole file)
    Map<FileRec, Long> lostFrom = new HashMap<>();
    for (LostReport r : reports) {
      if (r.identified()) {
        for (FileRec file : index.files(r)) {
          lostFrom.merge(file, r.offset() < 0 ? -1 : r.offset(), Math::min);
        }
      }
    }

    int unjoinedAfterLoss = 0;
    // deliveries by sink, container, seq
    Map<String, Map<String, Map<Long, List<Delivery>>>> got = new HashMap<>();
    for (Delivery d : deliveries.all()) {
      if (d.container() == null || !containers.containsKey(d.container())) {
        Msg split = splitMessageEndingWith(d.text(), msgs);
        if (split != null && lostExplanation(split, lostFrom)) {
          // the end of a line whose start was in a file deleted before it was read (reported
          // lost): the end is all there is left to deliver
          unjoinedAfterLoss++;
          continue;
        }
        f.add(
            "unknown",
            d.sink()
                + " accepted a message no container wrote"
                + identifyPiece(d.text(), msgs)
                + ": "
                + excerpt(d.text()));
        continue;
      }
      List<Msg> ofContainer = msgs.get(d.container());
      if (d.seq() < 0 || d.seq() >= ofContainer.size()) {
        f.add(
            "unknown",
            d.sink() + " accepted seq " + d.seq() + " never written by " + d.container());
        continue;
      }
      got.computeIfAbsent(d.sink(), k -> new HashMap<>())
          .computeIfAbsent(d.container(), k -> new HashMap<>())
          .computeIfAbsent(d.seq(), k -> new ArrayList<>())
          .add(d);
    }

    Map<String, Long> lostExplained = new HashMap<>();
    Map<String, Long> unseen = new HashMap<>();
    Map<String, Long> refusedCount = new HashMap<>();
    for (String sink : sinks) {
      Map<String, Map<Long, List<Delivery>>> bySink = got.getOrDefault(sink, Map.of());
      Set<String> refusedBySink = refused.getOrDefault(sink, Set.of());
      for (Map.Entry<String, List<Msg>> e : msgs.entrySet()) {
        Map<Long, List<Delivery>> byContainer = bySink.getOrDefault(e.getKey(), Map.of());
        for (Msg m : e.getValue()) {
          List<Delivery> ds = byContainer.getOrDefault(m.seq(), List.of());
          if (ds.isEmpty()) {
            if (refusedBySink.contains(m.container() + "-" + m.seq())) {
              refusedCount.merge(sink, 1L, Long::sum);
            } else if (lostExplanation(m, lostFrom)) {
              lostExplained.merge(sink, 1L, Long::sum);
            } else if (unseenAroundAKill(m, runs)) {
              unseen.merge(sink, 1L, Long::sum);
            } else {
              f.message(
                  "missing-" + sink,
                  "messages never accepted by " + sink + " and not reported lost",
                  m);
            }
            continue;
          }
          checkContent(
              f,
              sink,
              m,
              ds,
              lostExplanation(m, lostFrom),
              prefixRepeatAllowed(m, ds, runs, index));
          checkDuplicates(f, sink, m, ds, runs, index);
        }
      }
    }
    checkLostReports(f, reports, runs, index, msgs, got);
    checkMetrics(f, runs, reports, index, containers);
    checkRuns(f, runs);

    f.note(
        "seed "
            + node.seed()
            + " (rerun with -Dtorture.seed="
            + node.seed()
            + "): "
            + written
            + " messages written by "
            + containers.size()
            + " containers, "
            + node.rotations()
            + " rotations, "
            + files.size()
            + " files ("
            + files.stream().filter(x -> x.contentGoneNanos() >= 0).count()
            + " deleted)");
    if (unjoinedAfterLoss > 0) {
      f.note(
          "  "
              + unjoinedAfterLoss
              + " line ends delivered alone: the start of each was in a file reported lost");
    }
    for (String sink : sinks) {
      f.note(
          "  "
              + sink
              + ": "
              + deliveries.count(sink)
              + " accepted, "
              + deliveries.distinct(sink)
              + " distinct well-formed; "
              + lostExplained.getOrDefault(sink, 0L)
              + " missing but reported lost; "
              + unseen.getOrDefault(sink, 0L)
              + " missing in files no agent could know (created after a killed run's last save,"
              + " deleted before the next start); "
              + refusedCount.getOrDefault(sink, 0L)
              + " refused by the intake");
    }
    for (Run r : runs) {
      f.note(
          String.format(
              "  %s: +%.2fs .. %s %s exit %d; %d lost lines%s",
              r.name,
              (r.startNanos - t0) / 1e9,
              r.endNanos < 0 ? "(running)" : String.format("+%.2fs", (r.endNanos - t0) / 1e9),
              r.end,
              r.exitCode,
              r.lost().size(),
              r.end == End.KILLED
                  ? "; checkpoint at kill: " + r.checkpointsAtKill.size() + " entries"
                  : ""));
    }
    return new Result(node.seed(), f, runs);
  }

  // ------------------------------------------------------------------ messages

  /**
   * @param partlyLost a piece of {@code m} was in a file reported lost: its beginning delivered
   *     alone is all that could be
   */
  private static void checkContent(
      Findings f,
      String sink,
      Msg m,
      List<Delivery> ds,
      boolean partlyLost,
      boolean prefixRepeatAllowed) {
    for (Delivery d : ds) {
      if (d.wellFormed() && d.length() == m.length()) {
        continue;
      }
      if ((partlyLost || prefixRepeatAllowed) && d.wellFormed() && d.length() < m.length()) {
        continue;
      }
      String what;
      if (d.wellFormed() && d.length() < m.length()) {
        what = "unjoined: only the first " + d.length() + " of " + m.length() + " characters";
      } else if (d.wellFormed()) {
        what = "joined with more: " + d.length() + " characters instead of " + m.length();
      } else {
        what = "altered content: " + excerpt(d.text());
      }
      f.add(
          "content-" + sink,
          m.container() + " seq " + m.seq() + " (" + m.pieces().length + " lines) " + what);
    }
  }

  private static void checkDuplicates(
      Findings f, String sink, Msg m, List<Delivery> ds, List<Run> runs, Index index) {
    if (ds.size() < 2) {
      return;
    }
    List<Delivery> sorted = new ArrayList<>(ds);
    sorted.sort((a, b) -> Long.compare(a.nanos(), b.nanos()));
    for (int i = 0; i + 1 < sorted.size(); i++) {
      int a = runAt(runs, sorted.get(i).nanos());
      int b = runAt(runs, sorted.get(i + 1).nanos());
      boolean explained = false;
      for (int j = Math.max(a, 0); j < b && !explained; j++) {
        Run r = runs.get(j);
        explained = (r.end == End.KILLED || r.undelivered) && allowedAfterKill(m, r, index);
      }
      if (!explained) {
        String why =
            a == b
                ? "twice within " + (a < 0 ? "no run" : runs.get(a).name)
                : "across restarts with no kill -9 whose checkpoint allows it (runs "
                    + runs.get(Math.max(a, 0)).name
                    + " .. "
                    + runs.get(b).name
                    + ")";
        f.message(
            "duplicate-" + sink,
            "messages delivered again without a kill (or a stop that could not flush) to excuse it",
            m);
        f.add(
            "duplicate-detail-" + sink,
            m.container() + " seq " + m.seq() + " delivered " + ds.size() + "x: " + why);
        return;
      }
    }
  }

  /**
   * A duplicate after a kill is allowed for a message at or past the offset the checkpoint file
   * held for its file at that kill, or in a file not listed there.
   */
  /**
   * A message split across files that was delivered whole, and whose start a kill -9 (or a stop
   * that could not flush) left behind its checkpoint: the restart reads that start again, but the
   * end was acknowledged and lies before the next file's saved position, so the start goes out
   * alone — a repeat of what was delivered, cut where the runtime cut it.
   */
  private static boolean prefixRepeatAllowed(
      Msg m, List<Delivery> ds, List<Run> runs, Index index) {
    if (m.pieces().length < 2
        || m.first().file() == m.pieces()[m.pieces().length - 1].file()
        || ds.stream().noneMatch(d -> d.wellFormed() && d.length() == m.length())) {
      return false;
    }
    for (Run r : runs) {
      if ((r.end == End.KILLED || r.undelivered) && allowedAfterKill(m, r, index)) {
        return true;
      }
    }
    return false;
  }

  private static boolean allowedAfterKill(Msg m, Run kill, Index index) {
    Piece p = m.first();
    boolean listed = false;
    for (Checkpoint c : kill.checkpointsAtKill) {
      if (owner(index, c, kill) == p.file()) {
        listed = true;
        if (c.offset() <= p.offset()) {
          return true;
        }
      }
    }
    return !listed;
  }

  /**
   * Whether a piece of {@code m} was in a file whose whole life lies between the last checkpoint
   * save of a run ended by kill -9 and the start of the next run: no agent could record it (the
   * killed one had not saved since — a file is saved within one scan of being found, so only a
   * watcher that did not get to run, on a starved machine, misses one — and the next one never saw
   * it). Such a file cannot be counted lost by anyone; its messages are counted apart.
   */
  private static boolean unseenAroundAKill(Msg m, List<Run> runs) {
    for (Piece p : m.pieces()) {
      FileRec file = p.file();
      long gone = file.contentGoneNanos();
      if (gone < 0) {
        continue;
      }
      long created = file.holders.get(0).sinceNanos;
      for (int i = 0; i < runs.size(); i++) {
        Run r = runs.get(i);
        if (r.end != End.KILLED) {
          continue;
        }
        long lastSave = r.startNanos;
        for (Checkpoint c : r.checkpointsAtKill) {
          lastSave = Math.max(lastSave, c.savedNanos());
        }
        long nextStart = i + 1 < runs.size() ? runs.get(i + 1).startNanos : Long.MAX_VALUE;
        if (created > lastSave && gone < nextStart) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether a report of a deleted file excuses a missing (or partly missing) message. */
  private static boolean lostExplanation(Msg m, Map<FileRec, Long> lostFrom) {
    for (Piece p : m.pieces()) {
      FileRec file = p.file();
      if (file.contentGoneNanos() < 0) {
        continue;
      }
      Long from = lostFrom.get(file);
      if (from != null && from <= p.offset()) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ lost reports

  private static void checkLostReports(
      Findings f,
      List<LostReport> reports,
      List<Run> runs,
      Index index,
      Map<String, List<Msg>> msgs,
      Map<String, Map<String, Map<Long, List<Delivery>>>> got) {
    Map<FileRec, List<Msg>> byFile = new HashMap<>();
    for (List<Msg> ofContainer : msgs.values()) {
      for (Msg m : ofContainer) {
        for (Piece p : m.pieces()) {
          List<Msg> in = byFile.computeIfAbsent(p.file(), k -> new ArrayList<>());
          if (in.isEmpty() || in.get(in.size() - 1) != m) {
            in.add(m);
          }
        }
      }
    }
    for (LostReport r : reports) {
      if (!r.identified()) {
        f.add(
            "lost-report",
            r.run()
                + " logged a lost file without device and inode (expected "
                + LostReport.FORMAT
                + "): "
                + r.line());
        continue;
      }
      List<FileRec> candidates = index.files(r);
      if (candidates.isEmpty()) {
        f.add("lost-report", r.run() + " reported lost a file nobody wrote: " + r.line());
        continue;
      }
      // inodes are reused within one path (hundreds of times in a long run): the report stands if
      // any deleted file that had its inode, large enough, still held an undelivered message past
      // the offset (or a kill -9 left its checkpoint short of its end)
      List<FileRec> gone = new ArrayList<>();
      for (FileRec c : candidates) {
        if (c.contentGoneNanos() >= 0) {
          gone.add(c);
        }
      }
      if (gone.isEmpty()) {
        f.add(
            "lost-report",
            r.run()
                + " reported lost a file whose content is still on disk: "
                + candidates.get(candidates.size() - 1).describe(f.t0())
                + " <- "
                + r.line());
        continue;
      }
      List<FileRec> fits = new ArrayList<>();
      for (FileRec c : gone) {
        if (r.bytes() < 0 || r.offset() < 0 || c.size >= r.offset() + r.bytes()) {
          fits.add(c);
        }
      }
      if (fits.isEmpty()) {
        f.add(
            "lost-report",
            r.run()
                + " reports more bytes lost than the file held: "
                + gone.get(gone.size() - 1).size
                + " <- "
                + r.line());
        continue;
      }
      boolean justified = false;
      for (FileRec file : fits) {
        if (!allDelivered(file, r, byFile, got) || unavoidable(file, runs, index)) {
          justified = true;
          break;
        }
      }
      if (!justified) {
        f.add(
            "lost-report",
            r.run()
                + " reported lost a file whose every message was delivered (no kill -9 left a"
                + " checkpoint short of its end): "
                + fits.get(fits.size() - 1).describe(f.t0())
                + " <- "
                + r.line());
      }
    }
  }

  /** Whether every message with a piece in {@code file} past the report's offset was delivered. */
  private static boolean allDelivered(
      FileRec file,
      LostReport r,
      Map<FileRec, List<Msg>> byFile,
      Map<String, Map<String, Map<Long, List<Delivery>>>> got) {
    if (got.isEmpty()) {
      return false;
    }
    for (Msg m : byFile.getOrDefault(file, List.of())) {
      for (Piece p : m.pieces()) {
        if (p.file() == file && (r.offset() < 0 || p.offset() >= r.offset())) {
          for (Map<String, Map<Long, List<Delivery>>> bySink : got.values()) {
            if (bySink
                .getOrDefault(m.container(), Map.of())
                .getOrDefault(m.seq(), List.of())
                .isEmpty()) {
              return false;
            }
          }
        }
      }
    }
    return true;
  }

  /**
   * The file a checkpoint entry found at the end of {@code run} stands for: the one that had its
   * inode when the entry was computed (a long run reuses each inode many times; the entry may be
   * older than the kill by a checkpoint interval, the file deleted and the inode reused meanwhile).
   */
  private static FileRec owner(Index index, Checkpoint c, Run run) {
    return index.ownerAt(
        c.device(), c.inode(), c.savedNanos() >= 0 ? c.savedNanos() : run.endNanos);
  }

  /** A kill -9 left a checkpoint of {@code file} short of its end: a later loss claim is fair. */
  private static boolean unavoidable(FileRec file, List<Run> runs, Index index) {
    for (Run r : runs) {
      if (r.end != End.KILLED && !r.undelivered) {
        continue;
      }
      for (Checkpoint c : r.checkpointsAtKill) {
        if (owner(index, c, r) == file && c.offset() < file.size) {
          return true;
        }
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ metrics and runs

  private void checkMetrics(
      Findings f,
      List<Run> runs,
      List<LostReport> reports,
      Index index,
      Map<String, SimContainer> containers) {
    for (int i = 0; i < runs.size(); i++) {
      Run r = runs.get(i);
      boolean exact = drainedAtEnd && i == runs.size() - 1 && r.end == End.TERMINATED;
      for (SimContainer c : containers.values()) {
        long lines = 0;
        long bytes = 0;
        for (LostReport lr : reports) {
          if (!lr.run().equals(r.name) || !lr.identified()) {
            continue;
          }
          for (FileRec file : index.files(lr)) {
            if (file.container.equals(c.name)) {
              lines++;
              bytes += Math.max(0, lr.bytes());
              break;
            }
          }
        }
        double files =
            AgentUnderTest.sum(
                r.lastMetrics, "logchute_files_lost_total", "namespace", c.namespace, "pod", c.pod);
        double lostBytes =
            AgentUnderTest.sum(
                r.lastMetrics, "logchute_bytes_lost_total", "namespace", c.namespace, "pod", c.pod);
        if (files > lines || (exact && files != lines)) {
          f.add(
              "metrics",
              r.name
                  + ": logchute_files_lost_total{namespace=\""
                  + c.namespace
                  + "\",pod=\""
                  + c.pod
                  + "\"} = "
                  + (long) files
                  + " but "
                  + lines
                  + " lost-file lines name a file of it");
        }
        if (lostBytes > bytes || (exact && lostBytes != bytes)) {
          f.add(
              "metrics",
              r.name
                  + ": logchute_bytes_lost_total of "
                  + c.namespace
                  + "/"
                  + c.pod
                  + " = "
                  + (long) lostBytes
                  + " but its lost-file lines say "
                  + bytes);
        }
      }
    }
  }

  private void checkRuns(Findings f, List<Run> runs) {
    for (int i = 0; i < runs.size(); i++) {
      Run r = runs.get(i);
      if (r.end != End.TERMINATED) {
        continue;
      }
      String log = r.log();
      if (r.exitCode != 0) {
        f.add("shutdown", r.name + " exited " + r.exitCode + " after SIGTERM");
      }
      if (!log.contains(AgentUnderTest.STOPPED)) {
        f.add("shutdown", r.name + " has no final line '" + AgentUnderTest.STOPPED + "'");
      } else if (drainedAtEnd && i == runs.size() - 1 && !log.contains(AgentUnderTest.DELIVERED)) {
        f.add(
            "shutdown",
            r.name + " stopped after a drain but did not say '" + AgentUnderTest.DELIVERED + "'");
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  /** The run a delivery at {@code nanos} belongs to: the last started before it. */
  private static int runAt(List<Run> runs, long nanos) {
    int at = -1;
    for (int i = 0; i < runs.size(); i++) {
      if (runs.get(i).startNanos <= nanos) {
        at = i;
      }
    }
    return at;
  }

  /** The split message whose last piece is {@code text}, or null. */
  private Msg splitMessageEndingWith(String text, Map<String, List<Msg>> msgs) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    for (List<Msg> ofContainer : msgs.values()) {
      for (Msg m : ofContainer) {
        if (m.pieces().length > 1
            && m.length() > text.length()
            && node.messages().content(m.container(), m.seq(), m.length()).endsWith(text)) {
          return m;
        }
      }
    }
    return null;
  }

  /** For a delivery that is no message: which piece of which split message it is, if any. */
  private String identifyPiece(String text, Map<String, List<Msg>> msgs) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    for (List<Msg> ofContainer : msgs.values()) {
      for (Msg m : ofContainer) {
        if (m.pieces().length > 1 && m.length() > text.length()) {
          String full = node.messages().content(m.container(), m.seq(), m.length());
          if (full.endsWith(text)) {
            return " (the last "
                + text.length()
                + " of "
                + m.length()
                + " characters of "
                + m.container()
                + " seq "
                + m.seq()
                + ", a split line, delivered unjoined)";
          }
          if (full.contains(text)) {
            return " (a middle piece of "
                + m.container()
                + " seq "
                + m.seq()
                + ", a split line, delivered unjoined)";
          }
        }
      }
    }
    return "";
  }

  private static String excerpt(String text) {
    if (text == null) {
      return "(null)";
    }
    return text.length() <= 120
        ? "'" + text + "'"
        : "'" + text.substring(0, 120) + "...' (" + text.length() + " characters)";
  }

  /** Files by the identities of their copies. */
  private static final class Index {
    private final Map<String, List<Holder>> holders;
    private final Map<Holder, FileRec> fileOf;

    Index(Map<String, List<Holder>> holders, Map<Holder, FileRec> fileOf) {
      this.holders = holders;
      this.fileOf = fileOf;
    }

    /** The files a lost report names: its identity, read through its path (inodes are reused). */
    List<FileRec> files(LostReport r) {
      List<FileRec> out = new ArrayList<>();
      for (FileRec f : files(r.device(), r.inode())) {
        if (r.path() == null || r.path().isEmpty() || f.link.toString().equals(r.path())) {
          out.add(f);
        }
      }
      return out;
    }

    List<FileRec> files(long dev, long ino) {
      List<FileRec> out = new ArrayList<>();
      Set<FileRec> seen = new HashSet<>();
      for (Holder h : holders.getOrDefault(dev + ":" + ino, List.of())) {
        if (seen.add(fileOf.get(h))) {
          out.add(fileOf.get(h));
        }
      }
      return out;
    }

    /** The file whose copy had this identity most recently at {@code nanos} (inodes are reused). */
    FileRec ownerAt(long dev, long ino, long nanos) {
      Holder best = null;
      for (Holder h : holders.getOrDefault(dev + ":" + ino, List.of())) {
        if (h.sinceNanos <= nanos && (best == null || h.sinceNanos > best.sinceNanos)) {
          best = h;
        }
      }
      return best == null ? null : fileOf.get(best);
    }
  }

  /** The outcome: passes, or fails with the whole report. */
  static final class Result {
    final long seed;
    final Findings findings;
    final List<Run> runs;

    Result(long seed, Findings findings, List<Run> runs) {
      this.seed = seed;
      this.findings = findings;
      this.runs = runs;
    }

    boolean ok() {
      return findings.isEmpty();
    }

    String report() {
      StringBuilder b = new StringBuilder();
      b.append(ok() ? "invariant holds" : "INVARIANT VIOLATED").append(", seed ").append(seed);
      b.append('\n').append(findings.render());
      if (!runs.isEmpty()) {
        Run last = runs.get(runs.size() - 1);
        String[] lines = last.log().split("\n");
        b.append("last 40 lines of ").append(last.name).append("'s log:\n");
        for (int i = Math.max(0, lines.length - 40); i < lines.length; i++) {
          b.append("  | ").append(lines[i]).append('\n');
        }
        for (Run r : runs) {
          if (r != last && (r.log().contains("Exception") || r.log().contains("SEVERE"))) {
            b.append(r.name).append("'s log has exceptions or SEVERE lines:\n");
            for (String l : r.log().split("\n")) {
              if (l.contains("Exception") || l.contains("SEVERE")) {
                b.append("  | ").append(l).append('\n');
              }
            }
          }
        }
      }
      return b.toString();
    }

    /** Throws an {@link AssertionError} with the report unless every check passed. */
    void assertHolds() {
      if (!ok()) {
        throw new AssertionError(report());
      }
    }
  }
}
