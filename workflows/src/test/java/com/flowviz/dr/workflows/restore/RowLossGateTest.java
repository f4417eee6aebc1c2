package com.flowviz.dr.workflows.restore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.flowviz.dr.activities.postgres.SwapOutcome;
import com.flowviz.dr.activities.postgres.SwapRequest;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.verify.JudgementRequest;
import com.flowviz.dr.activities.verify.RestoreJudgement;
import com.flowviz.dr.activities.verify.RowLoss;
import com.flowviz.dr.activities.verify.VerificationCheck;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.MockedRestoreActivities;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.TestJudgements;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/**
 * Issue 15's verification that judges, in the 4.1 workflow: the judgement's failed checks fail the
 * verification, and a swap without a manifest that would empty live tables waits at the row-loss
 * gate (mocked activities under the Temporal test environment).
 */
class RowLossGateTest extends MockedRestoreActivities {

  private static final String HOST_QUEUE = TaskQueues.forHost("test-host");
  private static final String WORKFLOW_ID = "restore-flowviz-test";
  private static final RowLoss LOTS_EMPTIED = new RowLoss("lots", 10_000, 3);

  @BeforeEach
  void setUp() {
    Worker shared = env.newWorker(TaskQueues.DR);
    shared.registerWorkflowImplementationTypes(RestoreFromBackupWorkflowImpl.class);
    registerShared(shared);
    Worker host = env.newWorker(HOST_QUEUE);
    registerHost(host);

    stubUpToStaging(HOST_QUEUE);
    when(verification.verifyRestoredDatabase(anyString(), any(), any()))
        .thenReturn(
            new VerificationReport(
                "flowviz_staging_x",
                true,
                false,
                List.of(new VerificationCheck("table lots present", true, "present", "present")),
                List.of(),
                List.of(),
                Map.of()));
    when(postgres.swapIntoLive(any(), any()))
        .thenAnswer(
            call ->
                new SwapOutcome(
                    "flowviz", ((SwapRequest) call.getArgument(0)).retiredDatabase(), 3, false));
    stubAnUnconfiguredApplication();
    env.start();
  }

  @Test
  void withoutAManifestTheLiveDatabaseIsTheMeasureAndTheBackupsTimeIsJudged() {
    when(verification.judgeRestoredDatabase(any())).thenReturn(TestJudgements.NOTHING_LOST);

    RestoreResult result =
        workflow()
            .restore(RestoreRequest.builder().targetDatabase("flowviz").operator("alice").build());

    assertEquals(RestoreResult.RESTORED, result.outcome());
    ArgumentCaptor<JudgementRequest> asked = ArgumentCaptor.forClass(JudgementRequest.class);
    verify(verification).judgeRestoredDatabase(asked.capture());
    assertEquals(
        "flowviz", asked.getValue().liveDatabase(), "no manifest: compared with the live database");
    assertEquals(BACKUP.takenAt(), asked.getValue().backupTakenAt());
    assertTrue(
        asked.getValue().restoredDatabase().startsWith("flowviz_staging_"),
        asked.getValue().restoredDatabase());
    assertTrue(
        result.verification().checks().stream().anyMatch(c -> c.name().equals("5.2 lots restored")),
        "the judgement's checks are reported");
    assertTrue(
        result.steps().stream().noneMatch(s -> s.step().equals(RowLossGate.STEP)),
        "nothing lost, no gate");
  }

  @Test
  void withAManifestTheManifestIsTheMeasureAndItsTimeIsTheBackupsTime() {
    Instant manifestTime = Instant.parse("2025-01-19T02:00:07Z");
    when(storage.readManifest(BACKUP))
        .thenReturn(
            new BackupManifest(
                1,
                BACKUP.key(),
                manifestTime,
                "flowviz",
                "15.8",
                "15.8",
                900,
                1000,
                null,
                null,
                List.of()));
    when(verification.judgeRestoredDatabase(any())).thenReturn(TestJudgements.NOTHING_LOST);

    workflow()
        .restore(RestoreRequest.builder().targetDatabase("flowviz").operator("alice").build());

    ArgumentCaptor<JudgementRequest> asked = ArgumentCaptor.forClass(JudgementRequest.class);
    verify(verification).judgeRestoredDatabase(asked.capture());
    assertNull(asked.getValue().liveDatabase(), "the manifest says what the source held");
    assertEquals(manifestTime, asked.getValue().backupTakenAt());
  }

