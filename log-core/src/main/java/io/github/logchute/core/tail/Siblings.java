package io.github.logchute.core.tail;

import io.github.logchute.core.FileIdentity;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rotated siblings of one container's log file — {@code 0.log.<suffix>} and {@code
 * 0.log.<suffix>.gz} beside {@code 0.log}, never {@code *.tmp} — in rotation order, each with its
 * identity, size and first bytes. The kubelet's suffix is the rotation time ({@code
 * YYYYMMDD-HHMMSS}), so ordering by name (without {@code .gz}) is ordering by rotation time.
 *
 * <p>First bytes are cached per name while inode, size and modification time stay the same, so a
 * scan reads a rotated file's head once, not every second. Watcher thread only.
 */
final class Siblings {

  /**
   * One rotated sibling as a scan found it.
   *
   * @param path where it is
   * @param key its name without {@code .gz}: the rotation order
   * @param gz whether it is compressed
   * @param identity device and inode
   * @param size bytes on disk
   * @param head first decompressed bytes (at most {@link Fingerprint#HEAD_BYTES}); null if it could
   *     not be read
   * @param contentSize the uncompressed size (for a gzip, as its trailer declares, modulo 2^32; -1
   *     if unknown)
   */
  record Sibling(
      Path path,
      String key,
      boolean gz,
      FileIdentity identity,
      long size,
      byte[] head,
      long contentSize) {}

  private record Cached(long inode, long size, FileTime modified, byte[] head, long contentSize) {}

  private final Map<String, Cached> cache = new HashMap<>();

  /**
   * The siblings of {@code file}, oldest rotation first (a plain file before its own {@code .gz}).
   *
   * @throws IOException if the directory cannot be listed (then nothing may be concluded from the
   *     absence of a file)
   */
  List<Sibling> scan(Path file) throws IOException {
    // a file listed but gone when looked at means the directory is changing under the listing (the
    // kubelet renames a finished .gz.tmp into place, then deletes the plain file): list again, so
    // that the compressed copy is not missed along with the file it replaced
    List<Sibling> out = null;
    for (int attempt = 0; attempt < LISTING_ATTEMPTS && out == null; attempt++) {
      out = list(file, attempt == LISTING_ATTEMPTS - 1);
    }
    return out;
  }

  private static final int LISTING_ATTEMPTS = 4;

  /** One listing; null if a listed file vanished before it was looked at, unless {@code last}. */
  private List<Sibling> list(Path file, boolean last) throws IOException {
    Path dir = file.getParent();
    String prefix = file.getFileName() + ".";
    List<Path> paths = new ArrayList<>();
    try (DirectoryStream<Path> entries =
        Files.newDirectoryStream(dir, p -> p.getFileName().toString().startsWith(prefix))) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (!name.endsWith(".tmp") && name.length() > prefix.length()) {
          paths.add(p);
        }
      }
    } catch (NoSuchFileException e) {
      cache.clear();
      return List.of();
    }
    List<Sibling> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Path p : paths) {
      Sibling s = inspect(p);
      if (s != null) {
        out.add(s);
        names.add(p.getFileName().toString());
      } else if (!last && Files.notExists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
    }
    cache.keySet().retainAll(names);
    out.sort(Comparator.comparing(Sibling::key).thenComparing(Sibling::gz));
    return out;
  }

  private Sibling inspect(Path p) {
    String name = p.getFileName().toString();
    boolean gz = name.endsWith(".gz");
    String key = gz ? name.substring(0, name.length() - 3) : name;
    Map<String, Object> attrs;
    try {
      attrs = Files.readAttributes(p, "unix:dev,ino,size,lastModifiedTime,mode");
    } catch (IOException | UnsupportedOperationException e) {
      return null; // gone since the listing
    }
    int mode = ((Number) attrs.get("mode")).intValue();
    if ((mode & 0170000) != 0100000) {
      return null; // not a regular file
    }
    FileIdentity id =
        new FileIdentity(
            ((Number) attrs.get("dev")).longValue(), ((Number) attrs.get("ino")).longValue());
    long size = ((Number) attrs.get("size")).longValue();
    FileTime modified = (FileTime) attrs.get("lastModifiedTime");
    Cached c = cache.get(name);
    if (c == null || c.inode != id.inode() || c.size != size || !c.modified.equals(modified)) {
      byte[] head = null;
      long contentSize = gz ? -1 : size;
      try {
        if (gz) {
          head = LogInput.gzipHead(p);
          contentSize = LogInput.gzipDeclaredSize(p);
        } else {
          try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            head = Fingerprint.head(ch);
          }
        }
      } catch (IOException e) {
        // unreadable now (permissions, a gzip being written): no head, try again next scan
      }
      c = new Cached(id.inode(), size, modified, head, contentSize);
      if (head != null) {
        cache.put(name, c);
      }
    }
    return new Sibling(p, key, gz, id, size, c.head, c.contentSize);
  }
}
