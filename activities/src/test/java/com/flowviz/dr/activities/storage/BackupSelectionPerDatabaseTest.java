package com.flowviz.dr.activities.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue 15, item 3: "latest" is the newest backup of the target database, chosen by the strict
 * naming scheme, against moto_server with the objects a shared bucket really holds.
 */
class BackupSelectionPerDatabaseTest {

  private static final DateTimeFormatter KEY_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

  @TempDir Path work;
  private S3Client s3;
  private String bucket;
  private TestActivityEnvironment env;
  private BackupStorageActivities activities;

  @BeforeEach
  void setUp() {
    s3 = TestMoto.s3();
    bucket = TestMoto.newBucket(s3, "per-database");
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new BackupStorageActivitiesImpl(
            BackupStores.single(new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE)),
            new WorkDirectory(work),
            Duration.ofMinutes(5)));
    activities = TestActivities.stub(env, BackupStorageActivities.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void twoDatabasesSharingAPrefixEachGetTheirOwnLatestAndLatestBeforeAPoint() {
    put("daily/flowviz_daily_20250118_020000.dump.gpg");
    put("daily/flowviz_daily_20250119_020000.dump.gpg");
    put("daily/appdb_daily_20250117_020000.dump.gpg");
    put("daily/appdb_daily_20250121_020000.dump.gpg"); // `flowviz-dr backup --database appdb`, the
    // newest of all
    put("daily/flowviz2_daily_20250122_020000.dump.gpg");
    put("daily/flowviz_test_daily_20250123_020000.dump.gpg");
    put("daily/archive/flowviz_daily_20250124_020000.dump.gpg"); // not directly under the prefix

    assertEquals("daily/flowviz_daily_20250119_020000.dump.gpg", latest("flowviz", null).key());
    assertEquals("daily/appdb_daily_20250121_020000.dump.gpg", latest("appdb", null).key());
    assertEquals("daily/flowviz2_daily_20250122_020000.dump.gpg", latest("flowviz2", null).key());
    assertEquals(
        "daily/flowviz_test_daily_20250123_020000.dump.gpg", latest("flowviz_test", null).key());
    assertEquals(
        "daily/flowviz_daily_20250118_020000.dump.gpg",
        latest("flowviz", Instant.parse("2025-01-19T01:59:59Z")).key());
    assertEquals(
        "daily/appdb_daily_20250117_020000.dump.gpg",
        latest("appdb", Instant.parse("2025-01-20T00:00:00Z")).key());
    assertEquals(
        "daily/flowviz_daily_20250119_020000.dump.gpg",
        latest("flowviz", Instant.parse("2025-01-25T00:00:00Z")).key(),
        "a later restore point still takes flowviz's own newest, not appdb's or flowviz2's");
  }

  @Test
  void signaturesManifestsAndGlobalsFilesBesideTheBackupsAreNeverChosen() {
    String backup = "daily/flowviz_daily_20250119_020000.dump.gpg";
    put(backup);
    // Written after the backup: by LastModified each is newer than it.
    put(backup + ".asc");
    put(backup + ".sig");
    putManifest(backup, "flowviz");
    put("daily/flowviz_daily_20250119_020000.globals.sql.gpg");
    put(backup + ".globals.sql.gpg");
    put("daily/flowviz_daily_20250119_020000.globals.sql.gpg.asc");
    put("daily/README.txt");

    assertEquals(backup, latest("flowviz", null).key());
    assertEquals(
        backup,
        activities.resolveBackup(new BackupSelector(bucket, "daily/", null, null)).key(),
        "a payload from before selection was per database excludes them too");
    assertEquals(
        List.of(backup),
        activities.listBackups(bucket, "daily/", 10).stream().map(BackupObject::key).toList(),
        "listing shows backups only");
  }

  @Test
  void aKeyNamedForATimeAfterTheObjectWasWrittenIsRefusedAsSuspicious() {
    put("daily/flowviz_daily_20250119_020000.dump.gpg");
    String future =
        "daily/flowviz_daily_"
            + KEY_TIME.format(Instant.now().plus(Duration.ofDays(3)))
            + ".dump.gpg";
    put(future);

    assertEquals(
        "daily/flowviz_daily_20250119_020000.dump.gpg",
        latest("flowviz", null).key(),
        "the future-dated key is passed over");

    ApplicationFailure named =
        failure(
            () ->
                activities.resolveBackup(
                    new BackupSelector(bucket, "daily/", future, null, null, "flowviz")));
    assertEquals(FailureTypes.BACKUP_REFUSED, named.getType());
    assertTrue(named.isNonRetryable());
    assertTrue(
        named.getOriginalMessage().contains("later than the object was written"),
        named.getOriginalMessage());
    assertTrue(
        named.getOriginalMessage().contains("allowing 5 min of clock skew"),
        named.getOriginalMessage());
  }

  @Test
  void aKeyWithinTheClockSkewIsAccepted() {
    put("daily/flowviz_daily_20250119_020000.dump.gpg");
    String soon =
        "daily/flowviz_daily_"
            + KEY_TIME.format(Instant.now().plus(Duration.ofMinutes(2)))
            + ".dump.gpg";
    put(soon);

    assertEquals(soon, latest("flowviz", null).key(), "a clock two minutes ahead is not an attack");
  }

  @Test
  void aBackupWhoseManifestNamesAnotherDatabaseIsRefused() {
    put("daily/flowviz_daily_20250118_020000.dump.gpg");
    putManifest("daily/flowviz_daily_20250118_020000.dump.gpg", "flowviz");
    String disguised = "daily/flowviz_daily_20250119_020000.dump.gpg";
    put(disguised);
    putManifest(disguised, "appdb");

    assertEquals("daily/flowviz_daily_20250118_020000.dump.gpg", latest("flowviz", null).key());

    ApplicationFailure named =
        failure(
            () ->
                activities.resolveBackup(
                    new BackupSelector(bucket, "daily/", disguised, null, null, "flowviz")));
    assertEquals(FailureTypes.BACKUP_REFUSED, named.getType());
    assertTrue(
        named
            .getOriginalMessage()
            .contains("its manifest names source database appdb, not flowviz"),
        named.getOriginalMessage());
  }

  @Test
  void whenEveryCandidateIsRefusedTheFailureSaysWhyForEach() {
    String disguised = "daily/flowviz_daily_20250119_020000.dump.gpg";
    put(disguised);
    putManifest(disguised, "appdb");
    String future =
        "daily/flowviz_daily_"
            + KEY_TIME.format(Instant.now().plus(Duration.ofDays(1)))
            + ".dump.gpg";
    put(future);

    ApplicationFailure refused = failure(() -> latest("flowviz", null));
    assertEquals(FailureTypes.BACKUP_REFUSED, refused.getType());
    assertTrue(refused.isNonRetryable());
    assertTrue(
        refused.getOriginalMessage().contains(future + " (its name says it was taken"),
        refused.getOriginalMessage());
    assertTrue(
        refused
            .getOriginalMessage()
            .contains(disguised + " (its manifest names source database appdb"),
        refused.getOriginalMessage());
  }

  @Test
  void aDatabaseWithNoBackupOfItsOwnFailsWithoutRetryAndNamesWhatIsThere() {
    put("daily/appdb_daily_20250121_020000.dump.gpg");

    ApplicationFailure missing = failure(() -> latest("flowviz", null));
    assertEquals(FailureTypes.BACKUP_NOT_FOUND, missing.getType());
    assertTrue(missing.isNonRetryable());
    assertTrue(
        missing
            .getOriginalMessage()
            .contains("There are no backups of flowviz under s3://" + bucket + "/daily/"),
        missing.getOriginalMessage());
    assertTrue(
        missing.getOriginalMessage().contains("appdb_daily_20250121_020000"),
        missing.getOriginalMessage());
  }

  private BackupObject latest(String database, Instant before) {
    return activities.resolveBackup(
        new BackupSelector(bucket, "daily/", null, before, null, database));
  }

  private static ApplicationFailure failure(Executable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call);
    return (ApplicationFailure) failure.getCause();
  }

  private void put(String key) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromString("ciphertext of " + key));
  }

  private void putManifest(String backupKey, String sourceDatabase) {
    BackupManifest manifest =
        new BackupManifest(
            BackupManifest.FORMAT_VERSION,
            backupKey,
            Instant.parse("2025-01-19T02:00:00Z"),
            sourceDatabase,
            "17.2",
            "17.2",
            100,
            120,
            null,
            null,
            List.of());
    s3.putObject(
        b -> b.bucket(bucket).key(BackupManifest.keyFor(backupKey)),
        RequestBody.fromBytes(Json.write(manifest)));
  }
}
