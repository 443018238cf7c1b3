package io.github.logchute.core.tail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the files that match the include globs and none of the exclude globs. Each include glob is
 * walked from its longest literal directory prefix, only as deep as the pattern reaches ({@code **}
 * walks the whole subtree). Symbolic links to files are returned as links (the caller opens them,
 * which follows them); links to directories are not followed. A match that is not a regular file —
 * a directory, a FIFO or device, a link to nothing — is returned apart, with the reason.
 */
final class Discovery {

  private final List<Root> roots = new ArrayList<>();
  private final List<PathMatcher> excludes = new ArrayList<>();

  private record Root(Path base, int depth, PathMatcher matcher) {}

  /**
   * What a scan found.
   *
   * @param files the regular files (or links to them), in a stable order
   * @param skipped matches that are not regular files, with the reason: {@code directory}, {@code
   *     fifo}, {@code special} or {@code dangling_link}
   */
  record Result(Set<Path> files, Map<Path, String> skipped) {}

  Discovery(List<String> includes, List<String> excludeGlobs, FileSystem fs) {
    for (String glob : includes) {
      Path pattern = fs.getPath(glob);
      Path base = pattern.getRoot();
      int literal = 0;
      for (Path part : pattern) {
        if (hasGlobChars(part.toString())) {
          break;
        }
        base = base == null ? part : base.resolve(part);
        literal++;
      }
      if (base == null) {
        base = fs.getPath(".");
      }
      int depth = glob.contains("**") ? Integer.MAX_VALUE : pattern.getNameCount() - literal;
      roots.add(new Root(base, depth, fs.getPathMatcher("glob:" + glob)));
    }
    for (String glob : excludeGlobs) {
      excludes.add(fs.getPathMatcher("glob:" + glob));
    }
  }

  private static boolean hasGlobChars(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return true;
      }
    }
    return false;
  }

  /** The matching paths. A missing base directory matches nothing. */
  Result scan() throws IOException {
    Set<Path> found = new LinkedHashSet<>();
    Map<Path, String> skipped = new LinkedHashMap<>();
    for (Root root : roots) {
      if (root.depth == 0) {
        if (Files.exists(root.base, LinkOption.NOFOLLOW_LINKS) && !excluded(root.base)) {
          classify(root.base, found, skipped);
        }
        continue;
      }
      try (Stream<Path> walk = Files.walk(root.base, root.depth)) {
        walk.filter(p -> !p.equals(root.base) && root.matcher.matches(p) && !excluded(p))
            .sorted()
            .forEach(p -> classify(p, found, skipped));
      } catch (NoSuchFileException e) {
        // base directory does not exist (yet)
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof NoSuchFileException)) {
          throw e.getCause();
        }
        // a directory vanished during the walk; the next scan sees the new state
      }
    }
    return new Result(found, skipped);
  }

  private static void classify(Path p, Set<Path> found, Map<Path, String> skipped) {
    if (Files.isRegularFile(p)) {
      found.add(p);
    } else if (Files.isDirectory(p)) {
      skipped.put(p, "directory");
    } else if (Files.isSymbolicLink(p) && !Files.exists(p)) {
      skipped.put(p, "dangling_link");
    } else if (Files.exists(p)) {
      skipped.put(p, isFifo(p) ? "fifo" : "special");
    }
    // else: gone since the walk listed it
  }

  private static boolean isFifo(Path p) {
    try {
      int mode = ((Number) Files.getAttribute(p, "unix:mode")).intValue();
      return (mode & 0170000) == 0010000;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private boolean excluded(Path p) {
    for (PathMatcher m : excludes) {
      if (m.matches(p)) {
        return true;
      }
    }
    return false;
  }
}
