package com.flowviz.dr.activities.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.testing.S3FaultProxy;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
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
    BackupStores stores = new BackupStores(new S3BackupStore(east, S3BackupStore.DEFAULT_PART_SIZE),
        region -> new S3BackupStore(AwsClients.s3(region, proxy.endpoint()), S3BackupStore.DEFAULT_PART_SIZE));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new BackupStorageActivitiesImpl(stores, new WorkDirectory(work)));
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
    assertEquals("us-west-2", drFreshness.newest().region(), "the object remembers its region for the download");
    assertEquals("daily/flowviz_daily_20250119_080000.dump.gpg", primaryFreshness.newest().key());
    assertEquals("us-west-2", west.getBucketLocation(b -> b.bucket(dr)).locationConstraintAsString());
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
