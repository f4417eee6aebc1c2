package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.audit.AuditStore;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.postgres.ClusterGlobals;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.testing.GpgHome;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupResult;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Issue 15 item 4 end to end, through a real worker with trusted signers configured (a JSON file
 * with validity windows), real gpg, moto and PostgreSQL: the worker's own backups carry detached
 * signatures that {@code gpg --verify} accepts by hand and restores prove; a backup placed by hand
 * ({@code pg_dump -Fc | gpg -e}) is refused unsigned, signed by a stranger, or signed by a key
 * after its revocation, and restores when signed by a retired signer while it was current, or when
 * accepted unsigned with a reason that the audit trail keeps. Without signer keys, a 2.4 restore
 * (strictIntegrity) refuses to start.
 *
 * <p>Time budget: about 2 min on 2 cores, measured 90 s (its own worker and dev server, two
 * backups, three small restores, four refusals before anything is downloaded or restored).
 */
class AuthenticBackupsEndToEndTest {

  private static final String RETIRED = "backup-signing-2024@flowviz.com";
  private static final String REVOKED = "stolen-signing-key@flowviz.com";
  private static final String STRANGER = "intruder@example.com";
  private static final DateTimeFormatter KEY_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

  private static WorkerTestStack stack;
  private static GpgHome others;
  @TempDir Path dir;

  @BeforeAll
  static void startWorker() throws Exception {
    others = GpgHome.create();
    others.generateKeyAt(RETIRED, "20240101T000000");
    others.generateKeyAt(REVOKED, "20240101T000000");
    others.generateKey(STRANGER, GpgHome.KeyType.CURVE25519, null);
    Path trusted = Files.createTempDirectory("flowviz-dr-signers").resolve("trusted-signers.json");
    stack =
        WorkerTestStack.withSettings(
            Map.of(
                "flowviz.worker.host-name",
                "authentic-host",
                "flowviz.gpg.trusted-signers-file",
                trusted.toString()));
    Files.write(
        trusted,
        Json.write(
            List.of(
                signer(
                    "worker-signing-2026",
                    stack.gpg,
                    WorkerTestStack.SIGNING_EMAIL,
                    "2025-01-01T00:00:00Z",
                    null,
                    null),
                // Retired at the end of 2024 (its successor took over), never compromised.
                signer(
                    "signing-2024",
                    others,
                    RETIRED,
                    "2024-01-01T00:00:00Z",
                    "2025-01-01T00:00:00Z",
                    null),
                // Taken in a breach and revoked on 2024-03-01.
                signer(
                    "signing-stolen",
                    others,
                    REVOKED,
                    "2024-01-01T00:00:00Z",
                    null,
                    "2024-03-01T00:00:00Z"))));
  }

  @AfterAll
  static void closeKeys() {
    others.close();
  }

  private static Map<String, Object> signer(
      String name,
      GpgHome home,
      String email,
      String notBefore,
      String notAfter,
      String revokedAt) {
    Map<String, Object> entry = new HashMap<>();
    entry.put("name", name);
    entry.put(
        "publicKey", new String(home.exportPublicKey(email, true), StandardCharsets.US_ASCII));
    entry.put("notBefore", notBefore);
    entry.put("notAfter", notAfter);
    entry.put("revokedAt", revokedAt);
    return entry;
  }

  private RestoreResult restore(String name, RestoreRequest request) {
    return stack
        .client
        .newWorkflowStub(RestoreFromBackupWorkflow.class, Restores.options(name))
        .restore(request);
  }

