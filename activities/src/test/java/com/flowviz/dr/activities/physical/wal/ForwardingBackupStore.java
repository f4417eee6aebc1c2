package com.flowviz.dr.activities.physical.wal;

import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.LifecycleRule;
import com.flowviz.dr.activities.storage.StoredObject;
import com.flowviz.dr.activities.storage.StreamingUpload;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real store with one seam: tests override the call at which they make something happen (a
 * competing archiver's write between our HEAD and our PUT). Everything else goes to the store.
 */
class ForwardingBackupStore implements BackupStore {
  private final BackupStore store;

  ForwardingBackupStore(BackupStore store) {
    this.store = store;
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

  @Override
  public List<DeleteFailure> delete(String bucket, List<String> keys) throws IOException {
    return store.delete(bucket, keys);
  }
}
