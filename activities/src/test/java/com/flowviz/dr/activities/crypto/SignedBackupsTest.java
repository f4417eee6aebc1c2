package com.flowviz.dr.activities.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.backup.SigningBackupStore;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.secrets.SecretsManagerSecretStore;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStores;
import com.flowviz.dr.activities.storage.DownloadedBackup;
import com.flowviz.dr.activities.storage.S3BackupStore;
import com.flowviz.dr.activities.storage.StreamingUpload;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Backups signed on upload with a key from Secrets Manager (moto), checked by hand with the gpg
 * CLI, and checked by restores against trusted signers with validity windows: a retired signer
 * still vouches for what it signed while current, a revoked one for nothing signed after its
 * revocation, a stranger for nothing. Real gpg, real moto. About 20 s.
 */
class SignedBackupsTest {

  private static final String SIGNING = "backup-signing@flowviz.com";
  private static final String RETIRED = "backup-signing-2024@flowviz.com";
  private static final String STRANGER = "intruder@example.com";
  private static final String RSA_SIGNING = "backup-signing-rsa@flowviz.com";
  private static final String PASSPHRASE = "signing passphrase";
  private static final String KEY = "daily/flowviz_daily_20261130_020000.dump.gpg";
  private static GpgHome gpg;

  @TempDir Path dir;
  private S3Client s3;
  private SecretsManagerClient secretsManager;
  private String bucket;
  private String secretPrefix;
  private TestActivityEnvironment env;
  private WorkDirectory work;

  @BeforeAll
  static void keys() {
    gpg = GpgHome.create();
    gpg.generateKey(SIGNING, GpgHome.KeyType.CURVE25519, PASSPHRASE);
    gpg.generateKeyAt(RETIRED, "20240101T000000");
    gpg.generateKey(STRANGER, GpgHome.KeyType.RSA, null);
    gpg.generateKey(RSA_SIGNING, GpgHome.KeyType.RSA, PASSPHRASE);
  }

  @AfterAll
  static void closeKeys() {
    gpg.close();
  }

  @BeforeEach
  void setUp() {
    s3 = TestMoto.s3();
    secretsManager = TestMoto.secretsManager();
    bucket = TestMoto.newBucket(s3, "signed");
    secretPrefix = "flowviz-test-" + UUID.randomUUID() + "/";
    env = TestActivityEnvironment.newInstance();
    work = new WorkDirectory(dir.resolve("work"));
  }

  @AfterEach
  void tearDown() {
    env.close();
    s3.close();
    secretsManager.close();
  }

  private SigningBackupStore signingStore() {
    return signingStore(SIGNING);
  }

