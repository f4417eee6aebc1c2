package com.flowviz.dr.activities.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStores;
import com.flowviz.dr.activities.storage.BackupTimes;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What the incident checklist's whole read of a backup proves, and what a failing 4.1 restore says
 * about the backups after it: real gpg-encrypted pg_dump archives in moto_server.
 */
class BackupValidityTest {

  private static final String KEY = "backup@flowviz.com";
  private static final String OTHER = "someone-else@flowviz.com";
  private static GpgHome gpg;
  private static byte[] dump;
  @TempDir Path dir;
  private S3Client s3;
  private String bucket;
  private TestActivityEnvironment env;
  private BackupDecryptionActivities activities;

  @BeforeAll
  static void keysAndDump(@TempDir Path tmp) throws Exception {
    gpg = GpgHome.create();
    gpg.generateKey(KEY, GpgHome.KeyType.RSA, null);
    gpg.generateKey(OTHER, GpgHome.KeyType.RSA, null);
    String db = TestPostgres.newSampleDatabase("validity", 2_000);
    dump = Files.readAllBytes(TestPostgres.pgDump(db, tmp.resolve("validity.dump")));
  }

  @AfterAll
  static void removeKeys() {
    gpg.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    s3 = TestMoto.s3();
    bucket = TestMoto.newBucket(s3, "validity");
    Path keyFile = Files.write(dir.resolve("key.asc"), gpg.exportSecretKey(KEY, null, true));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new BackupDecryptionActivitiesImpl(
            new FilePrivateKeySource(keyFile, null),
            new WorkDirectory(dir.resolve("work")),
            BackupStores.single(new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE))));
    activities = TestActivities.stub(env, BackupDecryptionActivities.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aSoundBackupIsValidAndItsManifestsHashIsChecked() throws Exception {
    byte[] ciphertext = encrypt(KEY);
    BackupObject backup = put("daily/flowviz_daily_20250119_020000.dump.gpg", ciphertext);

    BackupValidity withManifest =
        activities.checkBackupValidity(backup, manifest(backup.key(), sha256(ciphertext)));
    assertTrue(withManifest.valid(), withManifest.toString());
    assertNull(withManifest.problem());
    assertTrue(
        withManifest.checked().contains("SHA-256 matches the manifest"), withManifest.checked());

    BackupValidity wrongHash =
        activities.checkBackupValidity(backup, manifest(backup.key(), sha256(new byte[] {1})));
    assertFalse(wrongHash.valid());
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, wrongHash.failureType());
    assertTrue(wrongHash.problem().contains("does not match its manifest"), wrongHash.problem());
  }

  @Test
  void aFlippedBitOrAnotherRecipientMakesABackupInvalidWithTheReason() throws Exception {
    byte[] ciphertext = encrypt(KEY);
    ciphertext[ciphertext.length / 2] ^= 0x10;
    BackupValidity corrupt =
        activities.checkBackupValidity(
            put("daily/flowviz_daily_20250119_020000.dump.gpg", ciphertext), null);
    assertFalse(corrupt.valid());
    assertTrue(
        List.of(FailureTypes.BACKUP_INTEGRITY_FAILED, FailureTypes.BACKUP_CORRUPT)
            .contains(corrupt.failureType()),
        corrupt.toString());

    BackupValidity foreign =
        activities.checkBackupValidity(
            put("daily/flowviz_daily_20250118_020000.dump.gpg", encrypt(OTHER)), null);
    assertFalse(foreign.valid());
    assertEquals(FailureTypes.DECRYPTION_KEY_MISMATCH, foreign.failureType(), foreign.toString());
  }

  @Test
  void aFailing41RestoreNamesTheOlderBackupsOfTheSameDatabase() throws Exception {
    put("daily/flowviz_daily_20250117_020000.dump.gpg", encrypt(KEY));
    put("daily/flowviz_daily_20250118_020000.dump.gpg", encrypt(KEY));
    put("daily/appdb_daily_20250118_120000.dump.gpg", encrypt(KEY));
    byte[] ciphertext = encrypt(KEY);
    ciphertext[ciphertext.length / 2] ^= 0x10;
    BackupObject newest = put("daily/flowviz_daily_20250119_020000.dump.gpg", ciphertext);

    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> activities.downloadAndDecryptBackup(newest));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertTrue(cause.isNonRetryable());
    String message = cause.getOriginalMessage();
    assertTrue(
        message.contains(
            "The next older backups of flowviz are: daily/flowviz_daily_20250118_020000.dump.gpg"
                + " (taken 2025-01-18T02:00:00Z), daily/flowviz_daily_20250117_020000.dump.gpg"),
        message);
    assertFalse(message.contains("appdb"), "another database's backup is not offered: " + message);
  }

  private BackupObject put(String key, byte[] content) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
    var head = s3.headObject(b -> b.bucket(bucket).key(key));
    Instant taken = BackupTimes.fromKey(key).orElseThrow();
    return new BackupObject(
        bucket,
        key,
        taken,
        head.lastModified(),
        content.length,
        "STANDARD",
        head.eTag().replace("\"", ""));
  }

  private static BackupManifest manifest(String key, String sha256) {
    return new BackupManifest(
        BackupManifest.FORMAT_VERSION,
        key,
        Instant.parse("2025-01-19T02:00:00Z"),
        "flowviz",
        "17",
        "17",
        dump.length,
        0,
        sha256,
        null,
        List.of());
  }

  private byte[] encrypt(String recipient) throws Exception {
    Path in = Files.write(dir.resolve("plain-" + System.nanoTime()), dump);
    Path out = dir.resolve("cipher-" + System.nanoTime());
    gpg.encrypt(in, out, List.of(recipient), false, false);
    return Files.readAllBytes(out);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
