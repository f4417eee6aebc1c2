package com.flowviz.dr.activities.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where backups live: S3, or a local directory laid out the same way ({@code
 * <root>/<bucket>/<key>}).
 */
public interface BackupStore {

  /** Every object under the prefix. */
  List<StoredObject> list(String bucket, String prefix) throws IOException;

  Optional<StoredObject> head(String bucket, String key) throws IOException;

  /**
   * Reads the object from {@code offset} to its end.
   *
   * @param etag when not null, the read fails with {@link BackupStoreException.ObjectChanged} if
   *     the object is no longer the one with this tag
   */
  InputStream read(String bucket, String key, long offset, String etag) throws IOException;

  Optional<byte[]> readSmall(String bucket, String key) throws IOException;

  void writeSmall(String bucket, String key, byte[] content, String contentType) throws IOException;

  StreamingUpload upload(String bucket, String key, String storageClass) throws IOException;

  /** Asks for a temporary readable copy of an archived object (S3 RestoreObject). */
  RestoreRequestOutcome requestRestore(String bucket, String key, String tier, Integer days)
      throws IOException;

  /** The bucket's lifecycle rules; empty when it has none. */
  List<LifecycleRule> lifecycleRules(String bucket) throws IOException;

  /** What S3 answered to a RestoreObject request. */
  enum RestoreRequestOutcome {
    /** 202: a new retrieval started. */
    ACCEPTED,
    /** 409 RestoreAlreadyInProgress. */
    ALREADY_IN_PROGRESS,
    /** 200: a restored copy exists; its expiry was extended. */
    ALREADY_RESTORED,
    /** The object is not in an archive storage class. */
    NOT_ARCHIVED
  }

  /** A name for messages, e.g. "S3 (us-east-1)" or "local directory /var/backups". */
  String describe();

  // ---- Create-only writes and object metadata (WAL archiving, issue 17) ----

  /** What a create-only write found. */
  enum CreateOutcome {
    /** The object was written and is durable. */
    CREATED,
    /** An object already had the key; nothing was written. */
    ALREADY_EXISTS
  }

  /**
   * Writes the object only if no object has the key (S3 {@code If-None-Match: *}), with user
   * metadata (names in lower case, without {@code x-amz-meta-}). An object is never replaced.
   */
  CreateOutcome createSmall(
      String bucket, String key, byte[] content, String contentType, Map<String, String> metadata)
      throws IOException;

  /** The object's user metadata; empty when there is no such object. */
  Optional<Map<String, String>> metadata(String bucket, String key) throws IOException;

  /** The object's content and user metadata in one read; empty when there is no such object. */
  Optional<SmallObject> readSmallWithMetadata(String bucket, String key) throws IOException;

  /** A whole object and its user metadata. */
  record SmallObject(byte[] content, Map<String, String> metadata) {}
}
