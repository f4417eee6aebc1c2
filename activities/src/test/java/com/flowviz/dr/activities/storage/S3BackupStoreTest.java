package com.flowviz.dr.activities.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.TestMoto;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 store against moto_server over HTTP with the real SDK. */
class S3BackupStoreTest {

  private static final int PART = 5 * 1024 * 1024;
  private static S3Client s3;
  private static S3BackupStore store;

  @BeforeAll
  static void connect() {
    s3 = TestMoto.s3();
    store = new S3BackupStore(s3, PART);
  }

  @Test
  void uploadsInPartsWithoutHoldingTheObjectAndReadsItBack() throws Exception {
    String bucket = TestMoto.newBucket(s3, "upload");
    // More parts than are sent at once: they are sent in the background and must still be
    // assembled in order.
    byte[] content = random(4 * PART + 1234);
    try (StreamingUpload upload = store.upload(bucket, "daily/x.dump.gpg", "STANDARD_IA")) {
      for (int i = 0; i < content.length; i += 100_000) {
        upload.write(content, i, Math.min(100_000, content.length - i));
      }
      upload.complete();
    }
    StoredObject head = store.head(bucket, "daily/x.dump.gpg").orElseThrow();
    assertEquals(content.length, head.size());
    assertEquals("STANDARD_IA", head.storageClass());
    assertTrue(head.etag().endsWith("-5"), "five parts: " + head.etag());
    try (InputStream in = store.read(bucket, "daily/x.dump.gpg", 0, head.etag())) {
      assertArrayEquals(content, in.readAllBytes());
    }
  }

  @Test
  void readsFromAnOffsetForAResumedDownload() throws Exception {
    String bucket = TestMoto.newBucket(s3, "range");
    byte[] content = random(300_000);
    store.writeSmall(bucket, "daily/y.dump.gpg", content, "application/octet-stream");
    String etag = store.head(bucket, "daily/y.dump.gpg").orElseThrow().etag();
    try (InputStream in = store.read(bucket, "daily/y.dump.gpg", 123_456, etag)) {
      assertArrayEquals(Arrays.copyOfRange(content, 123_456, content.length), in.readAllBytes());
    }
  }

  @Test
  void refusesToResumeFromAnObjectThatWasReplaced() throws Exception {
    String bucket = TestMoto.newBucket(s3, "changed");
    store.writeSmall(bucket, "daily/z.dump.gpg", random(1000), "application/octet-stream");
    String etag = store.head(bucket, "daily/z.dump.gpg").orElseThrow().etag();
    store.writeSmall(bucket, "daily/z.dump.gpg", random(1001), "application/octet-stream");
    assertThrows(
        BackupStoreException.ObjectChanged.class,
        () -> store.read(bucket, "daily/z.dump.gpg", 10, etag).close());
  }

  @Test
  void anAbortedUploadLeavesNoObject() throws Exception {
    String bucket = TestMoto.newBucket(s3, "abort");
    try (StreamingUpload upload = store.upload(bucket, "daily/partial.dump.gpg", "STANDARD")) {
      upload.write(random(PART + 10));
      // no complete(): the backup failed half way
    }
    assertFalse(store.head(bucket, "daily/partial.dump.gpg").isPresent());
    assertTrue(
        s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty(),
        "the multipart upload was aborted");
  }

  @Test
  void aPartThatFailsInTheBackgroundFailsTheUploadAndLeavesNoObject() throws Exception {
    String bucket = TestMoto.newBucket(s3, "partfail");
    String key = "base/failing.tar.gpg";
    StreamingUpload upload = store.upload(bucket, key, "STANDARD");
    upload.write(random(PART + 10));
    // The upload disappears behind the store's back (a lifecycle rule, another operator): the
    // parts still to come are refused by S3, on the sending threads.
    for (var pending : s3.listMultipartUploads(b -> b.bucket(bucket)).uploads()) {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(pending.uploadId()));
    }
    java.io.IOException failed =
        assertThrows(
            java.io.IOException.class,
            () -> {
              for (int i = 0; i < 4; i++) {
                upload.write(random(PART));
              }
              upload.complete();
            });
    upload.close();
    assertTrue(failed.getMessage() != null && !failed.getMessage().isBlank(), failed.toString());
    assertFalse(store.head(bucket, key).isPresent(), "no object from a failed upload");
  }

  @Test
  void tellsAMissingKeyFromAMissingBucket() throws Exception {
    String bucket = TestMoto.newBucket(s3, "missing");
    assertTrue(store.head(bucket, "daily/none.dump.gpg").isEmpty());
    assertThrows(
        BackupStoreException.BucketNotFound.class,
        () -> store.head("no-such-bucket-flowviz", "daily/a.dump.gpg"));
    assertThrows(
        BackupStoreException.BucketNotFound.class,
        () -> store.list("no-such-bucket-flowviz", "daily/"));
  }

  @Test
  void listsEveryObjectUnderAPrefix() throws Exception {
    String bucket = TestMoto.newBucket(s3, "list");
    for (String key : List.of("daily/a.dump.gpg", "daily/b.dump.gpg", "weekly/c.dump.gpg")) {
      store.writeSmall(bucket, key, new byte[] {1}, "application/octet-stream");
    }
    assertEquals(
        List.of("daily/a.dump.gpg", "daily/b.dump.gpg"),
        store.list(bucket, "daily/").stream().map(StoredObject::key).sorted().toList());
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }
}
