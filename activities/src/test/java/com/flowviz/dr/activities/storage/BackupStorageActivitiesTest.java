package com.flowviz.dr.activities.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class BackupStorageActivitiesTest {

  @TempDir Path work;
  private S3Client s3;
  private String bucket;
  private TestActivityEnvironment env;
  private BackupStorageActivities activities;

  @BeforeEach
  void setUp() {
    s3 = TestMoto.s3();
    bucket = TestMoto.newBucket(s3, "resolve");
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new BackupStorageActivitiesImpl(
            new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE), new WorkDirectory(work)));
    activities = TestActivities.stub(env, BackupStorageActivities.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void resolvesTheNewestBackupByTheTimeInItsName() {
    put("daily/flowviz_daily_20250118_020000.dump.gpg");
    put("daily/flowviz_daily_20250119_020000.dump.gpg");
    put("daily/flowviz_daily_20250117_020000.dump.gpg");
    put("daily/flowviz_daily_20250119_020000.dump.gpg.manifest.json");

    BackupObject latest =
        activities.resolveBackup(new BackupSelector(bucket, "daily/", null, null));

    assertEquals("daily/flowviz_daily_20250119_020000.dump.gpg", latest.key());
    assertEquals(Instant.parse("2025-01-19T02:00:00Z"), latest.takenAt());
  }

  @Test
  void resolvesTheNewestBackupTakenBeforeARestorePoint() {
    put("daily/flowviz_daily_20250118_020000.dump.gpg");
    put("daily/flowviz_daily_20250119_020000.dump.gpg");

    BackupObject chosen =
        activities.resolveBackup(
            new BackupSelector(bucket, "daily/", null, Instant.parse("2025-01-19T01:59:59Z")));

    assertEquals("daily/flowviz_daily_20250118_020000.dump.gpg", chosen.key());
  }

  @Test
  void anUnknownKeyFailsWithoutRetryAndNamesWhatExists() {
    put("daily/flowviz_daily_20250119_020000.dump.gpg");
    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () ->
                activities.resolveBackup(
                    new BackupSelector(
                        bucket, "daily/", "daily/flowviz_daily_20240101_000000.dump.gpg", null)));
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertEquals(FailureTypes.BACKUP_NOT_FOUND, cause.getType());
    assertTrue(cause.isNonRetryable());
    assertTrue(
        cause.getOriginalMessage().contains("flowviz_daily_20250119_020000"),
        cause.getOriginalMessage());
  }

  @Test
  void noBackupBeforeTheRestorePointFailsWithoutRetry() {
    put("daily/flowviz_daily_20250119_020000.dump.gpg");
    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () ->
                activities.resolveBackup(
                    new BackupSelector(
                        bucket, "daily/", null, Instant.parse("2025-01-01T00:00:00Z"))));
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertEquals(FailureTypes.BACKUP_NOT_FOUND, cause.getType());
    assertTrue(
        cause.getOriginalMessage().contains("taken before 2025-01-01T00:00:00Z"),
        cause.getOriginalMessage());
  }

  @Test
  void aBackupWithoutManifestHasNone() {
    put("daily/flowviz_daily_20250119_020000.dump.gpg");
    BackupObject latest =
        activities.resolveBackup(new BackupSelector(bucket, "daily/", null, null));
    assertNull(activities.readManifest(latest));
  }

  @Test
  void resumesAnInterruptedDownloadFromWhereItStopped() throws Exception {
    byte[] content = new byte[3_000_000];
    new Random(7).nextBytes(content);
    s3.putObject(
        b -> b.bucket(bucket).key("daily/flowviz_daily_20250119_020000.dump.gpg"),
        RequestBody.fromBytes(content));
    BackupObject backup =
        activities.resolveBackup(new BackupSelector(bucket, "daily/", null, null));
    // An earlier attempt wrote the first million bytes before its worker died.
    Path dir = new WorkDirectory(work).forWorkflow("test-workflow-id");
    Files.write(dir.resolve("backup.gpg.part"), Arrays.copyOf(content, 1_000_000));

    DownloadedBackup downloaded = activities.downloadBackup(backup);

    assertEquals(1_000_000, downloaded.resumedFromOffset());
    assertEquals(content.length, downloaded.bytes());
    assertEquals(
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)),
        downloaded.sha256());
    Path file = Path.of(downloaded.path());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(
        "rwx------",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
    assertTrue(Arrays.equals(content, Files.readAllBytes(file)));
  }

  @Test
  void aBucketThatDoesNotExistFailsWithoutRetry() {
    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () -> activities.listBackups("no-such-bucket-flowviz", "daily/", 10));
    assertEquals(
        FailureTypes.BACKUP_NOT_FOUND, ((ApplicationFailure) failure.getCause()).getType());
  }

  @Test
  void listsNewestFirstAndSkipsManifests() {
    put("daily/flowviz_daily_20250118_020000.dump.gpg");
    put("daily/flowviz_daily_20250119_020000.dump.gpg");
    put("daily/flowviz_daily_20250119_020000.dump.gpg.manifest.json");
    List<BackupObject> listed = activities.listBackups(bucket, "daily/", 10);
    assertEquals(
        List.of(
            "daily/flowviz_daily_20250119_020000.dump.gpg",
            "daily/flowviz_daily_20250118_020000.dump.gpg"),
        listed.stream().map(BackupObject::key).toList());
  }

  private void put(String key) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("x"));
  }
}
