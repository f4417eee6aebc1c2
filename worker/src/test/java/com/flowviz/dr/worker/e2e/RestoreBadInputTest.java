package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.backup.BackupResult;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Every kind of bad input ends the restore at once with a non-retryable failure whose message tells
 * the operator what is wrong, and the live database is exactly as it was.
 */
class RestoreBadInputTest {

  /**
   * A well-named backup of the live database: "latest" chooses among the target's own backups only.
   */
  private String goodKey() {
    return "daily/" + live + "_daily_20250119_020000.dump.gpg";
  }

  private static GpgHome stranger;
  private final WorkerTestStack stack = WorkerTestStack.get();
  @TempDir Path dir;
  private String live;
  private String bucket;
  private Map<String, String> before;

  @BeforeAll
  static void strangerKey() {
    stranger = GpgHome.create();
    stranger.generateKey("someone-else@example.com", GpgHome.KeyType.RSA, null);
  }

  @AfterAll
  static void removeStranger() {
    stranger.close();
  }

  @BeforeEach
  void liveDatabase() {
    live = TestPostgres.newSampleDatabase("flowviz", 100);
    bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    before = TestPostgres.fingerprint(live);
  }

  @Test
  void anUnknownBackupKey() {
    Restores.backup(live, bucket);
    expectFailure(
        request("daily/flowviz_daily_20200101_000000.dump.gpg", null),
        FailureTypes.BACKUP_NOT_FOUND,
        "There is no object");
  }

  @Test
  void noBackupBeforeTheRequestedTime() {
    Restores.backup(live, bucket);
    expectFailure(
        request("latest", "2020-01-01T00:00:00Z"),
        FailureTypes.BACKUP_NOT_FOUND,
        "taken before 2020-01-01T00:00:00Z");
  }

  @Test
  void aBackupEncryptedForAnotherKey() throws Exception {
    put(goodKey(), encryptedFor(stranger, "someone-else@example.com", validArchive()));
    expectFailure(latest(), FailureTypes.DECRYPTION_KEY_MISMATCH, "encrypted for key");
  }

  @Test
  void aWrongPassphraseInSecretsManager() throws Exception {
    put(goodKey(), encryptedFor(stack.gpg, WorkerTestStack.KEY_EMAIL, validArchive()));
    stack.putSecret(WorkerTestStack.PASSPHRASE_SECRET, "not the passphrase");
    try {
      expectFailure(
          latest(), FailureTypes.DECRYPTION_PASSPHRASE_WRONG, "passphrase does not unlock");
    } finally {
      stack.putSecret(WorkerTestStack.PASSPHRASE_SECRET, stack.passphrase);
    }
  }

  @Test
  void aTruncatedObject() throws Exception {
    byte[] object = encryptedFor(stack.gpg, WorkerTestStack.KEY_EMAIL, validArchive());
    put(goodKey(), Arrays.copyOf(object, object.length * 2 / 3));
    expectFailure(latest(), FailureTypes.BACKUP_CORRUPT, "truncated");
  }

  @Test
  void aTamperedCiphertextFailsTheIntegrityCheck() throws Exception {
    byte[] object = encryptedFor(stack.gpg, WorkerTestStack.KEY_EMAIL, validArchive());
    object[object.length / 2] ^= 0x01;
    put(goodKey(), object);
    expectFailure(latest(), FailureTypes.BACKUP_INTEGRITY_FAILED, "");
  }

  @Test
  void aBackupReplacedAfterItsManifestWasWritten() throws Exception {
    BackupResult backup = Restores.backup(live, bucket);
    // Same size, other bytes: the MDC, decrypted as the object arrives, tells first; the manifest's
    // SHA-256 would too.
    byte[] object =
        stack.s3.getObjectAsBytes(b -> b.bucket(bucket).key(backup.key())).asByteArray();
    object[object.length - 5] ^= 0x01;
    put(backup.key(), object);
    expectFailure(latest(), FailureTypes.BACKUP_INTEGRITY_FAILED, "altered");
  }

  @Test
  void anObjectThatIsNotOpenPgp() throws Exception {
    put(goodKey(), validArchive());
    expectFailure(latest(), FailureTypes.NOT_OPENPGP, "not OpenPGP data");
  }

  @Test
  void aDecryptedFileThatIsNotAPgDumpArchive() throws Exception {
    byte[] sql =
        "--\n-- PostgreSQL database dump\n--\nCREATE TABLE lots (id uuid);\n"
            .repeat(100)
            .getBytes(StandardCharsets.UTF_8);
    put(goodKey(), encryptedFor(stack.gpg, WorkerTestStack.KEY_EMAIL, sql));
    expectFailure(latest(), FailureTypes.NOT_A_PG_DUMP, "not a pg_dump custom-format archive");
  }

  @Test
  void aTargetDatabaseNameThatIsNotASafeIdentifier() {
    RestoreRequest hostile =
        RestoreRequest.builder()
            .backupKey("latest")
            .bucket(bucket)
            .targetDatabase(live + "\"; DROP DATABASE postgres; --")
            .operator("mallory")
            .build();
    expectFailure(hostile, FailureTypes.INVALID_INPUT, "is not a safe database name");
  }

  private void expectFailure(RestoreRequest request, String type, String messagePart) {
    String workflowId = "restore-bad-" + UUID.randomUUID();
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> Restores.restore(workflowId, request));
    ApplicationFailure failure =
        assertInstanceOf(
            ApplicationFailure.class, e.getCause(), () -> String.valueOf(e.getCause()));
    assertEquals(type, failure.getType(), failure.getOriginalMessage());
    assertTrue(failure.isNonRetryable());
    assertTrue(failure.getOriginalMessage().contains(messagePart), failure.getOriginalMessage());
    assertTrue(
        Restores.maxActivityAttempt(e.getExecution().getWorkflowId()) <= 1, "nothing was retried");
    assertEquals(before, TestPostgres.fingerprint(live), "the live database is unchanged");
    assertEquals(List.of(), TestPostgres.databasesLike(live + "\\_staging\\_%"));
    assertEquals(List.of(), TestPostgres.databasesLike(live + "\\_replaced\\_%"));
  }

  private RestoreRequest latest() {
    return Restores.latest(bucket, live);
  }

  private RestoreRequest request(String key, String before) {
    return RestoreRequest.builder()
        .backupKey(key)
        .restorePointBefore(before)
        .bucket(bucket)
        .targetDatabase(live)
        .operator("test-operator")
        .build();
  }

  private void put(String key, byte[] content) {
    stack.s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(content));
  }

  private byte[] validArchive() {
    return readAll(TestPostgres.pgDump(live, dir.resolve("live.dump")));
  }

  private byte[] encryptedFor(GpgHome home, String recipient, byte[] plaintext) throws Exception {
    Path in = Files.write(dir.resolve("plain-" + UUID.randomUUID()), plaintext);
    Path out = dir.resolve("cipher-" + UUID.randomUUID() + ".gpg");
    home.encrypt(in, out, List.of(recipient), false, true);
    return Files.readAllBytes(out);
  }

  private static byte[] readAll(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
