package com.flowviz.dr.activities.physical.basebackup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.process.ChildProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scanner against archives GNU tar writes (ustar and its GNU long names), fed in uneven chunks
 * as a pipe delivers them.
 */
class TarMemberScannerTest {

  @TempDir Path dir;

  private static final Set<String> WANTED =
      Set.of("backup_label", "backup_manifest", "global/pg_control");

  @Test
  void keepsTheWantedMembersOfAnArchiveFedInUnevenChunks() throws Exception {
    byte[] tar = archive("--format=gnu");
    TarMemberScanner scanner = new TarMemberScanner(WANTED, 1 << 20);
    Random random = new Random(17);
    for (int off = 0; off < tar.length; ) {
      int n = Math.min(tar.length - off, 1 + random.nextInt(3000));
      scanner.write(tar, off, n);
      off += n;
    }
    assertEquals("START WAL LOCATION: 0/2000028\n", text(scanner, "backup_label"));
    assertEquals("{\"WAL-Ranges\": []}\n", text(scanner, "backup_manifest"));
    assertArrayEquals(
        Files.readAllBytes(dir.resolve("data/global/pg_control")),
        scanner.member("global/pg_control").orElseThrow());
    assertTrue(scanner.member("base/1/1259").isEmpty(), "an unwanted member is only counted");
    assertEquals("backup_manifest", scanner.lastMemberName().orElseThrow());
    assertTrue(scanner.ended());
  }

  @Test
  void aStreamCutShortHasNoEnd() throws Exception {
    byte[] tar = archive("--format=ustar");
    TarMemberScanner scanner = new TarMemberScanner(WANTED, 1 << 20);
    scanner.write(tar, 0, tar.length / 2);
    assertFalse(scanner.ended());
    assertTrue(scanner.member("backup_manifest").isEmpty());
  }

  @Test
  void aStreamOutOfStepFailsLoudly() throws Exception {
    byte[] tar = archive("--format=ustar");
    byte[] shifted = Arrays.copyOfRange(tar, 100, tar.length);
    TarMemberScanner scanner = new TarMemberScanner(WANTED, 1 << 20);
    IOException e =
        assertThrows(IOException.class, () -> scanner.write(shifted, 0, shifted.length));
    assertTrue(e.getMessage().contains("not a tar archive"), e.getMessage());
  }

  @Test
  void aWantedMemberLargerThanTheLimitFails() throws Exception {
    byte[] tar = archive("--format=ustar");
    TarMemberScanner scanner = new TarMemberScanner(WANTED, 16);
    IOException e = assertThrows(IOException.class, () -> scanner.write(tar, 0, tar.length));
    assertTrue(e.getMessage().contains("more than 16"), e.getMessage());
  }

  /** A data directory in miniature, archived with backup_manifest last as pg_basebackup does. */
  private byte[] archive(String format) throws IOException {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.createDirectories(data.resolve("global"));
    Files.createDirectories(data.resolve("base/1"));
    Files.writeString(data.resolve("backup_label"), "START WAL LOCATION: 0/2000028\n");
    byte[] relation = new byte[3 * 8192 + 77];
    new Random(1).nextBytes(relation);
    Files.write(data.resolve("base/1/1259"), relation);
    byte[] control = new byte[8192];
    new Random(2).nextBytes(control);
    Files.write(data.resolve("global/pg_control"), control);
    String longName = "a".repeat(120);
    Files.writeString(data.resolve(longName), "a member whose name needs a GNU long-name header");
    Files.writeString(data.resolve("backup_manifest"), "{\"WAL-Ranges\": []}\n");
    Path tar = dir.resolve("data.tar");
    List<String> members =
        "--format=gnu".equals(format)
            ? List.of("backup_label", "base", longName, "global", "backup_manifest")
            : List.of("backup_label", "base", "global", "backup_manifest");
    ChildProcess.run(
        concat(List.of("tar", format, "-c", "-f", tar.toString(), "-C", data.toString()), members),
        Map.of(),
        Duration.ofMinutes(1),
        null);
    return Files.readAllBytes(tar);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  private static String text(TarMemberScanner scanner, String member) {
    return new String(scanner.member(member).orElseThrow(), StandardCharsets.UTF_8);
  }
}
