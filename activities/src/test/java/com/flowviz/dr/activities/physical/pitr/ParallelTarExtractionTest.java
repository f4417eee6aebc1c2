package com.flowviz.dr.activities.physical.pitr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.process.ChildProcess;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parallel extraction against real GNU tar: archives GNU tar itself made (long names, empty
 * files, nested directories, a symbolic link, files larger than a chunk) come out identical
 * whichever writer took which file; a file whose bytes differ from its expected checksum ends the
 * extraction naming it; a tar that dies fails the extraction instead of hanging it.
 */
class ParallelTarExtractionTest {

  private static final List<String> TAR = List.of("tar", "-x", "-f", "-");

  @TempDir Path dir;

  @Test
  @Timeout(60)
  void everyMemberComesOutAsTarWroteItWhicheverWriterTookIt() throws Exception {
    Path source = sourceTree();
    for (String format : List.of("gnu", "posix", "ustar")) {
      Path archive = dir.resolve("source-" + format + ".tar");
      ChildProcess.run(
          List.of(
              "tar",
              "-c",
              "--format=" + format,
              "-f",
              archive.toString(),
              "-C",
              source.toString(),
              "."),
          Map.of(),
          Duration.ofMinutes(1),
          null);
      Map<String, PgManifestChecksums.Expected> expected = sha256Of(source);
      Path target = Files.createDirectory(dir.resolve("out-" + format));
      ParallelTarExtraction extraction =
          new ParallelTarExtraction(TAR, target, 3, p -> Optional.ofNullable(expected.get(p)));
      try (extraction;
          InputStream in = Files.newInputStream(archive)) {
        // Odd-sized writes: member boundaries fall anywhere inside them.
        byte[] buffer = new byte[7919];
        int n;
        while ((n = in.read(buffer)) > 0) {
          extraction.write(buffer, 0, n);
        }
        assertTrue(extraction.ended(), "the end-of-archive marker was seen");
        extraction.finish();
      }
      assertEquals(tree(source), tree(target), format + ": the same files, contents and modes");
      // A member behind a pax or GNU extension header is extracted but not checked (its ustar
      // name is not its name); the caller sees fewer files checked than the manifest lists and
      // has pg_verifybackup read them all. PostgreSQL's tars are plain ustar (all checked).
      java.util.Set<String> all = expected.keySet();
      java.util.Set<String> withoutLongName = new java.util.HashSet<>(all);
      withoutLongName.removeIf(p -> p.contains("long-name"));
      switch (format) {
        case "ustar" -> assertEquals(all, extraction.checked(), "ustar: every file checked");
        case "gnu" ->
            assertEquals(
                withoutLongName, extraction.checked(), "gnu: all but the 'L'-named file checked");
        default ->
            assertTrue(all.containsAll(extraction.checked()), "posix: only real files checked");
      }
    }
  }

  @Test
  @Timeout(60)
  void aFileWhoseBytesDifferFromTheManifestEndsTheExtractionNamingIt() throws Exception {
    String refused =
        refusedWithBigAs(
            big -> {
              byte[] wrong = big.checksum().clone();
              wrong[0] ^= 1;
              return new PgManifestChecksums.Expected("base/big", big.size(), "SHA256", wrong);
            });
    assertTrue(refused.startsWith("base/big has SHA256 "), refused);
  }

  @Test
  @Timeout(60)
  void aFileOfAnotherSizeThanTheManifestsIsRefusedFromItsHeader() throws Exception {
    long[] size = new long[1];
    String refused =
        refusedWithBigAs(
            big -> {
              size[0] = big.size();
              return new PgManifestChecksums.Expected(
                  "base/big", big.size() + 1, "SHA256", big.checksum());
            });
    assertEquals(
        "base/big is "
            + size[0]
            + " bytes in the base backup's stream, but the signed backup_manifest records "
            + (size[0] + 1),
        refused);
  }

  /** The message of the refusal when base/big's expectation is altered so. */
  private String refusedWithBigAs(
      java.util.function.UnaryOperator<PgManifestChecksums.Expected> alter) throws Exception {
    Path source = sourceTree();
    Path archive = tarOf(source);
    Map<String, PgManifestChecksums.Expected> expected = new HashMap<>(sha256Of(source));
    expected.put("base/big", alter.apply(expected.get("base/big")));
    return refusedExtraction(archive, expected).getMessage();
  }

  @Test
  @Timeout(60)
  void aTarThatDiesFailsTheExtractionInsteadOfHangingIt() throws Exception {
    Path archive = tarOf(sourceTree());
    Path target = Files.createDirectory(dir.resolve("out"));
    IOException failed =
        assertThrows(
            IOException.class,
            () -> {
              try (ParallelTarExtraction extraction =
                      new ParallelTarExtraction(
                          List.of("sh", "-c", "head -c 1000 >/dev/null; exit 3"),
                          target,
                          2,
                          p -> Optional.empty());
                  InputStream in = Files.newInputStream(archive)) {
                in.transferTo(extraction);
                extraction.finish();
              }
            });
    assertTrue(
        String.valueOf(failed.getMessage()).contains("exited with 3")
            || String.valueOf(failed.getMessage()).toLowerCase().contains("pipe"),
        String.valueOf(failed));
  }

