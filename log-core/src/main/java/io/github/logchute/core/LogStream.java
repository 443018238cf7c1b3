package io.github.logchute.core;

/** The standard stream a container wrote a line to. */
public enum LogStream {
  STDOUT("stdout"),
  STDERR("stderr");

  private final String wireName;

  LogStream(String wireName) {
    this.wireName = wireName;
  }

  /**
   * The name used by the container runtimes and in logchute output: {@code stdout} or {@code
   * stderr}.
   */
  public String wireName() {
    return wireName;
  }
}
