package io.github.logchute.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SourceMetadataTest {

  @Test
  void keepsInsertionOrderAndIsImmutable() {
    SourceMetadata m =
        SourceMetadata.builder()
            .put(MetadataKeys.K8S_NAMESPACE, "prod")
            .put(MetadataKeys.K8S_POD_NAME, "web-1")
            .put(MetadataKeys.K8S_NAMESPACE, "staging")
            .build();
    assertThat(m.attributes().keySet())
        .containsExactly(MetadataKeys.K8S_NAMESPACE, MetadataKeys.K8S_POD_NAME);
    assertThat(m.get(MetadataKeys.K8S_NAMESPACE)).isEqualTo("staging");
    assertThatThrownBy(() -> m.attributes().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void derivedMetadataLeavesTheOriginalAlone() {
    SourceMetadata m = SourceMetadata.builder().put("a", "1").put("b", "2").build();
    SourceMetadata n = m.toBuilder().put("a", null).put("c", "3").build();
    assertThat(m.attributes()).containsExactly(entry("a", "1"), entry("b", "2"));
    assertThat(n.attributes()).containsExactly(entry("b", "2"), entry("c", "3"));
    assertThat(SourceMetadata.builder().build()).isSameAs(SourceMetadata.empty());
  }

  private static java.util.Map.Entry<String, String> entry(String k, String v) {
    return java.util.Map.entry(k, v);
  }
}
