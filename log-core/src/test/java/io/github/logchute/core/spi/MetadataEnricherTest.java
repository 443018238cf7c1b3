package io.github.logchute.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.SourceMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class MetadataEnricherTest {

  private static final LogSource SOURCE =
      LogSource.of(Path.of("/var/log/containers/x.log"), FileIdentity.NONE);

  @Test
  void aCompositeRunsItsChainInOrderAndLaterOnesSeeEarlierOnes() {
    MetadataEnricher first = (s, m) -> m.put("zone", "eu-west-1a").put("env", "prod");
    MetadataEnricher second = (s, m) -> m.put("env", m.get("env") + "-2").put("zone", null);
    SourceMetadata.Builder b = SourceMetadata.builder();
    MetadataEnricher.composite(List.of(first, second)).enrich(SOURCE, b);
    assertThat(b.build().attributes()).containsExactly(java.util.Map.entry("env", "prod-2"));
  }

  @Test
  void aCompositeIsReadyWhenEveryEnricherIsAndClosesInReverse() {
    CompletableFuture<Void> slow = new CompletableFuture<>();
    List<String> closed = new ArrayList<>();
    List<Consumer<LogSource>> listeners = new ArrayList<>();
    MetadataEnricher a = named("a", closed, CompletableFuture.completedFuture(null), listeners);
    MetadataEnricher b = named("b", closed, slow, listeners);
    MetadataEnricher both = MetadataEnricher.composite(List.of(a, b));
    CompletableFuture<?> ready = both.whenReady(SOURCE).toCompletableFuture();
    assertThat(ready).isNotDone();
    slow.complete(null);
    assertThat(ready).isCompleted();
    both.onChange(s -> {});
    assertThat(listeners).hasSize(2);
    both.close();
    assertThat(closed).containsExactly("b", "a");
  }

  @Test
  void aCompositePassesReleaseToEveryEnricher() {
    List<LogSource> released = new ArrayList<>();
    MetadataEnricher a =
        new MetadataEnricher() {
          @Override
          public void enrich(LogSource source, SourceMetadata.Builder metadata) {}

          @Override
          public void release(LogSource source) {
            released.add(source);
          }
        };
    MetadataEnricher.composite(List.of(a, MetadataEnricher.noop(), a)).release(SOURCE);
    assertThat(released).containsExactly(SOURCE, SOURCE);
  }

  private static MetadataEnricher named(
      String name,
      List<String> closed,
      CompletionStage<?> ready,
      List<Consumer<LogSource>> listeners) {
    return new MetadataEnricher() {
      @Override
      public CompletionStage<?> whenReady(LogSource source) {
        return ready;
      }

      @Override
      public void enrich(LogSource source, SourceMetadata.Builder metadata) {}

      @Override
      public void onChange(Consumer<LogSource> listener) {
        listeners.add(listener);
      }

      @Override
      public void close() {
        closed.add(name);
      }
    };
  }
}
