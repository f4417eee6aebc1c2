package com.flowviz.dr.workflows.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.crypto.DecryptedBackup;
import com.flowviz.dr.activities.crypto.ManifestCheck;
import com.flowviz.dr.activities.crypto.SignatureCheck;
import com.flowviz.dr.activities.postgres.SwapOutcome;
import com.flowviz.dr.activities.postgres.SwapRequest;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.BackupSelector;
import com.flowviz.dr.activities.storage.DownloadedBackup;
import com.flowviz.dr.activities.verify.ConnectivityReport;
import com.flowviz.dr.activities.verify.EndpointCheck;
import com.flowviz.dr.activities.verify.VerificationCheck;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.MockedRestoreActivities;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.TestJudgements;
import com.flowviz.dr.workflows.common.RpoAssessment;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The 4.1 workflow's logic, with mocked activities under the Temporal test environment. */
class RestoreFromBackupWorkflowTest extends MockedRestoreActivities {

  private static final String HOST_QUEUE = TaskQueues.forHost("test-host");
  private static final String WORKFLOW_ID = "restore-flowviz-test";

  @BeforeEach
  void setUp() {
    Worker shared = env.newWorker(TaskQueues.DR);
    shared.registerWorkflowImplementationTypes(RestoreFromBackupWorkflowImpl.class);
    registerShared(shared);
    // Heartbeats reach the server often enough for a cancellation to reach the activity quickly.
    Worker host =
        env.newWorker(
            HOST_QUEUE,
            WorkerOptions.newBuilder()
                .setMaxHeartbeatThrottleInterval(Duration.ofSeconds(1))
                .setDefaultHeartbeatThrottleInterval(Duration.ofSeconds(1))
                .build());
    registerHost(host);

    stubUpToStaging(HOST_QUEUE);
    when(verification.verifyRestoredDatabase(anyString(), any(), any())).thenReturn(report(true));
    when(verification.judgeRestoredDatabase(any())).thenReturn(TestJudgements.NOTHING_LOST);
    when(postgres.swapIntoLive(any(), any()))
        .thenAnswer(
            call ->
                new SwapOutcome(
                    "flowviz", ((SwapRequest) call.getArgument(0)).retiredDatabase(), 3, false));
    stubAnUnconfiguredApplication();
    env.start();
  }

  @Test
  void runsTheRunbookStepsInOrderAndKeepsTheReplacedDatabase() {
    RestoreResult result =
        workflow()
            .restore(
                RestoreRequest.builder()
                    .targetDatabase("flowviz")
                    .operator("alice")
                    .reason("corruption")
                    .incidentAt("2025-01-19T03:00:00Z")
                    .build());

    assertEquals(RestoreResult.RESTORED, result.outcome());
    assertEquals(
        List.of(
            "resolve-backup",
            "download-and-decrypt-backup",
            "prepare-staging-database",
            "pg-restore-into-staging",
            "verify-restored-data",
            "swap-staging-into-live",
            "restart-application",
            "application-connectivity-test"),
        result.steps().stream().map(StepRecord::step).toList());
    assertEquals(
        StepRecord.SKIPPED, result.steps().get(6).outcome(), "no restart command configured");
    assertTrue(
        result.replacedDatabase().startsWith("flowviz_replaced_"), result.replacedDatabase());
    assertEquals(Duration.ofHours(1), result.rpo().gap());
    assertEquals(RpoAssessment.WITHIN_TARGET, result.rpo().verdict());
    verify(postgres).prepareStagingDatabase(startsWith("flowviz_staging_"), any());
    verify(workHost).discardWorkFiles(WORKFLOW_ID);
    assertEquals("alice", audit.get(0).operator());
    assertTrue(
        audit.stream()
            .anyMatch(
                e -> e.step().equals("swap-staging-into-live") && e.outcome().equals("SUCCEEDED")));
    assertEquals(BACKUP.key(), audit.get(audit.size() - 1).backupKey());
    HistoryRecorder.recordIfAsked(
        client, WORKFLOW_ID, "restore-from-backup-v4-database-lease-restored");
  }