  @Test
  void writersAreOnePerCoreTwoAtLeastFourAtMost() {
    assertEquals(2, ParallelTarExtraction.writersFor(1));
    assertEquals(2, ParallelTarExtraction.writersFor(2));
    assertEquals(3, ParallelTarExtraction.writersFor(3));
    assertEquals(4, ParallelTarExtraction.writersFor(16));
  }

  /** Directories, a 5 MiB file (several chunks), small and empty files, a link, a long name. */
  private Path sourceTree() throws IOException {
    Path source = dir.resolve("source");
    if (Files.exists(source)) {
      return source;
    }
    Random random = new Random(18);
    Files.createDirectories(source.resolve("base/16384"));
    Files.createDirectories(source.resolve("global"));
    Files.createDirectories(source.resolve("pg_wal"));
    byte[] big = new byte[5 * 1024 * 1024 + 123];
    random.nextBytes(big);
    Files.write(source.resolve("base/big"), big);
    for (int i = 0; i < 40; i++) {
      byte[] small = new byte[random.nextInt(20_000)];
      random.nextBytes(small);
      Files.write(source.resolve("base/16384/" + (16000 + i)), small);
    }
    Files.write(source.resolve("global/empty"), new byte[0]);
    Files.writeString(source.resolve("PG_VERSION"), "15\n");
    Files.setPosixFilePermissions(
        source.resolve("PG_VERSION"), PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(source.resolve("pg_wal/link"), Path.of("../PG_VERSION"));
    Path deep = source.resolve("base/" + "d".repeat(60) + "/" + "e".repeat(60));
    Files.createDirectories(deep);
    Files.writeString(deep.resolve("long-name-" + "f".repeat(40)), "a long path\n");
    return source;
  }

  private static Map<String, PgManifestChecksums.Expected> sha256Of(Path root) throws Exception {
    Map<String, PgManifestChecksums.Expected> sums = new HashMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f :
          files.filter(Files::isRegularFile).filter(p -> !Files.isSymbolicLink(p)).toList()) {
        String name = root.relativize(f).toString();
        byte[] content = Files.readAllBytes(f);
        sums.put(
            name,
            new PgManifestChecksums.Expected(
                name,
                content.length,
                "SHA256",
                MessageDigest.getInstance("SHA-256").digest(content)));
      }
    }
    return sums;
  }

  /** Path → content digest (or link target) and mode, for every entry under root. */
  private static Map<String, String> tree(Path root) throws Exception {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        String name = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          entries.put(name, "-> " + Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p)) {
          entries.put(
              name, "dir " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        } else {
          entries.put(
              name,
              java.util.HexFormat.of()
                      .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)))
                  + " "
                  + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        }
      }
    }
    return entries;
  }

  @Test
  @Timeout(30)
  void theChunkPipeHandsOnEveryByteAndAReaderThatLeavesFailsTheWriter() throws Exception {
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(data);
    ChunkPipe pipe = new ChunkPipe(64 * 1024, 2);
    Thread writer =
        new Thread(
            () -> {
              try (var out = pipe.output()) {
                for (int off = 0; off < data.length; off += 1000) {
                  out.write(data, off, Math.min(1000, data.length - off));
                }
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    writer.start();
    byte[] read = pipe.input().readAllBytes();
    writer.join();
    assertArrayEquals(data, read);

    ChunkPipe abandoned = new ChunkPipe(1024, 2);
    abandoned.input().close();
    IOException closed =
        assertThrows(
            IOException.class,
            () -> {
              try (var out = abandoned.output()) {
                out.write(new byte[100_000]);
              }
            });
    assertTrue(closed.getMessage().contains("Pipe closed"), closed.getMessage());
  }

  private Path tarOf(Path source) {
    Path archive = dir.resolve("source.tar");
    ChildProcess.run(
        List.of("tar", "-c", "-f", archive.toString(), "-C", source.toString(), "."),
        Map.of(),
        Duration.ofMinutes(1),
        null);
    return archive;
  }

  /** Extracts the archive against these expectations, which must refuse it. */
  private ParallelTarExtraction.ChecksumMismatch refusedExtraction(
      Path archive, Map<String, PgManifestChecksums.Expected> expected) throws IOException {
    Path target = Files.createDirectory(dir.resolve("out"));
    return assertThrows(
        ParallelTarExtraction.ChecksumMismatch.class,
        () -> {
          try (ParallelTarExtraction extraction =
                  new ParallelTarExtraction(
                      TAR, target, 2, p -> Optional.ofNullable(expected.get(p)));
              InputStream in = Files.newInputStream(archive)) {
            in.transferTo(extraction);
            extraction.finish();
          }
        });
  }
}
