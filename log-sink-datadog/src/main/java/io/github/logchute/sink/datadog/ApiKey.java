package io.github.logchute.sink.datadog;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The Datadog API key: given as a value ({@code DD_API_KEY}) or read from a file ({@code
 * DD_API_KEY_FILE}, e.g. a mounted Kubernetes Secret). A file is read again when the intake refuses
 * the key (HTTP 401/403), so a rotated Secret is picked up without a restart.
 *
 * <p>The key never appears in {@link #toString()}, in exception messages or in logs.
 */
final class ApiKey {

  private final Path file;
  private volatile String value;

  private ApiKey(String value, Path file) {
    this.value = value;
    this.file = file;
  }

  /** A key given as a value. */
  static ApiKey of(String value) {
    return new ApiKey(check(value, "apiKey"), null);
  }

  /** A key read from {@code file} now (and again after an authentication failure). */
  static ApiKey fromFile(Path file) {
    Objects.requireNonNull(file, "file");
    return new ApiKey(read(file), file);
  }

  /** The key, for the request header only. */
  String value() {
    return value;
  }

  /** Whether the key came from a file that {@link #reload()} can read again. */
  boolean reloadable() {
    return file != null;
  }

  /**
   * Reads the file again; a failure keeps the old key.
   *
   * @return true if the key changed
   */
  boolean reload() {
    if (file == null) {
      return false;
    }
    String fresh;
    try {
      fresh = read(file);
    } catch (IllegalArgumentException e) {
      return false;
    }
    boolean changed = !fresh.equals(value);
    value = fresh;
    return changed;
  }

  /** Replaces every occurrence of the key in {@code text} (an answer echoed back) by a mask. */
  String redact(String text) {
    String v = value;
    return v.length() < 4 ? text : text.replace(v, "<api key>");
  }

  private static String read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read the API key file " + file + ": " + e);
    }
    return check(text.strip(), "the file " + file);
  }

  private static String check(String key, String where) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException(where + " holds no API key (it is empty)");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        throw new IllegalArgumentException(
            where
                + " holds an invalid API key: it contains whitespace or a non-ASCII character"
                + " at position "
                + i);
      }
    }
    return key;
  }

  /** Whether the key has Datadog's usual shape: 32 hexadecimal characters. */
  boolean looksValid() {
    String v = value;
    if (v.length() != 32) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return file == null ? "<redacted>" : "<redacted, from " + file + ">";
  }
}
