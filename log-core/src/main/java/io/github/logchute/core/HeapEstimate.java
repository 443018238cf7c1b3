package io.github.logchute.core;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.function.BiConsumer;

/**
 * Bytes of heap a {@link LogRecord} retains, for {@link LogRecord#sizeEstimate()}: an upper bound
 * of what HotSpot allocates for the record, its message and its parsed fields, walked once.
 */
final class HeapEstimate {

  /*
   * Design notes.
   *
   * Sizes follow HotSpot's 64-bit layout: 8-byte alignment, a 12-byte object header and 4-byte
   * references with compressed oops (the default below a 32 GiB heap), 16 and 8 otherwise (taken
   * when the heap may be 31 GiB or more). An object's size is its header plus its fields, rounded
   * up to 8; an array's is its header (16, or 24) plus its elements, rounded up.
   *
   * Containers are counted as what log-core's parsers build, the largest of the usual shapes: a
   * Map as Collections.unmodifiableMap over a LinkedHashMap (wrapper, map, table sized as HashMap
   * grows it, one 40-byte entry per member), a List as an unmodifiable wrapper over an ArrayList
   * (capacity as it grows from 10). Map.of/List.of, HashMap and TreeMap are no larger. Strings are
   * counted with their byte[] in LATIN1 (one byte per char) or UTF16 (two), found by scanning for a
   * char above 0xFF. The map views (keySet, entrySet, values) are counted too: processors and sinks
   * iterate them, and both the wrapper and the map keep them.
   *
   * Member names: Jackson hands out one canonical String per name (CANONICALIZE_FIELD_NAMES), so
   * the "level" of a million records is one object; counting it per record would over-estimate
   * JSON records by a third. A direct-mapped cache of 1024 name instances (slot by
   * String.hashCode, match by identity, names up to 64 chars) lets the first record that shows an
   * instance pay for it and every later one have it free. A fresh instance per record (logfmt
   * keys, names that vary per line) is never seen twice, so it is always paid for; a shared one is
   * held by Jackson's symbol table and by the cache (at most about 100 KiB, outside any record)
   * anyway. The one gap: a shared instance dropped by both, whose paying record is gone, is unpaid
   * — one name's bytes, not one per record. Races on the cache only make a name paid twice.
   *
   * Shared constants (Boolean.TRUE/FALSE, Longs from -128 to 127, the empty Map.of()) cost
   * nothing; an object of an unknown type is counted as 64 bytes; a tree deeper than 64 levels
   * (deeper than any parser here builds, or a cycle) is not walked further.
   *
   * Cost: one pass over the fields, about as long as reading the strings once; LogRecord caches
   * the result.
   */

  static final int REF;
  static final int HEADER;
  static final int ARRAY_HEADER;

  static {
    boolean compressed = Runtime.getRuntime().maxMemory() < (31L << 30);
    REF = compressed ? 4 : 8;
    HEADER = compressed ? 12 : 16;
    ARRAY_HEADER = compressed ? 16 : 24;
  }

  /** A LogRecord: 7 references, 3 longs, 2 ints. */
  static final long RECORD = align(HEADER + 7L * REF + 3 * 8 + 2 * 4);

  private static final long STRING = align(HEADER + REF + 4 + 1 + 1);
  private static final long BOXED_8 = align(HEADER + 8);
  private static final long BOXED_4 = align(HEADER + 4);
  private static final long UNMODIFIABLE_MAP = align(HEADER + 4L * REF);
  private static final long LINKED_HASH_MAP = align(HEADER + 6L * REF + 4 * 4 + 1);
  private static final long MAP_ENTRY = align(HEADER + 4 + 5L * REF);
  // keySet, entrySet, values: cached by both the wrapper and the map once someone iterates them
  private static final long MAP_VIEWS = 6 * align(HEADER + REF);
  private static final long UNMODIFIABLE_LIST = align(HEADER + 2L * REF);
  private static final long ARRAY_LIST = align(HEADER + 2 * 4 + REF);
  private static final long BIG_INTEGER = align(HEADER + 5 * 4 + REF);
  private static final long BIG_DECIMAL = align(HEADER + 2L * REF + 2 * 4 + 8);
  private static final long UNKNOWN = 64;
  private static final int MAX_DEPTH = 64;
  private static final Map<String, Object> EMPTY = Map.of();
  private static final int KEY_SLOTS = 1024;
  private static final int MAX_CACHED_KEY = 64;
  private static final String[] KEYS = new String[KEY_SLOTS];

