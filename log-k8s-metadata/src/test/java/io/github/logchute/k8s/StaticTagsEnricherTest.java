package io.github.logchute.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaticTagsEnricherTest {

  static String enrich(StaticTagsEnricher e) {
    SourceMetadata.Builder b = SourceMetadata.builder();
    e.enrich(LogSource.of(Path.of("/x.log"), FileIdentity.NONE), b);
    return b.get(MetadataKeys.STATIC_TAGS);
  }

  @Test
  void aJsonListAsInTheSeedArticle() {
    assertThat(enrich(StaticTagsEnricher.parse("[\"env:test\", \"kube_cluster:k8s1\"]")))
        .isEqualTo("env:test,kube_cluster:k8s1");
  }

  @Test
  void spaceOrCommaSeparatedItems() {
    assertThat(enrich(StaticTagsEnricher.parse("env:test kube_cluster:k8s1")))
        .isEqualTo("env:test,kube_cluster:k8s1");
    assertThat(enrich(StaticTagsEnricher.parse(" env:test,team:a ,, b:c\tenv:test ")))
        .isEqualTo("env:test,team:a,b:c");
  }

  @Test
  void nothingGivenAddsNothing() {
    assertThat(enrich(StaticTagsEnricher.parse("  "))).isNull();
    assertThat(StaticTagsEnricher.parse("[]").tags()).isEmpty();
  }

  @Test
  void badInputIsAClearError() {
    assertThatThrownBy(() -> StaticTagsEnricher.parse("[\"env:test\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JSON list");
    assertThatThrownBy(() -> StaticTagsEnricher.parse("[1, 2]"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StaticTagsEnricher.of(List.of("a:b,c:d")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("comma");
  }
}
