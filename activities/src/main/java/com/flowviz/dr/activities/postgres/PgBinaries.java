package com.flowviz.dr.activities.postgres;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the PostgreSQL programs are: an explicit directory, else the newest {@code
 * /usr/lib/postgresql/<major>/bin} (Debian's layout), else the PATH.
 */
public final class PgBinaries {

  private final Path binDir;

  private PgBinaries(Path binDir) {
    this.binDir = binDir;
  }

  public static PgBinaries locate(String configuredDir) {
    if (configuredDir != null && !configuredDir.isBlank()) {
      return new PgBinaries(Path.of(configuredDir));
    }
    return new PgBinaries(newestDebianBinDir().orElse(null));
  }

  /** The path of a program, e.g. "pg_restore". */
  public String program(String name) {
    if (binDir != null && Files.isExecutable(binDir.resolve(name))) {
      return binDir.resolve(name).toString();
    }
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    throw new IllegalStateException(
        name
            + " was not found (looked in "
            + (binDir == null ? "" : binDir + " and ")
            + "PATH). Install the PostgreSQL client and server programs (Debian: apt-get install"
            + " postgresql postgresql-client) or set flowviz.pg.bin-dir.");
  }

  private static Optional<Path> newestDebianBinDir() {
    Path root = Path.of("/usr/lib/postgresql");
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> versions = Files.list(root)) {
      return versions
          .filter(p -> p.getFileName().toString().matches("\\d+"))
          .filter(p -> Files.isExecutable(p.resolve("bin/pg_restore")))
          .max(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString())))
          .map(p -> p.resolve("bin"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