  private HeapEstimate() {}

  static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }

  static long byteArray(long length) {
    return align(ARRAY_HEADER + length);
  }

  /** A String with its array; {@code latin1} if every char is at most 0xFF. */
  static long string(int length, boolean latin1) {
    return STRING + byteArray(latin1 ? length : 2L * length);
  }

  static long string(String s) {
    int n = s.length();
    boolean latin1 = true;
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) > 0xFF) {
        latin1 = false;
        break;
      }
    }
    return string(n, latin1);
  }

  /** A member name: free if this very instance was seen before (see the notes), else a string. */
  static long key(String k) {
    if (k.length() <= MAX_CACHED_KEY) {
      int slot = k.hashCode() & (KEY_SLOTS - 1);
      if (KEYS[slot] == k) {
        return 0;
      }
      KEYS[slot] = k;
    }
    return string(k);
  }

  /** Heap held by {@code fields} and everything in it (0 for the shared empty map). */
  static long fields(Map<String, Object> fields) {
    if (fields == EMPTY) {
      return 0;
    }
    Walk w = new Walk();
    w.map(fields);
    return w.bytes;
  }

  /** One pass over a tree of fields; forEach and get(i), so that walking allocates nothing. */
  private static final class Walk implements BiConsumer<Object, Object> {
    long bytes;
    int depth;

    @Override
    public void accept(Object key, Object value) {
      if (key instanceof String k) {
        bytes += key(k);
      } else {
        value(key);
      }
      value(value);
    }

    void map(Map<?, ?> m) {
      int n = m.size();
      bytes += UNMODIFIABLE_MAP + LINKED_HASH_MAP + MAP_VIEWS + (long) n * MAP_ENTRY;
      if (n > 0) {
        long capacity = 16;
        while (n > capacity * 3 / 4) {
          capacity <<= 1;
        }
        bytes += align(ARRAY_HEADER + capacity * REF);
      }
      depth++;
      m.forEach(this);
      depth--;
    }

    void list(List<?> l) {
      int n = l.size();
      bytes += UNMODIFIABLE_LIST + ARRAY_LIST;
      if (n > 0) {
        long capacity = 10;
        while (capacity < n) {
          capacity += capacity >> 1;
        }
        bytes += align(ARRAY_HEADER + capacity * REF);
      }
      depth++;
      if (l instanceof RandomAccess) {
        for (int i = 0; i < n; i++) {
          value(l.get(i));
        }
      } else {
        for (Object o : l) {
          value(o);
        }
      }
      depth--;
    }

    void value(Object o) {
      if (o == null || o == Boolean.TRUE || o == Boolean.FALSE) {
        return;
      }
      if (o instanceof String s) {
        bytes += string(s);
      } else if (depth >= MAX_DEPTH) {
        bytes += UNKNOWN; // deeper than any parser here builds (or a cycle): stop walking
      } else if (o instanceof Map<?, ?> m) {
        map(m);
      } else if (o instanceof List<?> l) {
        list(l);
      } else {
        bytes += number(o);
      }
    }
  }

  private static long number(Object o) {
    if (o instanceof Long l) {
      long v = l;
      return v >= -128 && v <= 127 ? 0 : BOXED_8;
    }
    if (o instanceof Double) {
      return BOXED_8;
    }
    if (o instanceof Integer i) {
      int v = i;
      return v >= -128 && v <= 127 ? 0 : BOXED_4;
    }
    if (o instanceof BigInteger b) {
      return bigInteger(b.bitLength());
    }
    if (o instanceof BigDecimal d) {
      // an unscaled value past a long's 18 digits lives in a BigInteger
      return BIG_DECIMAL + (d.precision() > 18 ? bigInteger(d.unscaledValue().bitLength()) : 0);
    }
    if (o instanceof Number || o instanceof Boolean) {
      return BOXED_8;
    }
    return UNKNOWN;
  }

  private static long bigInteger(int bitLength) {
    return BIG_INTEGER + align(ARRAY_HEADER + 4L * (bitLength / 32 + 1));
  }
}