  @Test
  void aRestartThatExitsNonZeroIsAFailedStepAndTheRestoreStaysSwappedIn() {
    when(application.restartApplication())
        .thenReturn(
            new RestartOutcome(true, "docker compose restart api", 1, 300, "no such service: api"));
    when(verification.checkApplicationConnectivity())
        .thenReturn(new ConnectivityReport(true, true, List.of()));

    RestoreResult result =
        workflow()
            .restore(RestoreRequest.builder().targetDatabase("flowviz").operator("alice").build());

    assertEquals(
        RestoreResult.RESTORED_APPLICATION_UNHEALTHY,
        result.outcome(),
        "a restart that failed is not a healthy application");
    StepRecord restart = step(result, "restart-application");
    assertEquals(StepRecord.FAILED, restart.outcome());
    assertTrue(
        restart.detail().contains("exited 1") && restart.detail().contains("no such service"),
        restart.detail());
    verify(postgres, times(1)).swapIntoLive(any(), any());
    verify(postgres, never())
        .dropStagingDatabase(anyString(), any()); // no rollback: the verified data stays live
    assertTrue(
        audit.stream()
            .anyMatch(a -> a.step().equals("restart-application") && a.outcome().equals("FAILED")));
    HistoryRecorder.recordIfAsked(client, WORKFLOW_ID, "restore-from-backup-v4-restart-failed");
  }

  @Test
  void withNoEndpointsConfiguredTheConnectivityTestIsSkippedNotHealthy() {
    RestoreResult result =
        workflow()
            .restore(RestoreRequest.builder().targetDatabase("flowviz").operator("alice").build());

    assertEquals(RestoreResult.RESTORED, result.outcome());
    StepRecord connectivity = step(result, "application-connectivity-test");
    assertEquals(StepRecord.SKIPPED, connectivity.outcome());
    assertTrue(connectivity.detail().contains("NOT tested"), connectivity.detail());
    assertTrue(
        audit.stream()
            .noneMatch(
                a ->
                    a.details() != null
                        && a.details().contains("healthy")
                        && a.step().equals("application-connectivity-test")));
    HistoryRecorder.recordIfAsked(client, WORKFLOW_ID, "restore-from-backup-v4-no-endpoints");
  }

  @Test
  void aRestoreIntoASideDatabaseNeverRestartsOrProbesTheApplication() {
    RestoreResult result =
        workflow()
            .restore(
                RestoreRequest.builder()
                    .targetDatabase("flowviz_audit_20250119")
                    .operator("dora")
                    .reason("HACCP audit copy")
                    .build());

    assertEquals(RestoreResult.RESTORED, result.outcome());
    assertEquals(StepRecord.SKIPPED, step(result, "restart-application").outcome());
    assertEquals(StepRecord.SKIPPED, step(result, "application-connectivity-test").outcome());
    assertTrue(
        step(result, "restart-application")
            .detail()
            .contains("not the application's database (flowviz)"),
        step(result, "restart-application").detail());
    verify(application, never()).restartApplication();
    verify(verification, never()).checkApplicationConnectivity();
    HistoryRecorder.recordIfAsked(client, WORKFLOW_ID, "restore-from-backup-v4-side-database");
  }

