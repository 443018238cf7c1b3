/**
 * Record processing: structured messages, levels and multi-line events.
 *
 * <p>Two engine-agnostic components, each usable on its own:
 *
 * <ul>
 *   <li>{@link io.github.logchute.core.process.MultilineGrouper} — one per source, after
 *       partial-line merging: groups Java, Python and Go stack traces (or lines by a user's start
 *       pattern) into one record per event, per stream; holds lines only while an event may still
 *       grow and tells the engine how far it may checkpoint ({@code safeOffset}).
 *   <li>{@link io.github.logchute.core.process.MessageProcessor}, a {@link
 *       io.github.logchute.core.process.RecordProcessor} — after enrichment: a JSON object (or a
 *       logfmt line, when selected) becomes fields, level and optionally time; plain text gets a
 *       level from its layout.
 * </ul>
 *
 * <p>Both take their defaults from {@link io.github.logchute.core.process.ProcessingOptions} and a
 * per-source override from the record's metadata ({@link
 * io.github.logchute.core.MetadataKeys#PARSER}, {@link
 * io.github.logchute.core.MetadataKeys#MULTILINE}); both count what they reject in {@link
 * io.github.logchute.core.process.ProcessMetrics} ({@code logchute_process_*}).
 */
package io.github.logchute.core.process;
