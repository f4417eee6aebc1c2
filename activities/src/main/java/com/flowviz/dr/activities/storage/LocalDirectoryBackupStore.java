package com.flowviz.dr.activities.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import com.flowviz.dr.activities.json.Json;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Backups in a local directory with S3's layout, {@code <root>/<bucket>/<key>}: what the demo uses
 * when no S3 endpoint is configured. Objects are published by an atomic rename.
 */
public final class LocalDirectoryBackupStore implements BackupStore {

  /** User metadata of an object sits beside it in this file (JSON), written before the object. */
  static final String METADATA_SUFFIX = ".flowviz-metadata";

  /** Create-only writes of a key take a lock on this file, so two writers cannot both create. */
  static final String LOCK_SUFFIX = ".flowviz-lock";

  private static final TypeReference<Map<String, String>> METADATA = new TypeReference<>() {};

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
        if (key.startsWith(prefix)
            && !key.endsWith(".part")
            && !key.endsWith(METADATA_SUFFIX)
            && !key.endsWith(LOCK_SUFFIX)) {
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

  @Override
  public CreateOutcome createSmall(
      String bucket, String key, byte[] content, String contentType, Map<String, String> metadata)
      throws IOException {
    Path target = file(bucket, key);
    Files.createDirectories(target.getParent());
    Path lockFile = target.resolveSibling(target.getFileName() + LOCK_SUFFIX);
    try (FileChannel channel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      if (Files.exists(target)) {
        return CreateOutcome.ALREADY_EXISTS;
      }
      // The metadata first: the object is visible only once it has its metadata.
      Path metadataFile = target.resolveSibling(target.getFileName() + METADATA_SUFFIX);
      writeDurably(metadataFile, Json.MAPPER.writeValueAsBytes(metadata), true);
      writeDurably(target, content, false);
      return CreateOutcome.CREATED;
    }
  }

  /** Temp file, fsync, rename: the file is whole or absent; create-only unless replace. */
  private static void writeDurably(Path target, byte[] content, boolean replace)
      throws IOException {
    Path part = target.resolveSibling(target.getFileName() + ".part");
    try (FileChannel out =
        FileChannel.open(
            part,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("rw-------"));
      out.write(ByteBuffer.wrap(content));
      out.force(true);
    }
    if (replace) {
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } else {
      try {
        Files.createLink(target, part);
      } catch (FileAlreadyExistsException e) {
        throw new IOException(target + " appeared during a create-only write", e);
      } finally {
        Files.deleteIfExists(part);
      }
    }
  }

  @Override
  public Optional<Map<String, String>> metadata(String bucket, String key) throws IOException {
    Path file = file(bucket, key);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Path metadataFile = file.resolveSibling(file.getFileName() + METADATA_SUFFIX);
    if (!Files.isRegularFile(metadataFile)) {
      return Optional.of(Map.of());
    }
    return Optional.of(Json.MAPPER.readValue(Files.readAllBytes(metadataFile), METADATA));
  }

  @Override
  public Optional<SmallObject> readSmallWithMetadata(String bucket, String key) throws IOException {
    Optional<Map<String, String>> metadata = metadata(bucket, key);
    if (metadata.isEmpty()) {
      return Optional.empty();
    }
    Optional<byte[]> content = readSmall(bucket, key);
    return content.map(c -> new SmallObject(c, metadata.get()));
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
