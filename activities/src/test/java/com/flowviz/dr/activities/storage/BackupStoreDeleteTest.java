package com.flowviz.dr.activities.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.testing.S3FaultProxy;
import com.flowviz.dr.activities.testing.TestMoto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** {@link BackupStore#delete}: S3 DeleteObjects in batches of 1000, and the local directory. */
class BackupStoreDeleteTest {

  private S3FaultProxy proxy;
  private S3Client s3;
  private String bucket;

  @BeforeEach
  void setUp() {
    proxy = S3FaultProxy.in(TestMoto.endpoint());
    s3 = AwsClients.s3(TestMoto.REGION, proxy.endpoint());
    bucket = TestMoto.newBucket(s3, "delete");
  }

  @AfterEach
  void tearDown() {
    proxy.close();
  }

  @Test
  void deletesInBatchesOfAThousandAndCountsAMissingKeyAsDeleted() throws Exception {
    S3Client direct = TestMoto.s3();
    List<String> keys = new ArrayList<>();
    IntStream.range(0, 1001)
        .forEach(
            i -> {
              String key = String.format("wal/1/00000001/%04d.gpg", i);
              direct.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("x"));
              keys.add(key);
            });
    keys.add("wal/1/00000001/never-written.gpg");
    direct.putObject(b -> b.bucket(bucket).key("base/keep.gpg"), RequestBody.fromString("x"));
    BackupStore store = new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE);

    List<BackupStore.DeleteFailure> failures = store.delete(bucket, keys);

    assertEquals(List.of(), failures);
    assertEquals(
        2,
        proxy.requests().stream()
            .filter(r -> r.method().equals("POST") && r.query() != null)
            .filter(r -> r.query().contains("delete"))
            .count(),
        "1002 keys: two DeleteObjects requests");
    assertEquals(
        List.of("base/keep.gpg"), store.list(bucket, "").stream().map(o -> o.key()).toList());
    assertEquals(List.of(), store.delete(bucket, keys), "deleting again is harmless");
  }

  @Test
  void aBucketTheWorkerMayNotTouchFailsTheWholeBatchAsAccessDenied() {
    proxy.denyBucket(bucket);
    BackupStore store = new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE);
    assertThrows(
        BackupStoreException.AccessDenied.class, () -> store.delete(bucket, List.of("wal/x")));
  }

  @Test
  void aLocalDirectoryReportsTheKeyItCouldNotDeleteAndDeletesTheRest(@TempDir Path root)
      throws Exception {
    Path bucketDir = Files.createDirectories(root.resolve("backups"));
    Files.createDirectories(bucketDir.resolve("wal/1/00000001"));
    Files.writeString(bucketDir.resolve("wal/1/00000001/a.gpg"), "a");
    // A directory with something in it where an object is expected: it cannot be deleted.
    Files.createDirectories(bucketDir.resolve("wal/1/00000001/b.gpg"));
    Files.writeString(bucketDir.resolve("wal/1/00000001/b.gpg/inside"), "b");
    BackupStore store = new LocalDirectoryBackupStore(root);

    List<BackupStore.DeleteFailure> failures =
        store.delete(
            "backups",
            List.of("wal/1/00000001/a.gpg", "wal/1/00000001/b.gpg", "wal/1/00000001/gone.gpg"));

    assertEquals(1, failures.size(), failures.toString());
    assertEquals("wal/1/00000001/b.gpg", failures.get(0).key());
    assertEquals("DirectoryNotEmptyException", failures.get(0).code());
    assertFalse(Files.exists(bucketDir.resolve("wal/1/00000001/a.gpg")));
    assertTrue(Files.exists(bucketDir.resolve("wal/1/00000001/b.gpg/inside")));
  }
}
