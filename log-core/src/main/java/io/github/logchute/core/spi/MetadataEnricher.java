package io.github.logchute.core.spi;

import io.github.logchute.core.LogSource;
import io.github.logchute.core.SourceMetadata;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Adds what only the node knows to a {@link LogSource}: Kubernetes pod and container metadata,
 * cloud instance identity, static tags.
 *
 * <p>Metadata belongs to a source, not to a line: the engine calls {@link #enrich} once when it
 * opens a source and again when this enricher reports a change through the listener given to {@link
 * #onChange}; every record of the source then shares the resulting {@link SourceMetadata} instance.
 * An enricher must never be called per line.
 *
 * <p>Enrichers compose in a chain ({@link #composite}): each sees the attributes of the ones before
 * it in the builder and may add, replace or remove attributes.
 *
 * <p>Threads: {@link #enrich} is called from the engine's enrichment thread (or from its discovery
 * thread when {@link #whenReady} is already complete), never from a reading thread, and must not
 * block on the network — a slow lookup belongs behind {@link #whenReady}. It may be called for
 * different sources concurrently.
 */
public interface MetadataEnricher extends AutoCloseable {

  /**
   * Completes when this enricher knows what it can about {@code source} (for instance when the pod
   * has appeared in a watch cache). The engine holds back the source's records until the stage
   * completes or its configured metadata wait elapses, whichever comes first, and then calls {@link
   * #enrich}; records are never dropped for lack of metadata. The default is already complete.
   */
  default CompletionStage<?> whenReady(LogSource source) {
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Adds this enricher's attributes for {@code source} to {@code metadata}, from what it already
   * has in memory. Must be fast and must not throw for a source it does not know: it simply adds
   * nothing.
   */
  void enrich(LogSource source, SourceMetadata.Builder metadata);

  /**
   * Registers the engine's listener, called with a source (or, for a change that touches many, with
   * each) whose metadata may have changed — a pod's labels were updated, a pod the engine was
   * waiting for appeared. The engine then calls {@link #enrich} again for that source. Called once,
   * before any other method. The default ignores the listener: this enricher's data never changes.
   */
  default void onChange(Consumer<LogSource> listener) {}

  /**
   * Tells this enricher that the engine is done with {@code source}: the file was drained and
   * released, no record of it will be enriched again. Lets an enricher forget what it remembers per
   * source, and keep a deleted pod's metadata exactly as long as one of its files is still being
   * read (decision 3: the last lines of a short-lived pod are enriched too). Called at most once
   * per source, from any engine thread; must not block. The default does nothing.
   */
  default void release(LogSource source) {}

  /**
   * True once this enricher has what it needs to enrich sources fully — for an API-backed one, a
   * first successful list. The agent's readiness check ({@code /readyz}); called from any thread,
   * must be cheap. The default is always ready.
   */
  default boolean isReady() {
    return true;
  }

  /** Releases threads and connections. */
  @Override
  default void close() {}

  /** An enricher that adds nothing. */
  static MetadataEnricher noop() {
    return (source, metadata) -> {};
  }

  /**
   * Runs {@code enrichers} in order. {@code whenReady} completes when all of theirs have; {@code
   * onChange} is registered with each; {@code close} closes each, in reverse order.
   */
  static MetadataEnricher composite(List<? extends MetadataEnricher> enrichers) {
    return new CompositeEnricher(List.copyOf(enrichers));
  }
}
