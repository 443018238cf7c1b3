package io.github.logchute.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MultilineRuleTest {

  @Test
  void namesAndPatterns() {
    assertThat(MultilineRule.parse(" Java ")).isSameAs(MultilineRule.java());
    assertThat(MultilineRule.parse("python")).isSameAs(MultilineRule.python());
    assertThat(MultilineRule.parse("GO")).isSameAs(MultilineRule.go());
    assertThat(MultilineRule.parse("none").isNone()).isTrue();
    assertThat(MultilineRule.parse("").isNone()).isTrue();
    assertThat(MultilineRule.parse(null).isNone()).isTrue();
    MultilineRule r = MultilineRule.parse("regex:^\\[\\d+");
    assertThat(r.pattern().pattern()).isEqualTo("^\\[\\d+");
    assertThat(r.toString()).isEqualTo("regex:^\\[\\d+");
    assertThat(MultilineRule.parse("^\\[\\d+")).isEqualTo(r);
    assertThat(MultilineRule.parse("regex:java").pattern().pattern()).isEqualTo("java");
    assertThat(MultilineRule.parse("REGEX:go").pattern().pattern()).isEqualTo("go");
  }

  @Test
  void badPatternsAreRejectedWithTheReason() {
    assertThatThrownBy(() -> MultilineRule.parse("regex:(unclosed"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(unclosed");
    assertThatThrownBy(() -> MultilineRule.parse("regex:"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
