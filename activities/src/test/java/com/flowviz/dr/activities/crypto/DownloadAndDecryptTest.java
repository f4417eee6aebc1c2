package com.flowviz.dr.activities.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStores;
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
import java.util.Arrays;
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
 * The overlapped data path: S3 download and OpenPGP decryption in one pass, against moto_server and
 * gpg.
 */
class DownloadAndDecryptTest {

  private static final String KEY = "backup@flowviz.com";
  private static final String OTHER = "someone-else@flowviz.com";
  private static GpgHome gpg;
  private static byte[] dump;
  @TempDir Path dir;
  private S3Client s3;
  private String bucket;
  private TestActivityEnvironment env;
  private BackupDecryptionActivities activities;
  private Path work;

  @BeforeAll
  static void keysAndDump(@TempDir Path tmp) throws Exception {
    gpg = GpgHome.create();
    gpg.generateKey(KEY, GpgHome.KeyType.RSA, null);
    gpg.generateKey(OTHER, GpgHome.KeyType.RSA, null);
    String db = TestPostgres.newSampleDatabase("overlap", 20_000);
    dump = Files.readAllBytes(TestPostgres.pgDump(db, tmp.resolve("overlap.dump")));
  }

  @AfterAll
  static void removeKeys() {
    gpg.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    s3 = TestMoto.s3();
    bucket = TestMoto.newBucket(s3, "overlap");
    Path keyFile = Files.write(dir.resolve("key.asc"), gpg.exportSecretKey(KEY, null, true));
    WorkDirectory workDirectory = new WorkDirectory(dir.resolve("work"));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new BackupDecryptionActivitiesImpl(
            new FilePrivateKeySource(keyFile, null),
            workDirectory,
            BackupStores.single(new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE))));
    activities = TestActivities.stub(env, BackupDecryptionActivities.class);
    work = workDirectory.forWorkflow("test-workflow-id");
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void downloadsAndDecryptsInOnePassIntoThePgDumpArchive() throws Exception {
    byte[] ciphertext = encrypt(KEY, false);
    BackupObject backup = put(ciphertext);

    TransferredBackup transferred = activities.downloadAndDecryptBackup(backup);

    assertEquals(ciphertext.length, transferred.downloaded().bytes());
    assertEquals(
        sha256(ciphertext),
        transferred.downloaded().sha256(),
        "the SHA-256 the manifest is checked against");
    assertEquals(0, transferred.downloaded().resumedFromOffset());
    assertArrayEquals(
        ciphertext,
        Files.readAllBytes(Path.of(transferred.downloaded().path())),
        "kept for a signature check");
    assertArrayEquals(dump, Files.readAllBytes(Path.of(transferred.decrypted().path())));
    assertEquals(dump.length, transferred.decrypted().bytes());
    assertTrue(
        transferred.decrypted().archiveVersion().startsWith("1."),
        transferred.decrypted().archiveVersion());
  }

  @Test
  void aRetryAfterACrashResumesTheDownloadAndDecryptsFromTheStartOfTheFile() throws Exception {
    byte[] ciphertext = encrypt(KEY, true);
    BackupObject backup = put(ciphertext);
    // The attempt before the crash wrote part of the object and a partial plaintext.
    Files.write(work.resolve("backup.gpg.part"), Arrays.copyOf(ciphertext, ciphertext.length / 2));
    Files.write(work.resolve("backup.dump.part"), Arrays.copyOf(dump, 1000));

    TransferredBackup transferred = activities.downloadAndDecryptBackup(backup);

    assertEquals(ciphertext.length / 2, transferred.downloaded().resumedFromOffset());
    assertEquals(sha256(ciphertext), transferred.downloaded().sha256());
    assertArrayEquals(dump, Files.readAllBytes(Path.of(transferred.decrypted().path())));
    assertTrue(
        transferred.decrypted().wasCompressed(), "gpg's default compression, inflated on the way");
  }

  @Test
  void aBackupForAnotherKeyFailsAtOnceWithoutRetryAndLeavesNoPlaintext() throws Exception {
    BackupObject backup = put(encrypt(OTHER, false));

    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> activities.downloadAndDecryptBackup(backup));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertEquals(FailureTypes.DECRYPTION_KEY_MISMATCH, cause.getType());
    assertTrue(cause.isNonRetryable());
    assertFalse(Files.exists(work.resolve("backup.dump.part")));
    assertFalse(Files.exists(work.resolve("backup.dump")));
  }

  @Test
  void aTamperedObjectFailsTheIntegrityCheckAndLeavesNoPlaintext() throws Exception {
    byte[] ciphertext = encrypt(KEY, false);
    ciphertext[ciphertext.length / 2] ^= 0x20;
    BackupObject backup = put(ciphertext);

    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> activities.downloadAndDecryptBackup(backup));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, cause.getType(), cause.getOriginalMessage());
    assertFalse(Files.exists(work.resolve("backup.dump")));
  }

  @Test
  void anObjectReplacedAfterItWasChosenIsRefused() throws Exception {
    BackupObject backup = put(encrypt(KEY, false));
    put(encrypt(KEY, true)); // someone overwrote the key: new ETag

    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> activities.downloadAndDecryptBackup(backup));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertEquals(FailureTypes.BACKUP_CORRUPT, cause.getType(), cause.getOriginalMessage());
    assertTrue(cause.getOriginalMessage().contains("was replaced"), cause.getOriginalMessage());
  }

  private BackupObject put(byte[] content) {
    String key = "daily/overlap_daily_20250119_020000.dump.gpg";
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
    var head = s3.headObject(b -> b.bucket(bucket).key(key));
    return new BackupObject(
        bucket,
        key,
        Instant.now(),
        Instant.now(),
        content.length,
        "STANDARD",
        head.eTag().replace("\"", ""));
  }

  private byte[] encrypt(String recipient, boolean compress) throws Exception {
    Path in = Files.write(dir.resolve("plain-" + System.nanoTime()), dump);
    Path out = dir.resolve("cipher-" + System.nanoTime());
    gpg.encrypt(in, out, List.of(recipient), false, compress);
    return Files.readAllBytes(out);
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
