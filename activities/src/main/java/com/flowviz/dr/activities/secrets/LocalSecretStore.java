package com.flowviz.dr.activities.secrets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/** Secrets as 0600 files in a 0700 directory: the dev stack's stand-in for Secrets Manager. */
public final class LocalSecretStore implements SecretStore {
  private final Path dir;

  public LocalSecretStore(Path dir) {
    this.dir = dir;
  }

  @Override
  public Optional<String> read(String name) {
    Path file = file(name);
    try {
      return Files.isRegularFile(file)
          ? Optional.of(Files.readString(file, StandardCharsets.UTF_8))
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void write(String name, String value) {
    writeFile(file(name), value);
  }

  /** The pending value is a file beside the current one; promoting it is an atomic rename. */
  @Override
  public Optional<String> readPending(String name) {
    Path file = pendingFile(name);
    try {
      return Files.isRegularFile(file)
          ? Optional.of(Files.readString(file, StandardCharsets.UTF_8))
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void writePending(String name, String value) {
    writeFile(pendingFile(name), value);
  }

  @Override
  public void promotePending(String name) {
    try {
      if (Files.isRegularFile(pendingFile(name))) {
        Files.move(
            pendingFile(name),
            file(name),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeFile(Path target, String value) {
    try {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path temp =
          Files.createTempFile(
              dir,
              ".secret",
              ".tmp",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(temp, value, StandardCharsets.UTF_8);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path pendingFile(String name) {
    return dir.resolve(file(name).getFileName() + ".AWSPENDING");
  }

  @Override
  public void delete(String name) {
    try {
      Files.deleteIfExists(file(name));
      Files.deleteIfExists(pendingFile(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path file(String name) {
    return dir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_"));
  }
}
