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
      return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void write(String name, String value) {
    try {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      Path temp = Files.createTempFile(dir, ".secret", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(temp, value, StandardCharsets.UTF_8);
      Files.move(temp, file(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void delete(String name) {
    try {
      Files.deleteIfExists(file(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Path file(String name) {
    return dir.resolve(name.replaceAll("[^A-Za-z0-9._-]", "_"));
  }
}
