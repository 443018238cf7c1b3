package io.github.logchute.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the enrichers know about a {@link LogSource}: an immutable, ordered map of attribute names
 * ({@link MetadataKeys}) to string values. One instance is shared by every record of a source until
 * the metadata changes; sinks may therefore cache the encoded form of an instance (identity, not
 * equality, is the cheap cache key) and encode the constant part of a source once.
 */
public final class SourceMetadata {

  private static final SourceMetadata EMPTY = new SourceMetadata(Map.of());

  private final Map<String, String> attributes;

  private SourceMetadata(Map<String, String> attributes) {
    this.attributes = attributes;
  }

  /** No metadata at all. */
  public static SourceMetadata empty() {
    return EMPTY;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** All attributes in insertion order; unmodifiable. */
  public Map<String, String> attributes() {
    return attributes;
  }

  /** The value of {@code key}, or null. */
  public String get(String key) {
    return attributes.get(key);
  }

  public boolean isEmpty() {
    return attributes.isEmpty();
  }

  /** A builder seeded with these attributes, to derive updated metadata. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.values.putAll(attributes);
    return b;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SourceMetadata other && attributes.equals(other.attributes);
  }

  @Override
  public int hashCode() {
    return attributes.hashCode();
  }

  @Override
  public String toString() {
    return attributes.toString();
  }

  /** Collects attributes; later puts of the same key replace earlier ones. Not thread-safe. */
  public static final class Builder {
    private final LinkedHashMap<String, String> values = new LinkedHashMap<>();

    private Builder() {}

    /** Sets {@code key} to {@code value}; a null value removes the key. */
    public Builder put(String key, String value) {
      Objects.requireNonNull(key, "key");
      if (value == null) {
        values.remove(key);
      } else {
        values.put(key, value);
      }
      return this;
    }

    public Builder putAll(Map<String, String> attributes) {
      attributes.forEach(this::put);
      return this;
    }

    /**
     * The value set so far for {@code key}, or null (lets later enrichers build on earlier ones).
     */
    public String get(String key) {
      return values.get(key);
    }

    public SourceMetadata build() {
      if (values.isEmpty()) {
        return EMPTY;
      }
      return new SourceMetadata(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    }
  }
}
