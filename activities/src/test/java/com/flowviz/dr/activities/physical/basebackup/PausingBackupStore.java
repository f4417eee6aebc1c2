package com.flowviz.dr.activities.physical.basebackup;

import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.LifecycleRule;
import com.flowviz.dr.activities.storage.StoredObject;
import com.flowviz.dr.activities.storage.StreamingUpload;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A store whose first upload holds still once it has taken a given number of bytes, until the test
 * lets it go: the moment to kill pg_basebackup mid-stream, with a multipart upload begun in S3.
 */
final class PausingBackupStore implements BackupStore {

  private final BackupStore store;
  private final long pauseAfter;
  private final CountDownLatch reached = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  PausingBackupStore(BackupStore store, long pauseAfter) {
    this.store = store;
    this.pauseAfter = pauseAfter;
  }

  /** Waits until the upload holds still; false when it did not get there in time. */
  boolean awaitPaused(long seconds) throws InterruptedException {
    return reached.await(seconds, TimeUnit.SECONDS);
  }

  void release() {
    released.countDown();
  }

  @Override
  public StreamingUpload upload(String bucket, String key, String storageClass) throws IOException {
    StreamingUpload upload = store.upload(bucket, key, storageClass);
    return new StreamingUpload() {
      private long written;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        upload.write(b, off, len);
        written += len;
        if (written >= pauseAfter && reached.getCount() > 0) {
          reached.countDown();
          try {
            released.await(2, TimeUnit.MINUTES);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
          }
        }
      }

      @Override
      public String complete() throws IOException {
        return upload.complete();
      }

      @Override
      public void abort() {
        upload.abort();
      }
    };
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
  public RestoreRequestOutcome requestRestore(String bucket, String key, String tier, Integer days)
      throws IOException {
    return store.requestRestore(bucket, key, tier, days);
  }

  @Override
  public List<LifecycleRule> lifecycleRules(String bucket) throws IOException {
    return store.lifecycleRules(bucket);
  }

  @Override
  public List<DeleteFailure> delete(String bucket, List<String> keys) throws IOException {
    return store.delete(bucket, keys);
  }

  @Override
  public String describe() {
    return "pausing " + store.describe();
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
