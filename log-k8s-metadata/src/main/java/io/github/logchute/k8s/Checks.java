package io.github.logchute.k8s;

import java.time.Duration;
import java.util.Objects;

/** Argument checks of the builders; messages start with the setting's name. */
final class Checks {

  private Checks() {}

  static Duration positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(name + ": must be positive, got " + d);
    }
    return d;
  }

  static int atLeastOne(String name, int n) {
    if (n < 1) {
      throw new IllegalArgumentException(name + ": at least 1, got " + n);
    }
    return n;
  }
}
