package com.flowviz.dr.activities.storage;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Backups in a local directory with S3's layout, {@code <root>/<bucket>/<key>}: what the demo uses
 * when no S3 endpoint is configured. Objects are published by an atomic rename.
 */
public final class LocalDirectoryBackupStore implements BackupStore {

  private final Path root;

  public LocalDirectoryBackupStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public List<StoredObject> list(String bucket, String prefix) throws IOException {
    Path bucketDir = bucketDir(bucket);
    List<StoredObject> objects = new ArrayList<>();
    try (Stream<Path> files = Files.walk(bucketDir)) {
      for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        String key = bucketDir.relativize(file).toString().replace(File.separatorChar, '/');
        if (key.startsWith(prefix) && !key.endsWith(".part")) {
          objects.add(describe(bucket, key, file));
        }
      }
    }
    return objects;
  }

  @Override
  public Optional<StoredObject> head(String bucket, String key) throws IOException {
    Path file = file(bucket, key);
    return Files.isRegularFile(file) ? Optional.of(describe(bucket, key, file)) : Optional.empty();
  }

  @Override
  public InputStream read(String bucket, String key, long offset, String etag) throws IOException {
    Path file = file(bucket, key);
    if (etag != null && !Files.isRegularFile(file)) {
      throw new BackupStoreException.ObjectChanged(bucket, key, null);
    }
    if (etag != null
        && !etag.equals(etagOf(Files.readAttributes(file, BasicFileAttributes.class)))) {
      throw new BackupStoreException.ObjectChanged(bucket, key, null);
    }
    InputStream in = Files.newInputStream(file);
    in.skipNBytes(offset);
    return in;
  }

  @Override
  public Optional<byte[]> readSmall(String bucket, String key) throws IOException {
    try {
      return Optional.of(Files.readAllBytes(file(bucket, key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public void writeSmall(String bucket, String key, byte[] content, String contentType)
      throws IOException {
    try (StreamingUpload upload = upload(bucket, key, "STANDARD")) {
      upload.write(content);
      upload.complete();
    }
  }

  @Override
  public StreamingUpload upload(String bucket, String key, String storageClass) throws IOException {
    Path target = file(bucket, key);
    Files.createDirectories(target.getParent());
    Path part = target.resolveSibling(target.getFileName() + ".part");
    OutputStream out =
        Files.newOutputStream(
            part,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-------"));
    return new StreamingUpload() {
      private boolean done;

      @Override
      public void write(int b) throws IOException {
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public String complete() throws IOException {
        out.close();
        Files.move(
            part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        done = true;
        return etagOf(Files.readAttributes(target, BasicFileAttributes.class));
      }

      @Override
      public void abort() {
        if (done) {
          return;
        }
        done = true;
        try {
          out.close();
          Files.deleteIfExists(part);
        } catch (IOException ignored) {
          // nothing was published; a leftover .part file is never listed
        }
      }
    };
  }

  /** Nothing is ever archived in a directory. */
  @Override
  public RestoreRequestOutcome requestRestore(
      String bucket, String key, String tier, Integer days) {
    return RestoreRequestOutcome.NOT_ARCHIVED;
  }

  /** A directory has no lifecycle: backups stay until someone deletes them. */
  @Override
  public List<LifecycleRule> lifecycleRules(String bucket) throws IOException {
    bucketDir(bucket);
    return List.of();
  }

  @Override
  public String describe() {
    return "local directory " + root;
  }

  @Override
  public List<DeleteFailure> delete(String bucket, List<String> keys) throws IOException {
    bucketDir(bucket);
    List<DeleteFailure> failures = new ArrayList<>();
    for (String key : keys) {
      try {
        // Already gone counts as deleted, as in S3.
        Files.deleteIfExists(file(bucket, key));
      } catch (IOException e) {
        failures.add(new DeleteFailure(key, e.getClass().getSimpleName(), e.getMessage()));
      }
    }
    return failures;
  }

  private Path bucketDir(String bucket) throws IOException {
    Path dir = root.resolve(bucket).normalize();
    if (!dir.startsWith(root) || !Files.isDirectory(dir)) {
      throw new BackupStoreException.BucketNotFound(bucket, null);
    }
    return dir;
  }

  private Path file(String bucket, String key) throws IOException {
    Path dir = bucketDir(bucket);
    Path file = dir.resolve(key).normalize();
    if (!file.startsWith(dir)) {
      throw new IllegalArgumentException("key " + key + " escapes the bucket directory");
    }
    return file;
  }

  private static StoredObject describe(String bucket, String key, Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return new StoredObject(
        bucket,
        key,
        attributes.size(),
        attributes.lastModifiedTime().toInstant(),
        "STANDARD",
        etagOf(attributes),
        null,
        null);
  }

  private static String etagOf(BasicFileAttributes attributes) {
    return Long.toHexString(attributes.size())
        + "-"
        + Long.toHexString(attributes.lastModifiedTime().toMillis());
  }
}
