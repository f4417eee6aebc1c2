package com.flowviz.dr.activities.physical.basebackup;

import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.ForwardingBackupStore;
import com.flowviz.dr.activities.storage.StreamingUpload;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A store whose first upload holds still once it has taken a given number of bytes, until the test
 * lets it go: the moment to kill pg_basebackup mid-stream, with a multipart upload begun in S3.
 */
final class PausingBackupStore extends ForwardingBackupStore {

  private final long pauseAfter;
  private final CountDownLatch reached = new CountDownLatch(1);
  private final CountDownLatch released = new CountDownLatch(1);

  PausingBackupStore(BackupStore store, long pauseAfter) {
    super(store);
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
    StreamingUpload upload = delegate().upload(bucket, key, storageClass);
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
  public String describe() {
    return "pausing " + delegate().describe();
  }
}