  private SigningBackupStore signingStore(String signer) {
    var secrets = new SecretsManagerSecretStore(secretsManager);
    secrets.write(
        secretPrefix + "signing-key",
        new String(gpg.exportSecretKey(signer, PASSPHRASE, true), StandardCharsets.US_ASCII));
    secrets.write(secretPrefix + "signing-key-passphrase", PASSPHRASE);
    return new SigningBackupStore(
        new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE),
        new BackupSigningKey(
            secrets, secretPrefix + "signing-key", secretPrefix + "signing-key-passphrase"));
  }

  /**
   * Signers as the JSON document of flowviz.gpg.trusted-signers-secret-id, stored in Secrets
   * Manager.
   */
  private BackupDecryptionActivities restoringWith(List<Map<String, Object>> signers) {
    var secrets = new SecretsManagerSecretStore(secretsManager);
    secrets.write(
        secretPrefix + "trusted-signers", new String(Json.write(signers), StandardCharsets.UTF_8));
    env.registerActivitiesImplementations(
        new BackupDecryptionActivitiesImpl(
            new FilePrivateKeySource(dir.resolve("no-private-key-is-needed"), null),
            work,
            BackupStores.single(new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE)),
            new TrustedSigners(null, null, secretPrefix + "trusted-signers", () -> secrets)));
    return TestActivities.stub(env, BackupDecryptionActivities.class);
  }

  private static Map<String, Object> signer(
      String name, String email, String notBefore, String notAfter, String revokedAt) {
    Map<String, Object> entry = new HashMap<>();
    entry.put("name", name);
    entry.put("publicKey", new String(gpg.exportPublicKey(email, true), StandardCharsets.US_ASCII));
    entry.put("notBefore", notBefore);
    entry.put("notAfter", notAfter);
    entry.put("revokedAt", revokedAt);
    return entry;
  }

  private byte[] ciphertext() {
    byte[] content = new byte[700_000];
    new Random(11).nextBytes(content);
    return content;
  }

  private BackupObject backup() {
    return new BackupObject(
        bucket, KEY, Instant.parse("2026-11-30T02:00:00Z"), null, 700_000, "STANDARD", null);
  }

  /** The object as a restore host has it after its download. */
  private DownloadedBackup downloaded() {
    try {
      Path file = work.forWorkflow("wf-signed").resolve("backup.gpg");
      Files.write(file, s3.getObjectAsBytes(b -> b.bucket(bucket).key(KEY)).asByteArray());
      return new DownloadedBackup(KEY, file.toString(), Files.size(file), "-", 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A backup placed by hand (no signature of ours), signed as the arguments say. */
  private void placeByHand(String signer, String fakedTime) throws Exception {
    Path object = dir.resolve("by-hand.gpg");
    Files.write(object, ciphertext());
    s3.putObject(b -> b.bucket(bucket).key(KEY), RequestBody.fromFile(object));
    if (signer != null) {
      Path signature = dir.resolve("by-hand.gpg.sig");
      if (fakedTime == null) {
        gpg.detachSign(object, signature, signer, null, false);
      } else {
        gpg.detachSignAt(object, signature, signer, fakedTime);
      }
      s3.putObject(b -> b.bucket(bucket).key(KEY + ".sig"), RequestBody.fromFile(signature));
    }
  }

  private static ApplicationFailure refusal(Runnable call) {
    ActivityFailure e = assertThrows(ActivityFailure.class, call::run);
    return (ApplicationFailure) e.getCause();
  }

  @Test
  void everyObjectTheBackupUploadsIsSignedSoGpgVerifiesItByHand() throws Exception {
    SigningBackupStore store = signingStore();
    byte[] archive = ciphertext();
    try (StreamingUpload upload = store.upload(bucket, KEY, "STANDARD")) {
      for (int off = 0; off < archive.length; off += 65_536) {
        upload.write(archive, off, Math.min(65_536, archive.length - off));
      }
      upload.complete();
    }
    byte[] manifest = "{\"formatVersion\":1}".getBytes(StandardCharsets.UTF_8);
    store.writeSmall(bucket, KEY + ".manifest.json", manifest, "application/json");

    for (String key : List.of(KEY, KEY + ".manifest.json")) {
      Path file = dir.resolve("object");
      Path signature = dir.resolve("object.sig");
      Files.write(file, s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
      Files.write(
          signature, s3.getObjectAsBytes(b -> b.bucket(bucket).key(key + ".sig")).asByteArray());
      assertFalse(
          new String(Files.readAllBytes(signature), StandardCharsets.ISO_8859_1)
              .contains("BEGIN PGP"),
          "binary, as gpg --detach-sign writes it");
      String status = gpg.verify(signature, file);
      assertTrue(
          status.contains("[GNUPG:] GOODSIG") && status.contains(SIGNING), key + ": " + status);
    }
    // Tampered: gpg says so too.
    Path file = dir.resolve("object");
    Files.write(file, "{\"formatVersion\":2}".getBytes(StandardCharsets.UTF_8));
    assertThrows(AssertionError.class, () -> gpg.verify(dir.resolve("object.sig"), file));
  }

  @Test
  void aSignedBackupAndManifestVerifyAgainstTheCurrentSigner() throws Exception {
    SigningBackupStore store = signingStore();
    try (StreamingUpload upload = store.upload(bucket, KEY, "STANDARD")) {
      upload.write(ciphertext());
      upload.complete();
    }
    store.writeSmall(
        bucket,
        KEY + ".manifest.json",
        "{\"formatVersion\":1,\"sourceDatabase\":\"flowviz\"}".getBytes(StandardCharsets.UTF_8),
        "application/json");
    var restores =
        restoringWith(List.of(signer("signing-2026", SIGNING, "2020-01-01T00:00:00Z", null, null)));

    SignatureCheck backupCheck = restores.verifyBackupSignature(downloaded(), backup(), true);
    ManifestCheck manifestCheck = restores.verifyManifestSignature(backup());

    assertTrue(backupCheck.verified());
    assertEquals("signing-2026", backupCheck.signerName());
    assertTrue(manifestCheck.signersConfigured());
    assertTrue(manifestCheck.signature().verified());
    assertEquals("flowviz", manifestCheck.manifest().sourceDatabase());

    // The manifest rewritten by someone without the key: refused.
    s3.putObject(
        b -> b.bucket(bucket).key(KEY + ".manifest.json"),
        RequestBody.fromString("{\"formatVersion\":1,\"sourceDatabase\":\"evil\"}"));
    ApplicationFailure forged = refusal(() -> restores.verifyManifestSignature(backup()));
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, forged.getType());
    assertTrue(
        forged.getOriginalMessage().contains("failed its signature check"),
        forged.getOriginalMessage());
  }

  /**
   * An RSA key (gpg 2.2's default) signs through the JDK's provider (the hash over every byte is
   * the JDK's, not Bouncy Castle's Java one): gpg, the restore's verification and its refusal of a
   * changed object must all agree with that signature.
   */
  @Test
  void anRsaSigningKeySignsThroughTheJdkSoGpgAndTheRestoreVerifyIt() throws Exception {
    SigningBackupStore store = signingStore(RSA_SIGNING);
    try (StreamingUpload upload = store.upload(bucket, KEY, "STANDARD")) {
      upload.write(ciphertext());
      upload.complete();
    }
    Path file = dir.resolve("rsa-object");
    Path signature = dir.resolve("rsa-object.sig");
    Files.write(file, s3.getObjectAsBytes(b -> b.bucket(bucket).key(KEY)).asByteArray());
    Files.write(
        signature, s3.getObjectAsBytes(b -> b.bucket(bucket).key(KEY + ".sig")).asByteArray());
    String status = gpg.verify(signature, file);
    assertTrue(
        status.contains("[GNUPG:] GOODSIG") && status.contains(RSA_SIGNING),
        "gpg --verify: " + status);

    var restores =
        restoringWith(
            List.of(signer("signing-rsa", RSA_SIGNING, "2020-01-01T00:00:00Z", null, null)));
    SignatureCheck check = restores.verifyBackupSignature(downloaded(), backup(), true);
    assertTrue(check.verified());
    assertEquals("signing-rsa", check.signerName());

    // One byte changed in the middle of the object: the JDK's verifier refuses it.
    byte[] changed = Files.readAllBytes(file);
    changed[changed.length / 2] ^= 1;
    s3.putObject(b -> b.bucket(bucket).key(KEY), RequestBody.fromBytes(changed));
    ApplicationFailure refused =
        refusal(() -> restores.verifyBackupSignature(downloaded(), backup(), true));
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, refused.getType());
  }

  @Test
  void aBackupPlacedWithoutTheSigningKeyIsRefused() throws Exception {
    var restores = restoringWith(List.of(signer("signing-2026", SIGNING, null, null, null)));

    placeByHand(null, null);
    ApplicationFailure unsigned =
        refusal(() -> restores.verifyBackupSignature(downloaded(), backup(), true));
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, unsigned.getType());
    assertTrue(
        unsigned.getOriginalMessage().contains("no detached signature"),
        unsigned.getOriginalMessage());
    // With the explicit acceptance (required = false) it is reported unsigned, not refused.
    assertFalse(restores.verifyBackupSignature(downloaded(), backup(), false).signed());

    placeByHand(STRANGER, null);
    ApplicationFailure stranger =
        refusal(() -> restores.verifyBackupSignature(downloaded(), backup(), false));
    assertTrue(
        stranger.getOriginalMessage().contains("not among the trusted signer keys"),
        stranger.getOriginalMessage());
  }

  @Test
  void aRetiredSignerStillVouchesForWhatItSignedWhileCurrentButARevokedOneNotAfterItsRevocation()
      throws Exception {
    placeByHand(RETIRED, "20240601T000000");
    var retired =
        restoringWith(
            List.of(
                signer(
                    "signing-2024", RETIRED, "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z", null),
                signer("signing-2026", SIGNING, "2025-01-01T00:00:00Z", null, null)));
    SignatureCheck check = retired.verifyBackupSignature(downloaded(), backup(), true);
    assertTrue(check.verified());
    assertEquals("signing-2024", check.signerName());
    assertEquals(Instant.parse("2024-06-01T00:00:00Z"), check.signedAt());

    // The same key, taken in a breach and revoked on 2024-03-01: what it signed after that is
    // refused...
    env.close();
    env = TestActivityEnvironment.newInstance();
    var revoked =
        restoringWith(
            List.of(
                signer(
                    "signing-2024",
                    RETIRED,
                    "2024-01-01T00:00:00Z",
                    null,
                    "2024-03-01T00:00:00Z")));
    ApplicationFailure refused =
        refusal(() -> revoked.verifyBackupSignature(downloaded(), backup(), true));
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, refused.getType());
    assertTrue(refused.getOriginalMessage().contains("revoked"), refused.getOriginalMessage());

    // ...and so is a signature made today, long after it.
    placeByHand(RETIRED, null);
    assertTrue(
        refusal(() -> revoked.verifyBackupSignature(downloaded(), backup(), true))
            .getOriginalMessage()
            .contains("after signer \"signing-2024\" was revoked"));

    // What it signed before its revocation still restores.
    placeByHand(RETIRED, "20240201T000000");
    assertTrue(revoked.verifyBackupSignature(downloaded(), backup(), true).verified());

    // But a signature's date is the signer's word: on an object the bucket says was written after
    // the revocation (its LastModified, set by S3), that date is a backdating, refused.
    BackupObject writtenAfterRevocation =
        new BackupObject(
            bucket,
            KEY,
            Instant.parse("2024-02-01T00:00:00Z"),
            s3.headObject(b -> b.bucket(bucket).key(KEY)).lastModified(),
            700_000,
            "STANDARD",
            null);
    ApplicationFailure backdated =
        refusal(() -> revoked.verifyBackupSignature(downloaded(), writtenAfterRevocation, true));
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, backdated.getType());
    assertTrue(
        backdated.getOriginalMessage().contains("backdated"), backdated.getOriginalMessage());
  }

  @Test
  void withoutItsSigningKeyABackupIsNotTakenAtAll() {
    var secrets = new SecretsManagerSecretStore(secretsManager);
    SigningBackupStore store =
        new SigningBackupStore(
            new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE),
            new BackupSigningKey(
                secrets,
                secretPrefix + "missing-signing-key",
                secretPrefix + "missing-passphrase"));

    ApplicationFailure failure =
        assertThrows(ApplicationFailure.class, () -> store.upload(bucket, KEY, "STANDARD"));

    assertEquals(FailureTypes.KEY_UNAVAILABLE, failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("docs/key-rotation.md"),
        failure.getOriginalMessage());
    assertTrue(s3.listObjectsV2(b -> b.bucket(bucket)).contents().isEmpty(), "nothing uploaded");
  }
}
