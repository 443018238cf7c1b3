package io.github.logchute.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileIdentityTest {

  @Test
  void aRenamedFileKeepsItsIdentityAndANewFileGetsAnother(@TempDir Path dir) throws Exception {
    Path live = dir.resolve("0.log");
    Files.writeString(live, "a\n");
    FileIdentity before = FileIdentity.of(live);
    Path rotated = dir.resolve("0.log.20260904-031402");
    Files.move(live, rotated);
    Files.writeString(live, "b\n");
    assertThat(FileIdentity.of(rotated)).isEqualTo(before);
    assertThat(FileIdentity.of(live)).isNotEqualTo(before);
    assertThat(FileIdentity.of(live).device()).isEqualTo(before.device());
  }

  @Test
  void followsSymbolicLinks(@TempDir Path dir) throws Exception {
    Path target = dir.resolve("0.log");
    Files.writeString(target, "a\n");
    Path link = Files.createSymbolicLink(dir.resolve("link.log"), target);
    assertThat(FileIdentity.of(link)).isEqualTo(FileIdentity.of(target));
  }
}
