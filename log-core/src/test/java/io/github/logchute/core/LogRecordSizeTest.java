package io.github.logchute.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link LogRecord#sizeEstimate()} against the heap records really retain. */
class LogRecordSizeTest {

  private static final LogSource SOURCE = LogSource.of(Path.of("/x.log"), FileIdentity.NONE);

  /** Heap readings move by a few hundred KiB between collections: tolerated above the estimate. */
  private static final double NOISE = 1.03;

  private static LogRecord record(String message) {
    byte[] m = message.getBytes(StandardCharsets.UTF_8);
    return LogRecord.of(SOURCE, LogStream.STDOUT, 1, m, 0, m.length, 0);
  }

  @Test
  void theEstimateBoundsTheRetainedHeapOfParsedJsonRecordsClosely() {
    int n = 40_000; // about 80 MB: collection noise is well under 1 %
    JsonLogLines lines = new JsonLogLines(42);
    for (int i = 0; i < 2_000; i++) {
      lines.next().sizeEstimate(); // Jackson's shared member names, the estimator's name cache
    }
    AssertionError last = null;
    for (int attempt = 0; attempt < 3; attempt++) { // a busy machine may disturb one reading
      LogRecord[] kept = new LogRecord[n];
      long before = RetainedHeap.afterGc();
      for (int i = 0; i < n; i++) {
        kept[i] = lines.next();
      }
      long estimate = 0;
      for (LogRecord r : kept) {
        estimate += r.sizeEstimate();
      }
      long real = RetainedHeap.afterGc() - before;
      Reference.reachabilityFence(kept);
      String what =
          String.format("per record: real %d bytes, estimate %d bytes", real / n, estimate / n);
      try {
        assertThat((double) real).as(what).isLessThanOrEqualTo(estimate * NOISE);
        assertThat((double) estimate).as(what).isLessThanOrEqualTo(real * 1.25);
        return;
      } catch (AssertionError e) {
        last = e;
      }
    }
    throw last;
  }

  @Test
  void theEstimateIsTakenOnceAndNeverChanges() {
    LogRecord r = record("héllo wörld");
    long first = r.sizeEstimate();
    r.messageText(); // decoded after: not counted, so what was added to a bound can be taken out
    assertThat(r.sizeEstimate()).isEqualTo(first);

    LogRecord decodedFirst = record("héllo wörld");
    decodedFirst.messageText();
    assertThat(decodedFirst.sizeEstimate()).isGreaterThan(first + "héllo wörld".length());
  }

  @Test
  void nestedFieldsAreCountedWhateverTheirDepth() {
    LogRecord plain = record("{}");
    String big = "x".repeat(10_000);
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("list", Collections.unmodifiableList(new ArrayList<>(List.of(1L, big, 2.5))));
    Map<String, Object> outer = new LinkedHashMap<>();
    outer.put("inner", Collections.unmodifiableMap(inner));
    LogRecord nested = plain.withFields(Collections.unmodifiableMap(outer), Severity.INFO);
    assertThat(nested.sizeEstimate()).isGreaterThan(plain.sizeEstimate() + 10_000);
    // two bytes a char once one char needs them
    LogRecord wide = plain.withFields(Map.of("k", "€".repeat(5_000)), Severity.INFO);
    assertThat(wide.sizeEstimate()).isGreaterThan(plain.sizeEstimate() + 10_000);
  }

  @Test
  void aFieldTreeThatContainsItselfStillHasAnEstimate() {
    Map<String, Object> cycle = new LinkedHashMap<>();
    Map<String, Object> view = Collections.unmodifiableMap(cycle);
    cycle.put("self", view);
    assertThat(record("x").withFields(view, Severity.INFO).sizeEstimate()).isPositive();
  }
}