  private ApplicationFailure refused(String name, RestoreRequest request) {
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> restore(name, request));
    ApplicationFailure cause = (ApplicationFailure) e.getCause();
    assertTrue(cause.isNonRetryable(), cause.toString());
    return cause;
  }

  private Path fetch(String bucket, String key, String file) throws Exception {
    return Files.write(
        dir.resolve(file), stack.s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray());
  }

  @Test
  void theWorkersOwnBackupsVerifyWithGpgByHandAndRestoreProvenAuthentic() throws Exception {
    String live = TestPostgres.newSampleDatabase("flowviz", 100);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    BackupResult backup =
        stack
            .client
            .newWorkflowStub(BackupWorkflow.class, Restores.options("backup-" + live))
            .backup(
                BackupRequest.builder()
                    .sourceDatabase(live)
                    .bucket(bucket)
                    .operator("test-operator")
                    .reason("signed backups")
                    .build());

    for (String key : List.of(backup.key(), backup.manifestKey())) {
      String status =
          stack.gpg.verify(fetch(bucket, key + ".sig", "object.sig"), fetch(bucket, key, "object"));
      assertTrue(
          status.contains("[GNUPG:] GOODSIG") && status.contains(WorkerTestStack.SIGNING_EMAIL),
          key + ": " + status);
    }

    TestPostgres.execute(live, "DELETE FROM qc_decisions");
    RestoreResult result = restore("restore-signed-" + live, Restores.latest(bucket, live));

    assertEquals(RestoreResult.RESTORED, result.outcome());
    for (String step : List.of("verify-manifest-signature", "verify-backup-signature")) {
      StepRecord record =
          result.steps().stream()
              .filter(s -> s.step().equals(step))
              .findFirst()
              .orElseThrow(() -> new AssertionError(step));
      assertEquals(StepRecord.SUCCEEDED, record.outcome());
      assertTrue(record.detail().contains("worker-signing-2026"), record.detail());
    }
  }

  /**
   * The roles file beside a backup is SQL run as the superuser on a new instance: one placed by
   * someone without the signing key (here a forged CREATE ROLE ... SUPERUSER, encrypted to the
   * backup key as anyone with the public key can) stops the restore before pg_restore, whatever the
   * backup's own signature says. About 10 s.
   */
  @Test
  void aRolesFilePlacedBesideASignedBackupByHandIsRefusedAndNoRoleIsCreated() throws Exception {
    String live = TestPostgres.newSampleDatabase("flowviz", 50);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    BackupResult backup =
        stack
            .client
            .newWorkflowStub(BackupWorkflow.class, Restores.options("backup-" + live))
            .backup(
                BackupRequest.builder()
                    .sourceDatabase(live)
                    .bucket(bucket)
                    .operator("test-operator")
                    .reason("signed backup, forged roles")
                    .build());
    String globals = ClusterGlobals.keyFor(backup.key());
    Path forgedSql =
        Files.writeString(
            dir.resolve("forged-globals.sql"),
            "CREATE ROLE intruder;\nALTER ROLE intruder WITH SUPERUSER LOGIN;\n");
    Path forged = dir.resolve("forged-globals.sql.gpg");
    Process gpg =
        stack
            .gpg
            .encryptFromStdin(WorkerTestStack.KEY_EMAIL, forged)
            .redirectInput(forgedSql.toFile())
            .redirectErrorStream(true)
            .start();
    assertEquals(0, gpg.waitFor(), new String(gpg.getInputStream().readAllBytes()));
    stack.s3.putObject(b -> b.bucket(bucket).key(globals), RequestBody.fromFile(forged));
    TestPostgres.execute(live, "DELETE FROM qc_decisions");
    Map<String, String> before = TestPostgres.fingerprint(live);

    ApplicationFailure refused =
        refused("restore-forged-roles-" + live, Restores.latest(bucket, live));

    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, refused.getType());
    assertTrue(
        refused.getOriginalMessage().contains(globals)
            && refused.getOriginalMessage().contains("failed its signature check"),
        refused.getOriginalMessage());
    assertEquals(before, TestPostgres.fingerprint(live), "the live database is untouched");
    assertEquals(List.of(), TestPostgres.databasesLike(live + "_staging_%"));
    assertEquals(
        List.of("0"),
        TestPostgres.query("postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'intruder'"),
        "no role was created");
  }

  @Test
  void aBackupPlacedByHandRestoresOnlyWhenATrustedSignerVouchedForItThenOrItWasAcceptedWithAReason()
      throws Exception {
    String live = TestPostgres.newSampleDatabase("flowviz", 100);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    // Made as a person would, without flowviz-dr: pg_dump -Fc | gpg -e.
    Path cipher = dir.resolve("by-hand.dump.gpg");
    ProcessBuilder pgDump =
        new ProcessBuilder(PgBinaries.locate(null).program("pg_dump"), "-Fc", "--dbname=" + live);
    TestPostgres.settings()
        .toolEnvironment()
        .forEach(
            (k, v) -> {
              if (v != null) {
                pgDump.environment().put(k, v);
              }
            });
    for (Process p :
        ProcessBuilder.startPipeline(
            List.of(pgDump, stack.gpg.encryptFromStdin(WorkerTestStack.KEY_EMAIL, cipher)))) {
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue());
    }
    String key =
        "daily/"
            + live
            + "_daily_"
            + KEY_TIME.format(Instant.now().minus(1, ChronoUnit.HOURS))
            + ".dump.gpg";
    stack.s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromFile(cipher));
    TestPostgres.execute(live, "DELETE FROM qc_decisions WHERE decision_type = 'reject'");
    Map<String, String> before = TestPostgres.fingerprint(live);

    ApplicationFailure unsigned =
        refused("restore-unsigned-" + live, Restores.latest(bucket, live));
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, unsigned.getType());
    assertTrue(
        unsigned.getOriginalMessage().contains("no detached signature"),
        unsigned.getOriginalMessage());

    sign(cipher, bucket, key, STRANGER, null);
    assertTrue(
        refused("restore-stranger-" + live, Restores.latest(bucket, live))
            .getOriginalMessage()
            .contains("not among the trusted signer keys"));

    sign(cipher, bucket, key, REVOKED, null); // signed today, long after the key was revoked
    assertTrue(
        refused("restore-revoked-" + live, Restores.latest(bucket, live))
            .getOriginalMessage()
            .contains("after signer \"signing-stolen\" was revoked"));
    assertEquals(
        before, TestPostgres.fingerprint(live), "nothing refused reached the live database");
    assertEquals(List.of(), TestPostgres.databasesLike(live + "_staging_%"));

    sign(cipher, bucket, key, RETIRED, "20240601T000000"); // while signing-2024 was current
    RestoreResult retired = restore("restore-retired-" + live, Restores.latest(bucket, live));
    assertEquals(RestoreResult.RESTORED, retired.outcome());
    assertTrue(
        retired.steps().stream()
            .anyMatch(
                s ->
                    s.step().equals("verify-backup-signature")
                        && s.detail().contains("signing-2024")),
        retired.steps().toString());

    stack.s3.deleteObject(b -> b.bucket(bucket).key(key + ".sig"));
    // The database each swap replaces is kept as <db>_replaced_<second>, and a taken name is
    // refused rather than overwritten: the next restore of the same database starts in a later
    // second (two swaps in one second failed CI once the restores got fast enough).
    Thread.sleep(1100);
    String workflowId = "restore-accepted-" + live;
    var options = Restores.options(workflowId);
    RestoreResult accepted =
        stack
            .client
            .newWorkflowStub(RestoreFromBackupWorkflow.class, options)
            .restore(
                Restores.latest(bucket, live).toBuilder()
                    .acceptUnsigned(true)
                    .unsignedReason("dumped by hand before the 2026 upgrade, ticket OPS-4711")
                    .build());
    assertEquals(RestoreResult.RESTORED, accepted.outcome());
    assertTrue(
        accepted.steps().stream()
            .anyMatch(
                s ->
                    s.step().equals("verify-backup-signature")
                        && s.detail().contains("NOT signed")
                        && s.detail().contains("OPS-4711")),
        accepted.steps().toString());
    List<AuditEntry> trail =
        new AuditStore(TestPostgres.client(), "flowviz_dr_audit")
            .entriesOf(options.getWorkflowId());
    assertTrue(
        trail.stream()
            .anyMatch(
                e ->
                    e.step().equals("unsigned-backup-accepted")
                        && e.details().contains("OPS-4711")
                        && e.details().contains("test-operator")),
        trail.toString());
  }

  @Test
  void aBreachRestoreWithoutSignerKeysRefusesToStart() {
    WorkerTestStack unsigned = WorkerTestStack.get(); // no trusted signers configured
    String live = TestPostgres.newSampleDatabase("flowviz", 50);
    String bucket = TestMoto.newBucket(unsigned.s3, "flowviz-isolated");
    Restores.backup(live, bucket);
    Map<String, String> before = TestPostgres.fingerprint(live);
    RestoreRequest strict =
        RestoreRequest.builder()
            .backupKey("latest")
            .bucket(bucket)
            .targetDatabase(live)
            .operator("test-operator")
            .reason("breach")
            .strictIntegrity(true)
            .build();

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> Restores.restore("restore-breach-" + live, strict));

    ApplicationFailure cause = (ApplicationFailure) e.getCause();
    assertEquals(FailureTypes.CONFIGURATION, cause.getType());
    assertTrue(
        cause.getOriginalMessage().contains("no trusted signer keys"), cause.getOriginalMessage());
    assertEquals(before, TestPostgres.fingerprint(live));
    assertEquals(
        List.of(),
        TestPostgres.databasesLike(live + "_staging_%"),
        "no staging database was even made");
  }

  private void sign(Path cipher, String bucket, String key, String signer, String fakedTime) {
    Path signature = dir.resolve("by-hand.sig");
    if (fakedTime == null) {
      others.detachSign(cipher, signature, signer, null, false);
    } else {
      others.detachSignAt(cipher, signature, signer, fakedTime);
    }
    stack.s3.putObject(b -> b.bucket(bucket).key(key + ".sig"), RequestBody.fromFile(signature));
  }
}
