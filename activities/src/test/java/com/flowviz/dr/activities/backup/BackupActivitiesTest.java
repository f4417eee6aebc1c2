package com.flowviz.dr.activities.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.crypto.RecipientKeys;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.storage.TableStats;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A backup in the runbook's format, taken through S3 (moto) and read back by hand the way the
 * runbook does it: {@code gpg --decrypt} then {@code pg_restore}.
 */
class BackupActivitiesTest {

  private static GpgHome gpg;
  @TempDir Path dir;

  @BeforeAll
  static void keys() {
    gpg = GpgHome.create();
    gpg.generateKey("backup@flowviz.com", GpgHome.KeyType.RSA, "backup passphrase");
  }

  @AfterAll
  static void removeKeys() {
    gpg.close();
  }

  @Test
  void aBackupDecryptsWithPlainGpgAndRestoresWithPgRestoreMatchingItsManifest() throws Exception {
    String source = TestPostgres.newSampleDatabase("backup", 300);
    S3Client s3 = TestMoto.s3();
    String bucket = TestMoto.newBucket(s3, "flowviz-backups");
    Path publicKey =
        Files.write(dir.resolve("backup.pub.asc"), gpg.exportPublicKey("backup@flowviz.com", true));
    // Parts of the minimum size so that even this small backup goes up in several parts.
    S3BackupStore store = new S3BackupStore(s3, 5 * 1024 * 1024);
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new BackupActivitiesImpl(
            TestPostgres.client(), PgBinaries.locate(null), store, new RecipientKeys(publicKey)));
    BackupActivities activities = TestActivities.stub(env, BackupActivities.class);
    String key = "daily/" + source + "_daily_20250119_020000.dump.gpg";

    BackupTaken taken =
        activities.takeBackup(
            new BackupSpec(source, bucket, key, "STANDARD", Instant.parse("2025-01-19T02:00:00Z")));
    env.close();

    byte[] object = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    BackupManifest stored =
        Json.read(
            s3.getObjectAsBytes(b -> b.bucket(bucket).key(taken.manifestKey())).asByteArray(),
            BackupManifest.class);
    assertEquals(taken.manifest(), stored);
    assertEquals(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(object)),
        stored.sha256());
    assertEquals(object.length, stored.encryptedBytes());
    assertEquals(300, stored.table("lots").map(TableStats::rows).orElseThrow());
    assertEquals(
        TestPostgres.query(source, "SELECT count(*) FROM temperature_logs").get(0),
        String.valueOf(stored.table("temperature_logs").orElseThrow().rows()));

    Path cipher = Files.write(dir.resolve("backup.dump.gpg"), object);
    Path plain = dir.resolve("backup.dump");
    gpg.decrypt(cipher, plain, "backup passphrase");
    assertEquals(stored.dumpBytes(), Files.size(plain));
    String restored = TestPostgres.newDatabaseName("byhand");
    TestPostgres.execute("postgres", "CREATE DATABASE " + restored);
    ChildProcess.run(
        List.of(
            PgBinaries.locate(null).program("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--dbname=" + restored,
            plain.toString()),
        TestPostgres.settings().toolEnvironment(),
        Duration.ofMinutes(5),
        null);
    assertEquals(TestPostgres.fingerprint(source), TestPostgres.fingerprint(restored));
    assertTrue(s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty());
  }

  @Test
  void anExpiredBackupKeyRefusesTheBackupBeforeAnythingIsWritten() throws Exception {
    gpg.generateExpiredKey("expired@flowviz.com");
    expectKeyRefused(gpg.exportPublicKey("expired@flowviz.com", true), "expired on 2020-01-02");
  }

  @Test
  void aRevokedBackupKeyRefusesTheBackupBeforeAnythingIsWritten() throws Exception {
    gpg.generateKey("revoked@flowviz.com", GpgHome.KeyType.CURVE25519, null);
    gpg.revokeKey("revoked@flowviz.com");
    expectKeyRefused(gpg.exportPublicKey("revoked@flowviz.com", true), "is revoked");
  }

  private void expectKeyRefused(byte[] publicKeyBytes, String why) throws Exception {
    String source = TestPostgres.newSampleDatabase("backup", 10);
    S3Client s3 = TestMoto.s3();
    String bucket = TestMoto.newBucket(s3, "flowviz-backups");
    Path publicKey =
        Files.write(dir.resolve("backup-" + System.nanoTime() + ".pub.asc"), publicKeyBytes);
    TestActivityEnvironment env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new BackupActivitiesImpl(
            TestPostgres.client(),
            PgBinaries.locate(null),
            new S3BackupStore(s3, 5 * 1024 * 1024),
            new RecipientKeys(publicKey)));
    BackupActivities activities = TestActivities.stub(env, BackupActivities.class);
    try {
      ActivityFailure failure =
          Assertions.assertThrows(
              ActivityFailure.class,
              () ->
                  activities.takeBackup(
                      new BackupSpec(
                          source,
                          bucket,
                          "daily/x_daily_20250119_020000.dump.gpg",
                          "STANDARD",
                          Instant.parse("2025-01-19T02:00:00Z"))));
      ApplicationFailure cause =
          Assertions.assertInstanceOf(ApplicationFailure.class, failure.getCause());
      assertTrue(cause.isNonRetryable());
      assertTrue(cause.getOriginalMessage().contains(why), cause.getOriginalMessage());
      assertTrue(
          cause.getOriginalMessage().contains("gpg --quick-set-expire"),
          cause.getOriginalMessage());
      assertTrue(
          s3.listObjectsV2(b -> b.bucket(bucket)).contents().isEmpty(), "nothing was uploaded");
      assertTrue(
          s3.listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty(),
          "no upload was begun");
    } finally {
      env.close();
    }
  }
}
