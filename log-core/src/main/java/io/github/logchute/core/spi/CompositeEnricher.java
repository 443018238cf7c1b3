package io.github.logchute.core.spi;

import io.github.logchute.core.LogSource;
import io.github.logchute.core.SourceMetadata;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** {@link MetadataEnricher#composite}. */
final class CompositeEnricher implements MetadataEnricher {

  private final List<MetadataEnricher> chain;

  CompositeEnricher(List<MetadataEnricher> chain) {
    this.chain = chain;
  }

  @Override
  public CompletionStage<?> whenReady(LogSource source) {
    CompletableFuture<?>[] stages = new CompletableFuture<?>[chain.size()];
    for (int i = 0; i < stages.length; i++) {
      stages[i] = chain.get(i).whenReady(source).toCompletableFuture();
    }
    return CompletableFuture.allOf(stages);
  }

  @Override
  public void enrich(LogSource source, SourceMetadata.Builder metadata) {
    for (MetadataEnricher e : chain) {
      e.enrich(source, metadata);
    }
  }

  @Override
  public void onChange(Consumer<LogSource> listener) {
    for (MetadataEnricher e : chain) {
      e.onChange(listener);
    }
  }

  @Override
  public void release(LogSource source) {
    for (MetadataEnricher e : chain) {
      e.release(source);
    }
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (int i = chain.size() - 1; i >= 0; i--) {
      try {
        chain.get(i).close();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public boolean isReady() {
    for (MetadataEnricher e : chain) {
      if (!e.isReady()) {
        return false;
      }
    }
    return true;
  }
}
