package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.spi.EncodedBatch;
import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Turns a batch of records into a request body: resolves each source's project and {@link
 * SourcePart} (cached by source, rebuilt when the source's metadata instance changes), then has the
 * {@link EntryWriter} write the entries. Thread-safe ({@link #encode} is serialised; the pipeline
 * calls it from one thread anyway).
 *
 * <p>A record whose project cannot be resolved is left out of the body and reported rejected when
 * the batch is sent ({@link BatchInfo}); a body without such gaps needs no bookkeeping.
 */
final class BatchEncoder {

  /** Sources remembered at most (the cache is dropped whole past this, then refilled). */
  static final int MAX_CACHED_SOURCES = 8192;

  private final StackdriverConfig config;
  private final String fixedProject;
  private final Supplier<String> fallbackProject;
  private final SinkMetrics metrics;
  private final RateLimitedLogger log;
  private final EntryWriter writer;
  private final Map<LogSource, SourcePart> parts = new ConcurrentHashMap<>();
  private final Map<byte[], BatchInfo> gaps = Collections.synchronizedMap(new WeakHashMap<>());
  private LogSource lastSource;
  private SourcePart lastPart;

  /**
   * Which records of a body were left out, and where the others are.
   *
   * @param entryToRecord for each entry in the body, the index of its record in the batch
   * @param skipped reasons, by record index, for records left out
   */
  record BatchInfo(int[] entryToRecord, Map<Integer, String> skipped) {}

  /**
   * @param fixedProject the configured or credentials' project, or null
   * @param fallbackProject the metadata server's project (may wait, see {@link ProjectLookup})
   */
  BatchEncoder(
      StackdriverConfig config,
      String fixedProject,
      Supplier<String> fallbackProject,
      SinkMetrics metrics,
      RateLimitedLogger log) {
    this.config = config;
    this.fixedProject = fixedProject;
    this.fallbackProject = fallbackProject;
    this.metrics = metrics;
    this.log = log;
    this.writer = new EntryWriter(config.maxEntryBytes(), metrics.truncated, metrics.labelsDropped);
  }

  synchronized EncodedBatch encode(List<LogRecord> records) {
    writer.begin();
    int[] entryToRecord = null;
    Map<Integer, String> skipped = null;
    int entries = 0;
    for (int i = 0; i < records.size(); i++) {
      LogRecord r = records.get(i);
      SourcePart part = part(r);
      if (part == null) {
        if (skipped == null) {
          skipped = new LinkedHashMap<>();
          entryToRecord = new int[records.size()];
          for (int k = 0; k < entries; k++) {
            entryToRecord[k] = k;
          }
        }
        skipped.put(i, "no Cloud project id known for " + r.source().path());
        metrics.unaddressable.increment();
        continue;
      }
      writer.entry(r, part);
      if (entryToRecord != null) {
        entryToRecord[entries] = i;
      }
      entries++;
    }
    byte[] body = writer.finish();
    if (skipped != null) {
      gaps.put(body, new BatchInfo(Arrays.copyOf(entryToRecord, entries), Map.copyOf(skipped)));
    }
    return new EncodedBatch(body, records.size(), body.length);
  }

  /** What {@link #encode} left out of {@code body}; null when nothing was. */
  BatchInfo info(byte[] body) {
    return gaps.get(body);
  }

  /** The source part of {@code r}, or null when no project id is known for it. */
  private SourcePart part(LogRecord r) {
    LogSource source = r.source();
    SourcePart p = source == lastSource ? lastPart : parts.get(source);
    String project = fixedProject;
    if (project == null) {
      project = r.metadata().get(MetadataKeys.CLOUD_PROJECT_ID);
      if (project == null && p != null && p.metadata == r.metadata()) {
        project = p.project; // resolved from the metadata server before
      }
      if (project == null) {
        project = fallbackProject.get();
      }
      if (project == null) {
        return null;
      }
    }
    if (p == null || p.metadata != r.metadata() || !p.project.equals(project)) {
      p =
          SourcePart.build(
              r, project, config.logName(), config.clusterName(), config.clusterLocation());
      if (parts.size() >= MAX_CACHED_SOURCES) {
        parts.clear();
      }
      parts.put(source, p);
      metrics.sourceParts.increment();
      if (!p.clusterKnown) {
        log.log(
            Level.WARNING,
            "stackdriver: no cluster name for {0}: set clusterName (LOGCHUTE_CLUSTER_NAME) or"
                + " enrich records with {1}",
            source.path(),
            MetadataKeys.K8S_CLUSTER_NAME);
      }
    }
    lastSource = source;
    lastPart = p;
    return p;
  }
}