  @Test
  void aRestoreWithNoLotsFailsItsVerificationAndIsNotSwapped() {
    when(verification.judgeRestoredDatabase(any()))
        .thenReturn(
            new RestoreJudgement(
                List.of(
                    new VerificationCheck(
                        "5.2 lots restored", false, "at least one lot", "no lots")),
                List.of(),
                "flowviz",
                true,
                List.of(),
                0.10,
                Duration.ofDays(1)));

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
        failure
            .getOriginalMessage()
            .contains("5.2 lots restored (expected at least one lot, found no lots)"),
        failure.getOriginalMessage());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(postgres).dropStagingDatabase(any(), any());
  }

  @Test
  void aSwapThatWouldEmptyALiveTableWaitsForAPersonAndRunsWhenApproved() throws Exception {
    when(verification.judgeRestoredDatabase(any()))
        .thenReturn(TestJudgements.losing("flowviz", Duration.ofHours(4), LOTS_EMPTIED));
    RestoreFromBackupWorkflow restore = workflow();
    WorkflowClient.start(
        restore::restore,
        RestoreRequest.builder().targetDatabase("flowviz").operator("alice").build());

    awaitGate(restore);
    verify(postgres, never()).swapIntoLive(any(), any());
    String answer =
        restore.decide(
            Decision.approve(
                RowLossGate.GATE, "carol", "the live data was wiped; the backup is what we have"));
    RestoreResult result = WorkflowStub.fromTyped(restore).getResult(RestoreResult.class);

    assertTrue(answer.startsWith("Approved row-loss by carol; swapping"), answer);
    assertEquals(RestoreResult.RESTORED, result.outcome());
    StepRecord gate = step(result, RowLossGate.STEP);
    assertTrue(
        gate.detail().contains("approved by carol")
            && gate.detail().contains("lots 10000 → 3 rows (9997 lost, 100%)"),
        gate.detail());
    verify(postgres).swapIntoLive(any(), any());
    assertTrue(
        audit.stream()
            .anyMatch(
                a ->
                    a.step().equals(RowLossGate.STEP)
                        && a.details() != null
                        && a.details().contains("carol")));
    HistoryRecorder.recordIfAsked(
        client, WORKFLOW_ID, "restore-from-backup-v5-row-loss-gate-approved");
  }

  @Test
  void aRejectedSwapChangesNothingAndDropsTheStagingDatabase() throws Exception {
    when(verification.judgeRestoredDatabase(any()))
        .thenReturn(TestJudgements.losing("flowviz", Duration.ofHours(4), LOTS_EMPTIED));
    RestoreFromBackupWorkflow restore = workflow();
    WorkflowClient.start(
        restore::restore,
        RestoreRequest.builder().targetDatabase("flowviz").operator("alice").build());

    String question = awaitGate(restore);
    assertTrue(
        question.contains("lots 10000 → 3 rows") && question.contains("--gate row-loss"), question);
    restore.decide(
        Decision.reject(RowLossGate.GATE, "carol", "that backup is of the wrong database"));
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> WorkflowStub.fromTyped(restore).getResult(RestoreResult.class));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.SWAP_NOT_APPROVED, failure.getType());
    assertTrue(failure.isNonRetryable());
    assertTrue(
        failure.getOriginalMessage().contains("rejected by carol")
            && failure.getOriginalMessage().contains("lots 10000 → 3 rows")
            && failure.getOriginalMessage().contains("not touched"),
        failure.getOriginalMessage());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(postgres).dropStagingDatabase(any(), any());
    HistoryRecorder.recordIfAsked(
        client, WORKFLOW_ID, "restore-from-backup-v5-row-loss-gate-denied");
  }

  @Test
  void noAnswerWithinTheWorkersTimeoutIsNoSwap() {
    when(verification.judgeRestoredDatabase(any()))
        .thenReturn(TestJudgements.losing("flowviz", Duration.ofHours(4), LOTS_EMPTIED));

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
    assertEquals(FailureTypes.SWAP_NOT_APPROVED, failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("no decision before the timeout"),
        failure.getOriginalMessage());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(postgres).dropStagingDatabase(any(), any());
  }

  @Test
  void aDecisionForAnotherGateIsRefusedBeforeItEntersHistory() {
    when(verification.judgeRestoredDatabase(any()))
        .thenReturn(TestJudgements.losing("flowviz", Duration.ofHours(4), LOTS_EMPTIED));
    RestoreFromBackupWorkflow restore = workflow();
    WorkflowClient.start(
        restore::restore,
        RestoreRequest.builder().targetDatabase("flowviz").operator("alice").build());
    awaitGate(restore);

    Exception refused =
        assertThrows(
            Exception.class,
            () -> restore.decide(Decision.approve(Decision.DNS_SWITCH, "carol", null)));
    assertTrue(String.valueOf(rootMessage(refused)).contains("Unknown gate"), rootMessage(refused));
    verify(postgres, never()).swapIntoLive(any(), any());
    restore.decide(Decision.reject(RowLossGate.GATE, "carol", null));
    assertThrows(
        WorkflowFailedException.class,
        () -> WorkflowStub.fromTyped(restore).getResult(RestoreResult.class));
  }

  /** Waits until the restore stands at the row-loss gate; returns the question it asks. */
  private String awaitGate(RestoreFromBackupWorkflow restore) {
    long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < until) {
      RestoreProgress progress = restore.progress();
      if (RowLossGate.STEP.equals(progress.currentStep()) && progress.awaiting() != null) {
        return progress.awaiting();
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("the restore never reached the row-loss gate: " + restore.progress());
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  private static StepRecord step(RestoreResult result, String name) {
    return result.steps().stream()
        .filter(s -> s.step().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no step " + name + " in " + result.steps()));
  }

  private RestoreFromBackupWorkflow workflow() {
    return client.newWorkflowStub(
        RestoreFromBackupWorkflow.class,
        WorkflowOptions.newBuilder()
            .setTaskQueue(TaskQueues.DR)
            .setWorkflowId(WORKFLOW_ID)
            .build());
  }
}
