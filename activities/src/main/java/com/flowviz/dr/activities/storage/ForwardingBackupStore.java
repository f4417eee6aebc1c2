package com.flowviz.dr.activities.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A store that hands every call to another one: a decorator overrides only the calls it changes (a
 * signature added to each write, a pause at a chosen byte in a test), and a method added to {@link
 * BackupStore} is forwarded here once rather than in each decorator.
 */
public abstract class ForwardingBackupStore implements BackupStore {

  private final BackupStore store;

  protected ForwardingBackupStore(BackupStore store) {
    this.store = store;
  }

  /** The store the calls go to. */
  protected final BackupStore delegate() {
    return store;
  }

  @Override
  public List<StoredObject> list(String bucket, String prefix) throws IOException {
    return store.list(bucket, prefix);
  }

  @Override
  public Optional<StoredObject> head(String bucket, String key) throws IOException {
    return store.head(bucket, key);
  }

  @Override
  public InputStream read(String bucket, String key, long offset, String etag) throws IOException {
    return store.read(bucket, key, offset, etag);
  }

  @Override
  public Optional<byte[]> readSmall(String bucket, String key) throws IOException {
    return store.readSmall(bucket, key);
  }

  @Override
  public void writeSmall(String bucket, String key, byte[] content, String contentType)
      throws IOException {
    store.writeSmall(bucket, key, content, contentType);
  }

  @Override
  public StreamingUpload upload(String bucket, String key, String storageClass) throws IOException {
    return store.upload(bucket, key, storageClass);
  }

  @Override
  public RestoreRequestOutcome requestRestore(String bucket, String key, String tier, Integer days)
      throws IOException {
    return store.requestRestore(bucket, key, tier, days);
  }

  @Override
  public List<LifecycleRule> lifecycleRules(String bucket) throws IOException {
    return store.lifecycleRules(bucket);
  }

  @Override
  public String describe() {
    return store.describe();
  }

  @Override
  public List<DeleteFailure> delete(String bucket, List<String> keys) throws IOException {
    return store.delete(bucket, keys);
  }

  @Override
  public CreateOutcome createSmall(
      String bucket, String key, byte[] content, String contentType, Map<String, String> metadata)
      throws IOException {
    return store.createSmall(bucket, key, content, contentType, metadata);
  }

  @Override
  public Optional<Map<String, String>> metadata(String bucket, String key) throws IOException {
    return store.metadata(bucket, key);
  }

  @Override
  public Optional<SmallObject> readSmallWithMetadata(String bucket, String key) throws IOException {
    return store.readSmallWithMetadata(bucket, key);
  }
}
