package io.github.logchute.core.parse;

import java.util.Locale;

/** How the lines of a log file are encoded. */
public enum LogFormat {
  /** {@code <RFC3339Nano> <stdout|stderr> <P|F[:tags]> <content>}: containerd and CRI-O. */
  CRI,
  /** {@code {"log":"...","stream":"...","time":"..."}}: Docker's json-file driver. */
  DOCKER,
  /** CRI or Docker, chosen per file from its first complete line; raw if neither fits. */
  AUTO,
  /** Each line is a message; the time is when it was read, the stream stdout. */
  RAW;

  /** The name used in configuration: {@code cri}, {@code docker}, {@code auto}, {@code raw}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses a configuration name.
   *
   * @throws IllegalArgumentException listing the accepted names
   */
  public static LogFormat fromConfigName(String name) {
    for (LogFormat f : values()) {
      if (f.configName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown log format '" + name + "'; expected one of cri, docker, auto, raw");
  }

  LineDecoder newDecoder() {
    switch (this) {
      case CRI:
        return new CriDecoder();
      case DOCKER:
        return new DockerJsonDecoder();
      case AUTO:
        return new AutoDecoder();
      case RAW:
        return RawDecoder.INSTANCE;
      default:
        throw new AssertionError(this);
    }
  }
}
