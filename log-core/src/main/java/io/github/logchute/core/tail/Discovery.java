package io.github.logchute.core.tail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the files that match the include globs and none of the exclude globs. Each include glob is
 * walked from its longest literal directory prefix, only as deep as the pattern reaches ({@code **}
 * walks the whole subtree). Symbolic links to files are returned as links (the caller opens them,
 * which follows them); links to directories are not followed.
 */
final class Discovery {

  private final List<Root> roots = new ArrayList<>();
  private final List<PathMatcher> excludes = new ArrayList<>();

  private record Root(Path base, int depth, PathMatcher matcher) {}

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

  /** The matching paths, in a stable order. A missing base directory matches nothing. */
  Set<Path> scan() throws IOException {
    Set<Path> found = new LinkedHashSet<>();
    for (Root root : roots) {
      if (root.depth == 0) {
        if (Files.isRegularFile(root.base) && !excluded(root.base)) {
          found.add(root.base);
        }
        continue;
      }
      try (Stream<Path> walk = Files.walk(root.base, root.depth)) {
        walk.filter(p -> root.matcher.matches(p) && !excluded(p) && Files.isRegularFile(p))
            .sorted()
            .forEach(found::add);
      } catch (NoSuchFileException e) {
        // base directory does not exist (yet)
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof NoSuchFileException)) {
          throw e.getCause();
        }
        // a directory vanished during the walk; the next scan sees the new state
      }
    }
    return found;
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