  private static StepRecord step(RestoreResult result, String name) {
    return result.steps().stream()
        .filter(s -> s.step().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no step " + name + " in " + result.steps()));
  }

  @Test
  void choosesTheNewestBackupBeforeTheRestorePoint() {
    RestoreResult result =
        workflow()
            .restore(
                RestoreRequest.builder()
                    .backupKey("latest")
                    .restorePointBefore("2025-01-19T09:30:00Z")
                    .targetDatabase("flowviz")
                    .operator("bob")
                    .build());

    verify(storage)
        .resolveBackup(
            new BackupSelector(
                "flowviz-backups",
                "daily/",
                null,
                Instant.parse("2025-01-19T09:30:00Z"),
                null,
                "flowviz"));
    assertEquals(
        Instant.parse("2025-01-19T09:30:00Z"),
        result.rpo().incidentAt(),
        "the restore point is when data went bad");
    assertEquals(RpoAssessment.ABOVE_TARGET, result.rpo().verdict());
  }

  @Test
  void aFailedVerificationNeverTouchesTheLiveDatabase() {
    when(verification.verifyRestoredDatabase(anyString(), any(), any())).thenReturn(report(false));

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                workflow()
                    .restore(
                        RestoreRequest.builder()
                            .targetDatabase("flowviz")
                            .operator("alice")
                            .build()));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.VERIFICATION_FAILED, failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("row count lots (expected 10, found 7)"),
        failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().contains("was not touched"));
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(postgres).dropStagingDatabase(startsWith("flowviz_staging_"), any());
    verify(workHost).discardWorkFiles(WORKFLOW_ID);
    HistoryRecorder.recordIfAsked(
        client, WORKFLOW_ID, "restore-from-backup-v4-database-lease-verification-failed");
  }

  @Test
  void aNonRetryableDecryptErrorEndsTheRestoreAtOnce() {
    when(decryption.downloadAndDecryptBackup(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "The passphrase does not unlock key ABC.",
                FailureTypes.DECRYPTION_PASSPHRASE_WRONG));

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                workflow()
                    .restore(
                        RestoreRequest.builder()
                            .targetDatabase("flowviz")
                            .operator("alice")
                            .build()));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.DECRYPTION_PASSPHRASE_WRONG, failure.getType());
    assertEquals("The passphrase does not unlock key ABC.", failure.getOriginalMessage());
    verify(decryption, times(1)).downloadAndDecryptBackup(any());
    verify(postgres, never()).restoreIntoStaging(anyString(), anyString(), any());
    verify(postgres)
        .dropStagingDatabase(
            startsWith("flowviz_staging_"), any()); // made while the backup arrived
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(workHost).discardWorkFiles(WORKFLOW_ID);
    assertTrue(
        audit.stream().anyMatch(a -> a.step().equals("restore") && a.outcome().equals("FAILED")));
  }

  @Test
  void withStrictIntegrityNothingIsDecryptedBeforeTheSignatureIsProven() {
    DownloadedBackup downloaded =
        new DownloadedBackup(BACKUP.key(), "/work/x/backup.gpg", 1000, "abc", 0);
    BackupManifest manifest =
        new BackupManifest(
            1,
            BACKUP.key(),
            BACKUP.takenAt(),
            "flowviz",
            "15.8",
            "15.8",
            900,
            1000,
            "abc",
            "FP",
            List.of());
    when(storage.readManifest(BACKUP)).thenReturn(manifest);
    signersConfigured(manifest, true);
    when(storage.downloadBackup(BACKUP)).thenReturn(downloaded);
    when(decryption.verifyBackupSignature(downloaded, BACKUP, true))
        .thenReturn(new SignatureCheck(true, true, BACKUP.key() + ".sig", "ABCDEF"));
    when(decryption.decryptBackup(downloaded))
        .thenReturn(
            new DecryptedBackup(
                BACKUP.key(), "/work/x/backup.dump", 900, "1.14", "15.8", "ABCDEF", true));
    RestoreRequest strict =
        RestoreRequest.builder()
            .targetDatabase("flowviz")
            .operator("erin")
            .reason("breach")
            .strictIntegrity(true)
            .build();

    RestoreResult result = workflow().restore(strict);

    assertEquals(RestoreResult.RESTORED, result.outcome());
    assertEquals(
        List.of(
            "resolve-backup",
            "verify-manifest-signature",
            "download-backup",
            "verify-backup-signature",
            "decrypt-backup"),
        result.steps().stream().map(StepRecord::step).toList().subList(0, 5));
    org.mockito.InOrder order = org.mockito.Mockito.inOrder(storage, decryption);
    order.verify(storage).downloadBackup(BACKUP);
    order.verify(decryption).verifyBackupSignature(downloaded, BACKUP, true);
    order.verify(decryption).decryptBackup(downloaded);
    verify(decryption, never()).downloadAndDecryptBackup(any());
  }

  /** The worker has trusted signer keys; the manifest's signature is as given. */
  private void signersConfigured(BackupManifest manifest, boolean manifestSigned) {
    when(decryption.verifyManifestSignature(BACKUP))
        .thenReturn(
            new ManifestCheck(
                true,
                "test signers",
                manifest,
                manifestSigned
                    ? new SignatureCheck(
                        true,
                        true,
                        BACKUP.key() + ".manifest.json.sig",
                        "ABCDEF",
                        "signing-2026",
                        Instant.parse("2025-01-19T02:03:00Z"))
                    : new SignatureCheck(false, false, null, null)));
  }

  private static final BackupManifest MANIFEST =
      new BackupManifest(
          1,
          BACKUP.key(),
          BACKUP.takenAt(),
          "flowviz",
          "15.8",
          "15.8",
          900,
          1000,
          "abc",
          "FP",
          List.of());

  @Test
  void withSignerKeysABackupAndManifestSignedByATrustedSignerRestoreAndTheStepsSaySo() {
    signersConfigured(MANIFEST, true);
    when(decryption.verifyBackupSignature(any(), any(), anyBoolean()))
        .thenReturn(
            new SignatureCheck(
                true,
                true,
                BACKUP.key() + ".sig",
                "ABCDEF",
                "signing-2026",
                Instant.parse("2025-01-19T02:03:00Z")));

    RestoreResult result =
        workflow()
            .restore(
                RestoreRequest.builder()
                    .targetDatabase("flowviz")
                    .operator("alice")
                    .reason("corruption")
                    .build());

    assertEquals(RestoreResult.RESTORED, result.outcome());
    List<String> steps = result.steps().stream().map(StepRecord::step).toList();
    assertTrue(
        steps.indexOf("verify-manifest-signature") < steps.indexOf("download-and-decrypt-backup"),
        steps.toString());
    assertTrue(
        steps.indexOf("verify-backup-signature") < steps.indexOf("pg-restore-into-staging"),
        steps.toString());
    verify(decryption).verifyBackupSignature(any(), any(), org.mockito.ArgumentMatchers.eq(true));
    assertTrue(
        result.steps().stream()
            .anyMatch(
                st ->
                    st.step().equals("verify-backup-signature")
                        && st.detail().contains("signing-2026")));
    HistoryRecorder.recordIfAsked(
        client, WORKFLOW_ID, "restore-from-backup-v5-signatures-verified");
  }

  @Test
  void withSignerKeysAnUnsignedBackupIsRefusedBeforeAnyByteIsDownloaded() {
    signersConfigured(MANIFEST, false);

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                workflow()
                    .restore(
                        RestoreRequest.builder()
                            .targetDatabase("flowviz")
                            .operator("alice")
                            .reason("corruption")
                            .build()));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("acceptUnsigned"), failure.getOriginalMessage());
    verify(decryption, never()).downloadAndDecryptBackup(any());
    verify(postgres, never()).swapIntoLive(any(), any());
    assertTrue(
        audit.stream()
            .anyMatch(
                a -> a.step().equals("verify-manifest-signature") && a.outcome().equals("FAILED")));
  }

  @Test
  void anUnsignedBackupAcceptedWithAReasonRestoresAndTheReasonIsInTheAuditTrailAndTheResult() {
    signersConfigured(MANIFEST, false);
    when(decryption.verifyBackupSignature(any(), any(), anyBoolean()))
        .thenReturn(new SignatureCheck(false, false, null, null));
    RestoreRequest request =
        RestoreRequest.builder()
            .targetDatabase("flowviz")
            .operator("alice")
            .reason("corruption")
            .acceptUnsigned(true)
            .unsignedReason("taken by hand before the upgrade, ticket OPS-42")
            .build();

    RestoreResult result = workflow().restore(request);

    assertEquals(RestoreResult.RESTORED, result.outcome());
    verify(decryption).verifyBackupSignature(any(), any(), org.mockito.ArgumentMatchers.eq(false));
    assertTrue(
        audit.stream()
            .anyMatch(
                a ->
                    a.step().equals("unsigned-backup-accepted")
                        && a.details().contains("OPS-42")
                        && a.details().contains("alice")),
        audit.toString());
    assertTrue(
        result.steps().stream()
            .anyMatch(
                st ->
                    st.step().equals("verify-backup-signature")
                        && st.detail().contains("NOT signed")
                        && st.detail().contains("OPS-42")),
        result.steps().toString());
    HistoryRecorder.recordIfAsked(
        client, WORKFLOW_ID, "restore-from-backup-v5-signatures-unsigned-accepted");
  }

  @Test
  void strictIntegrityWithoutSignerKeysRefusesToStartAndChangesNothing() {
    RestoreRequest strict =
        RestoreRequest.builder()
            .targetDatabase("flowviz")
            .operator("erin")
            .reason("breach")
            .strictIntegrity(true)
            .build();

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> workflow().restore(strict));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.CONFIGURATION, failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("trusted signer"), failure.getOriginalMessage());
    verify(workHost, never()).claimWorkHost();
    verify(postgres, never()).prepareStagingDatabase(anyString(), any());
  }

  @Test
  void acceptingUnsignedIsRefusedForStrictIntegrityAndWithoutAReason() {
    RestoreRequest strict =
        RestoreRequest.builder()
            .targetDatabase("flowviz")
            .operator("erin")
            .reason("breach")
            .strictIntegrity(true)
            .acceptUnsigned(true)
            .unsignedReason("in a hurry")
            .build();
    RestoreRequest noReason =
        RestoreRequest.builder()
            .targetDatabase("flowviz")
            .operator("alice")
            .acceptUnsigned(true)
            .unsignedReason(" ")
            .build();

    for (RestoreRequest bad : List.of(strict, noReason)) {
      WorkflowFailedException e =
          assertThrows(WorkflowFailedException.class, () -> workflow().restore(bad));
      assertEquals(
          FailureTypes.INVALID_INPUT,
          assertInstanceOf(ApplicationFailure.class, e.getCause()).getType());
    }
    verify(storage, never()).resolveBackup(any());
  }

  @Test
  void aCiphertextThatDoesNotMatchItsManifestIsRefusedEvenThoughItDecrypted() {
    when(storage.readManifest(BACKUP))
        .thenReturn(
            new BackupManifest(
                1,
                BACKUP.key(),
                BACKUP.takenAt(),
                "flowviz",
                "15.8",
                "15.8",
                900,
                1000,
                "0000",
                "FP",
                List.of()));

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                workflow()
                    .restore(
                        RestoreRequest.builder()
                            .targetDatabase("flowviz")
                            .operator("alice")
                            .build()));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("does not match its manifest"),
        failure.getOriginalMessage());
    verify(postgres).dropStagingDatabase(startsWith("flowviz_staging_"), any());
    verify(postgres, never()).restoreIntoStaging(anyString(), anyString(), any());
  }

  @Test
  void cancellingDuringPgRestoreLeavesTheLiveDatabaseUntouchedAndCleansUp() throws Exception {
    CountDownLatch restoring = new CountDownLatch(1);
    when(postgres.restoreIntoStaging(anyString(), anyString(), any()))
        .thenAnswer(
            call -> {
              restoring.countDown();
              while (true) {
                Activity.getExecutionContext().heartbeat("restoring");
                Thread.sleep(100);
              }
            });
    WorkflowStub stub = client.newUntypedWorkflowStub("RestoreFromBackup", options());
    stub.start(RestoreRequest.builder().targetDatabase("flowviz").operator("alice").build());
    assertTrue(restoring.await(30, TimeUnit.SECONDS));

    stub.cancel();

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> stub.getResult(RestoreResult.class));
    assertInstanceOf(CanceledFailure.class, e.getCause());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(postgres).dropStagingDatabase(startsWith("flowviz_staging_"), any());
    verify(workHost).discardWorkFiles(WORKFLOW_ID);
    assertTrue(
        audit.stream()
            .anyMatch(a -> a.step().equals("restore") && a.outcome().equals("CANCELLED")));
  }

  @Test
  void anUnsafeTargetNameIsRefusedBeforeAnyActivityRuns() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                workflow()
                    .restore(
                        RestoreRequest.builder()
                            .targetDatabase("flowviz; DROP DATABASE x")
                            .operator("alice")
                            .build()));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("is not a safe database name"),
        failure.getOriginalMessage());
    verify(storage, never()).resolveBackup(any());
    assertTrue(audit.isEmpty());
  }

  @Test
  void aLostWorkHostIsReplacedAndTheRestoreCompletes() {
    // The first host claimed never polls its queue again (its machine is gone).
    when(workHost.claimWorkHost()).thenReturn(TaskQueues.forHost("vanished"), HOST_QUEUE);

    // The test server holds its clock while an activity waits in a queue, so this wait is real
    // time.
    RestoreResult result =
        workflow()
            .restore(
                RestoreRequest.builder()
                    .targetDatabase("flowviz")
                    .operator("alice")
                    .workHostPickupTimeout("PT5S")
                    .build());

    assertEquals(RestoreResult.RESTORED, result.outcome());
    verify(workHost, times(2)).claimWorkHost();
    assertTrue(audit.stream().anyMatch(a -> a.step().equals("work-host-lost")));
  }

  @Test
  void anUnhealthyApplicationAfterTheSwapIsReportedNotHidden() {
    when(verification.checkApplicationConnectivity())
        .thenReturn(
            new ConnectivityReport(
                true,
                false,
                List.of(new EndpointCheck("http://app/health", false, 503, 5, "down"))));

    RestoreResult result =
        workflow()
            .restore(RestoreRequest.builder().targetDatabase("flowviz").operator("alice").build());

    assertEquals(RestoreResult.RESTORED_APPLICATION_UNHEALTHY, result.outcome());
    verify(postgres, atLeastOnce()).swapIntoLive(any(), any());
    assertEquals(503, result.connectivity().endpoints().get(0).status());
  }

  private RestoreFromBackupWorkflow workflow() {
    return client.newWorkflowStub(RestoreFromBackupWorkflow.class, options());
  }

  private static WorkflowOptions options() {
    return WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.DR)
        .setWorkflowId(WORKFLOW_ID)
        .build();
  }

  private static String startsWith(String prefix) {
    return org.mockito.ArgumentMatchers.startsWith(prefix);
  }

  private static VerificationReport report(boolean passed) {
    return new VerificationReport(
        "flowviz_staging_x",
        passed,
        true,
        List.of(new VerificationCheck("row count lots", passed, "10", passed ? "10" : "7")),
        List.of(),
        List.of(),
        Map.of("release", 5L));
  }

  // ---- Issue 16: one recorded history per path through 4.1 the older histories miss ----

  private RestoreFromBackupWorkflow workflow(String id) {
    return client.newWorkflowStub(
        RestoreFromBackupWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
  }

  @Test
  void pathAStageOnlyRestoreLeavesTheLiveDatabaseAndKeepsTheStagedCopy() {
    RestoreResult result =
        workflow("restore-v8-staged")
            .restore(
                RestoreRequest.builder()
                    .targetDatabase("flowviz")
                    .operator("alice")
                    .reason("incident incident-x (accidental deletion)")
                    .incidentAt("2025-01-19T03:00:00Z")
                    .applicationSteps(false)
                    .stageOnly(true)
                    .strictIntegrity(false)
                    .build());

    assertEquals(RestoreResult.STAGED, result.outcome());
    assertTrue(result.stagingDatabase().startsWith("flowviz_staging_"), result.stagingDatabase());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(postgres, never()).dropStagingDatabase(anyString(), any());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "restore-v8-staged", "restore-from-backup-v8-paths-staged");
  }

  @Test
  void pathADecryptErrorIsRecordedWithItsCleanup() {
    when(decryption.downloadAndDecryptBackup(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "The passphrase does not unlock key ABC.",
                FailureTypes.DECRYPTION_PASSPHRASE_WRONG));

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                workflow("restore-v8-decrypt-failed")
                    .restore(
                        RestoreRequest.builder()
                            .targetDatabase("flowviz")
                            .operator("alice")
                            .build()));

    assertEquals(
        FailureTypes.DECRYPTION_PASSPHRASE_WRONG,
        assertInstanceOf(ApplicationFailure.class, e.getCause()).getType());
    verify(postgres).dropStagingDatabase(startsWith("flowviz_staging_"), any());
    verify(workHost).discardWorkFiles("restore-v8-decrypt-failed");
    assertTrue(
        audit.stream().anyMatch(a -> a.step().equals("restore") && a.outcome().equals("FAILED")));
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "restore-v8-decrypt-failed", "restore-from-backup-v8-paths-decrypt-failed");
  }

  @Test
  void pathACancellationDuringPgRestoreIsRecordedWithItsCleanup() throws Exception {
    CountDownLatch restoring = new CountDownLatch(1);
    when(postgres.restoreIntoStaging(anyString(), anyString(), any()))
        .thenAnswer(
            call -> {
              restoring.countDown();
              while (true) {
                Activity.getExecutionContext().heartbeat("restoring");
                Thread.sleep(100);
              }
            });
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            "RestoreFromBackup",
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId("restore-v8-cancelled")
                .build());
    stub.start(RestoreRequest.builder().targetDatabase("flowviz").operator("alice").build());
    assertTrue(restoring.await(30, TimeUnit.SECONDS));

    stub.cancel();

    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> stub.getResult(RestoreResult.class));
    assertInstanceOf(CanceledFailure.class, e.getCause());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(postgres).dropStagingDatabase(startsWith("flowviz_staging_"), any());
    assertTrue(
        audit.stream()
            .anyMatch(a -> a.step().equals("restore") && a.outcome().equals("CANCELLED")));
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "restore-v8-cancelled", "restore-from-backup-v8-paths-cancelled");
  }

  @Test
  void pathAnUnhealthyApplicationAfterTheSwapIsRecorded() {
    when(verification.checkApplicationConnectivity())
        .thenReturn(
            new ConnectivityReport(
                true,
                false,
                List.of(
                    new com.flowviz.dr.activities.verify.EndpointCheck(
                        "http://app/health", false, 503, 5, "down"))));

    RestoreResult result =
        workflow("restore-v8-unhealthy")
            .restore(RestoreRequest.builder().targetDatabase("flowviz").operator("alice").build());

    assertEquals(RestoreResult.RESTORED_APPLICATION_UNHEALTHY, result.outcome());
    verify(postgres).swapIntoLive(any(), any());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "restore-v8-unhealthy", "restore-from-backup-v8-paths-application-unhealthy");
  }

  // ---- Issue 16: input the plan refuses, before any command ----

  @Test
  void pathAnUnsafeTargetNameIsRefusedBeforeAnyCommand() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                workflow("restore-v8-input-refused")
                    .restore(
                        RestoreRequest.builder()
                            .targetDatabase("flowviz; DROP DATABASE x")
                            .operator("alice")
                            .build()));

    assertEquals(
        FailureTypes.INVALID_INPUT,
        assertInstanceOf(ApplicationFailure.class, e.getCause()).getType());
    assertTrue(audit.isEmpty(), audit.toString());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "restore-v8-input-refused", "restore-from-backup-v8-paths-input-refused");
  }
}
