package com.flowviz.dr.activities.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.postgres.ClusterGlobals;
import com.flowviz.dr.activities.testing.S3FaultProxy;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Runbook 4.4 step 1 with buckets in two regions, each read through a client of its region. */
class BucketFreshnessTest {

  @TempDir Path work;
  private S3FaultProxy proxy;
  private TestActivityEnvironment env;
  private BackupStorageActivities storage;
  private S3Client east;
  private S3Client west;

  @BeforeEach
  void setUp() {
    proxy = S3FaultProxy.in(TestMoto.endpoint());
    east = AwsClients.s3("us-east-1", proxy.endpoint());
    west = AwsClients.s3("us-west-2", proxy.endpoint());
    BackupStores stores =
        new BackupStores(
            new S3BackupStore(east, S3BackupStore.DEFAULT_PART_SIZE),
            region ->
                new S3BackupStore(
                    AwsClients.s3(region, proxy.endpoint()), S3BackupStore.DEFAULT_PART_SIZE));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new BackupStorageActivitiesImpl(stores, new WorkDirectory(work)));
    storage = TestActivities.stub(env, BackupStorageActivities.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
    proxy.close();
  }

  @Test
  void findsTheNewestBackupOfEachRegionsBucket() {
    String primary = TestMoto.newBucket(east, "flowviz-backups", "us-east-1");
    String dr = TestMoto.newBucket(west, "flowviz-backups-prod-us-west-2", "us-west-2");
    put(east, primary, "daily/flowviz_daily_20250119_020000.dump.gpg");
    put(east, primary, "daily/flowviz_daily_20250119_080000.dump.gpg");
    put(west, dr, "daily/flowviz_daily_20250119_020000.dump.gpg");

    BucketFreshness drFreshness = storage.newestBackup(dr, "us-west-2", "daily/");
    BucketFreshness primaryFreshness = storage.newestBackup(primary, "us-east-1", "daily/");

    assertEquals("daily/flowviz_daily_20250119_020000.dump.gpg", drFreshness.newest().key());
    assertEquals(
        "us-west-2",
        drFreshness.newest().region(),
        "the object remembers its region for the download");
    assertEquals("daily/flowviz_daily_20250119_080000.dump.gpg", primaryFreshness.newest().key());
    assertEquals(
        "us-west-2", west.getBucketLocation(b -> b.bucket(dr)).locationConstraintAsString());
  }

  /**
   * Scenario 2.5 asks how old the newest backup is: a signature, manifest or globals file written
   * after it, a stray encrypted file, a backup in a sub-folder, or a key named for a time it was
   * not yet written are not a fresher backup.
   */
  @Test
  void onlyAStrictlyNamedBackupCountsAsTheNewest() {
    String primary = TestMoto.newBucket(east, "flowviz-backups", "us-east-1");
    String backup = "daily/flowviz_daily_20250119_020000.dump.gpg";
    put(east, primary, backup);
    // Written after the backup, so each is newer by LastModified, the time a non-backup is dated
    // by.
    put(east, primary, backup + ".sig");
    put(east, primary, backup + ".asc");
    put(east, primary, BackupManifest.keyFor(backup));
    put(east, primary, ClusterGlobals.keyFor(backup));
    put(east, primary, "daily/notes.gpg");
    put(east, primary, "daily/old/flowviz_daily_20250120_020000.dump.gpg");
    put(east, primary, "daily/flowviz_daily_29990101_000000.dump.gpg");

    BucketFreshness freshness = storage.newestBackup(primary, "us-east-1", "daily/");

    assertTrue(freshness.reachable());
    assertEquals(backup, freshness.newest().key());
    assertEquals(Instant.parse("2025-01-19T02:00:00Z"), freshness.newest().takenAt());
  }

  @Test
  void onlySignaturesAndManifestsMeanNoBackup() {
    String primary = TestMoto.newBucket(east, "flowviz-backups", "us-east-1");
    put(east, primary, "daily/flowviz_daily_20250119_020000.dump.gpg.sig");
    put(east, primary, "daily/flowviz_daily_20250119_020000.dump.gpg.asc");
    put(east, primary, BackupManifest.keyFor("daily/flowviz_daily_20250119_020000.dump.gpg"));

    BucketFreshness freshness = storage.newestBackup(primary, "us-east-1", "daily/");

    assertTrue(freshness.reachable());
    assertNull(freshness.newest(), "no backup at all, so none is fresh");
  }

  @Test
  void anUnreachableBucketIsReportedNotFailed() {
    String primary = TestMoto.newBucket(east, "flowviz-backups", "us-east-1");
    proxy.denyBucket(primary);
    BucketFreshness freshness = storage.newestBackup(primary, "us-east-1", "daily/");
    assertFalse(freshness.reachable());
    assertNull(freshness.newest());
    assertTrue(freshness.problem().contains("denied"), freshness.problem());
  }

  private static void put(S3Client s3, String bucket, String key) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("x"));
  }
}
