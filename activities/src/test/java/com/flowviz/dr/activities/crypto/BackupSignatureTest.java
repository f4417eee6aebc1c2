package com.flowviz.dr.activities.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStores;
import com.flowviz.dr.activities.storage.DownloadedBackup;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Detached signatures made by the gpg CLI, checked with Bouncy Castle before a breach restore uses
 * a backup.
 */
class BackupSignatureTest {

  private static GpgHome gpg;
  private static final String SIGNER = "backup-signer@flowviz.com";
  private static final String STRANGER = "someone@example.com";

  @TempDir Path dir;
  private S3Client s3;
  private String bucket;
  private TestActivityEnvironment env;
  private Path object;
  private WorkDirectory work;

  @BeforeAll
  static void keys() {
    gpg = GpgHome.create();
    gpg.generateKey(SIGNER, GpgHome.KeyType.CURVE25519, null);
    gpg.generateKey(STRANGER, GpgHome.KeyType.RSA, null);
  }

  @AfterAll
  static void closeKeys() {
    gpg.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    s3 = TestMoto.s3();
    bucket = TestMoto.newBucket(s3, "isolated");
    env = TestActivityEnvironment.newInstance();
    work = new WorkDirectory(dir.resolve("work"));
    byte[] content = new byte[300_000];
    new Random(7).nextBytes(content);
    object = work.forWorkflow("wf-sig").resolve("backup.gpg");
    Files.write(object, content);
    s3.putObject(
        b -> b.bucket(bucket).key("daily/flowviz_daily_20261130_020000.dump.gpg"),
        RequestBody.fromBytes(content));
  }

  @AfterEach
  void tearDown() {
    env.close();
    s3.close();
  }

  private BackupDecryptionActivities activities(boolean withSignerKeys) throws Exception {
    Path signers =
        withSignerKeys
            ? Files.write(dir.resolve("signers.asc"), gpg.exportPublicKey(SIGNER, true))
            : null;
    env.registerActivitiesImplementations(
        new BackupDecryptionActivitiesImpl(
            new FilePrivateKeySource(dir.resolve("no-private-key-is-needed"), null),
            work,
            BackupStores.single(new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE)),
            signers));
    return TestActivities.stub(env, BackupDecryptionActivities.class);
  }

  private BackupObject backup() {
    return new BackupObject(
        bucket,
        "daily/flowviz_daily_20261130_020000.dump.gpg",
        Instant.parse("2026-11-30T02:00:00Z"),
        null,
        300_000,
        "STANDARD",
        null);
  }

  private DownloadedBackup downloaded() {
    return new DownloadedBackup(backup().key(), object.toString(), 300_000, "-", 0);
  }

  private void uploadSignature(String signer, boolean armor) throws Exception {
    Path signature = dir.resolve("backup.sig");
    gpg.detachSign(object, signature, signer, null, armor);
    s3.putObject(
        b -> b.bucket(bucket).key(backup().key() + ".sig"), RequestBody.fromFile(signature));
  }

  @Test
  void aBackupSignedWithGpgByATrustedKeyVerifies() throws Exception {
    uploadSignature(SIGNER, false);
    SignatureCheck check = activities(true).verifyBackupSignature(downloaded(), backup(), true);
    assertTrue(check.signed());
    assertTrue(check.verified());
    assertEquals(backup().key() + ".sig", check.signatureKey());
  }

  @Test
  void anArmoredSignatureVerifiesToo() throws Exception {
    uploadSignature(SIGNER, true);
    assertTrue(activities(true).verifyBackupSignature(downloaded(), backup(), true).verified());
  }

  @Test
  void aBackupChangedAfterSigningIsRefused() throws Exception {
    uploadSignature(SIGNER, false);
    byte[] bytes = Files.readAllBytes(object);
    bytes[1000] ^= 1;
    Files.write(object, bytes);
    ApplicationFailure cause =
        failure(() -> activities(true).verifyBackupSignature(downloaded(), backup(), true));
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, cause.getType());
    assertTrue(
        cause.getOriginalMessage().contains("does not match the object's content"),
        cause.getOriginalMessage());
  }

  @Test
  void aSignatureByAnUntrustedKeyIsRefused() throws Exception {
    uploadSignature(STRANGER, false);
    ApplicationFailure cause =
        failure(() -> activities(true).verifyBackupSignature(downloaded(), backup(), true));
    assertTrue(
        cause.getOriginalMessage().contains("not among the trusted signer keys"),
        cause.getOriginalMessage());
  }

  @Test
  void anUnsignedBackupIsRefusedWhenSignaturesAreRequiredAndSignerKeysExist() throws Exception {
    ApplicationFailure cause =
        failure(() -> activities(true).verifyBackupSignature(downloaded(), backup(), true));
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, cause.getType());
    assertTrue(cause.getOriginalMessage().contains("has no detached signature"));
  }

  @Test
  void anUnsignedBackupPassesWhenTheWorkerTrustsNoSigner() throws Exception {
    SignatureCheck check = activities(false).verifyBackupSignature(downloaded(), backup(), true);
    assertFalse(check.signed());
  }

  @Test
  void aSignedBackupWithoutSignerKeysIsAConfigurationError() throws Exception {
    uploadSignature(SIGNER, false);
    ApplicationFailure cause =
        failure(() -> activities(false).verifyBackupSignature(downloaded(), backup(), true));
    assertEquals(FailureTypes.CONFIGURATION, cause.getType());
    assertTrue(cause.getOriginalMessage().contains("flowviz.gpg.signer-public-key-file"));
  }

  private static ApplicationFailure failure(Executable call) {
    ActivityFailure failure = assertThrows(ActivityFailure.class, call);
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertTrue(cause.isNonRetryable());
    return cause;
  }
}
