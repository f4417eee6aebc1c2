package com.flowviz.dr.workflows.incident;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.flowviz.dr.activities.incident.CredentialCheck;
import com.flowviz.dr.activities.postgres.DataGap;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.SwapOutcome;
import com.flowviz.dr.activities.postgres.TableGap;
import com.flowviz.dr.activities.postgres.UndeleteOutcome;
import com.flowviz.dr.activities.provision.ProvisionedInstance;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.verify.TraceabilityCheck;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.RpoAssessment;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.failover.CrossRegionFailoverWorkflow;
import com.flowviz.dr.workflows.failover.DnsApproval;
import com.flowviz.dr.workflows.failover.FailoverProgress;
import com.flowviz.dr.workflows.failover.FailoverRequest;
import com.flowviz.dr.workflows.failover.FailoverResult;
import com.flowviz.dr.workflows.newinstance.NewInstanceRequest;
import com.flowviz.dr.workflows.newinstance.NewInstanceResult;
import com.flowviz.dr.workflows.newinstance.RestoreToNewInstanceWorkflow;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreProgress;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The incident workflow's logic: mocked activities, and stand-ins for the procedures it starts. */
class HandleIncidentWorkflowTest extends MockedIncidentActivities {

  static final BackupObject BACKUP =
      new BackupObject(
          "flowviz-backups",
          "daily/flowviz_daily_20251130_020000.dump.gpg",
          Instant.parse("2025-11-30T02:00:00Z"),
          Instant.parse("2025-11-30T02:01:00Z"),
          100,
          "STANDARD",
          "e");
  static final VerificationReport PASSED =
      new VerificationReport("flowviz", true, true, List.of(), List.of(), List.of(), Map.of());
  static final List<Object> childRequests = new CopyOnWriteArrayList<>();

  public static class FakeRestore implements RestoreFromBackupWorkflow {
    @Override
    public RestoreResult restore(RestoreRequest r) {
      childRequests.add(r);
      return result(r);
    }

    static RestoreResult result(RestoreRequest r) {
      boolean staged = Boolean.TRUE.equals(r.stageOnly());
      return RestoreResult.builder()
          .outcome(staged ? RestoreResult.STAGED : RestoreResult.RESTORED)
          .backup(BACKUP)
          .targetDatabase(r.targetDatabase())
          .replacedDatabase(staged ? null : r.targetDatabase() + "_replaced_x")
          .verification(PASSED)
          .rpo(RpoAssessment.of(Instant.parse(r.incidentAt()), BACKUP.takenAt()))
          .steps(List.of())
          .elapsed(Duration.ofMinutes(3))
          .stagingDatabase(staged ? r.targetDatabase() + "_staging_x" : null)
          .build();
    }

    @Override
    public RestoreProgress progress() {
      return null;
    }
  }

  public static class FakeNewInstance implements RestoreToNewInstanceWorkflow {
    @Override
    public NewInstanceResult restore(NewInstanceRequest r) {
      childRequests.add(r);
      PgServer server = new PgServer("10.0.0.9", 5432, "admin", "secret-name");
      return NewInstanceResult.builder()
          .outcome(RestoreResult.RESTORED)
          .instance(new ProvisionedInstance("flowviz-db-1", "local", server, false, ""))
          .restore(
              FakeRestore.result(
                  RestoreRequest.builder()
                      .backupKey(r.backupKey())
                      .targetDatabase(r.databaseName())
                      .incidentAt(r.incidentAt())
                      .build()))
          .published(new com.flowviz.dr.activities.app.PublishOutcome(true, List.of("env file")))
          .steps(List.of())
          .elapsed(Duration.ofMinutes(5))
          .build();
    }

    @Override
    public String decide(Decision decision) {
      return "";
    }

    @Override
    public void validateDecision(Decision decision) {}

    @Override
    public void decision(Decision decision) {}

    @Override
    public com.flowviz.dr.workflows.newinstance.NewInstanceProgress progress() {
      return null;
    }
  }

  public static class FakeFailover implements CrossRegionFailoverWorkflow {
    @Override
    public FailoverResult failover(FailoverRequest r) {
      childRequests.add(r);
      return new FailoverResult(
          "failover",
          FailoverResult.SWITCHED,
          null,
          new com.flowviz.dr.activities.infra.StackOutputs(
              "prod-dr", "us-west-2", Map.of(), new PgServer("10.1.0.1", 5432, "admin", "s")),
          FakeRestore.result(
              RestoreRequest.builder()
                  .backupKey(BACKUP.key())
                  .targetDatabase(r.databaseName())
                  .incidentAt(r.incidentAt())
                  .build()),
          new com.flowviz.dr.activities.dns.DnsChange("Z1", "C1", "INSYNC", false, List.of()),
          null,
          List.of(),
          List.of(),
          Duration.ofMinutes(9));
    }

    @Override
    public String decide(Decision decision) {
      return "";
    }

    @Override
    public void validateDecision(Decision decision) {}

    @Override
    public void decision(Decision decision) {}

    @Override
    public FailoverProgress progress() {
      return null;
    }
  }

  @BeforeEach
  void setUp() {
    childRequests.clear();
    register(FakeRestore.class, FakeNewInstance.class, FakeFailover.class);
    stubAnIncidentThatGoesWell();
    env.start();
  }

  private HandleIncidentWorkflow stub(String id) {
    return incidentStub(id);
  }

  private static IncidentRequest request(String scenario) {
    return IncidentRequest.builder()
        .scenario(scenario)
        .damageStartedAt("2025-11-30T09:00:00Z")
        .operator("alice")
        .notes("test")
        .build();
  }

  @ParameterizedTest
  @CsvSource({
    "database-corruption, -restore",
    "2.2, -new-instance",
    "ransomware, -restore",
    "regional-outage, -failover"
  })
  void eachScenarioRunsTheProcedureTheRunbookPrescribes(String scenario, String childSuffix) {
    IncidentResult result = stub("incident-x").handle(request(scenario));

    assertEquals(
        IncidentResult.RECOVERED, result.outcome(), result.postRecoveryChecks().toString());
    assertEquals("incident-x" + childSuffix, result.procedureWorkflowId());
    assertEquals("incident-x-follow-up", result.followUpWorkflowId());
    assertEquals(1, childRequests.size());
    verify(incident).writeIncidentReport(any());
  }

  @Test
  void theChecklistWalksBackPastACorruptBackupAndTheReportSaysWhy() {
    BackupObject corrupt =
        new BackupObject(
            "flowviz-backups",
            "daily/flowviz_daily_20251130_080000.dump.gpg",
            Instant.parse("2025-11-30T08:00:00Z"),
            Instant.parse("2025-11-30T08:01:00Z"),
            100,
            "STANDARD",
            "c");
    BackupObject undecryptable =
        new BackupObject(
            "flowviz-backups",
            "daily/flowviz_daily_20251130_050000.dump.gpg",
            Instant.parse("2025-11-30T05:00:00Z"),
            Instant.parse("2025-11-30T05:01:00Z"),
            100,
            "STANDARD",
            "u");
    var newest =
        new com.flowviz.dr.activities.storage.BackupSelector(
            "flowviz-backups",
            "daily/",
            null,
            Instant.parse("2025-11-30T09:00:00Z"),
            null,
            "flowviz");
    when(storage.resolveBackup(newest)).thenReturn(corrupt);
    when(storage.resolveBackup(newest.olderThan(corrupt.takenAt()))).thenReturn(undecryptable);
    when(storage.resolveBackup(newest.olderThan(undecryptable.takenAt()))).thenReturn(BACKUP);
    when(decryption.checkBackupValidity(eq(corrupt), any()))
        .thenReturn(
            com.flowviz.dr.activities.crypto.BackupValidity.invalid(
                FailureTypes.BACKUP_INTEGRITY_FAILED,
                "its SHA-256 abc does not match its manifest's def"));
    when(decryption.checkBackupValidity(eq(undecryptable), any()))
        .thenReturn(
            com.flowviz.dr.activities.crypto.BackupValidity.invalid(
                FailureTypes.DECRYPTION_KEY_MISMATCH,
                "it is encrypted to key 1234, not the backup key"));

    IncidentResult result = stub("incident-w").handle(request("2.1"));

    assertEquals(
        IncidentResult.RECOVERED, result.outcome(), result.postRecoveryChecks().toString());
    RestoreRequest child = (RestoreRequest) childRequests.get(0);
    assertEquals(
        BACKUP.key(), child.backupKey(), "the newest valid backup, two older than the newest");
    StepRecord identify =
        result.steps().stream()
            .filter(st -> st.step().equals(IncidentSteps.IDENTIFY_BACKUP))
            .findFirst()
            .orElseThrow();
    assertTrue(
        identify.detail().contains("after passing over 2 invalid newer backups"),
        identify.detail());
    assertTrue(
        identify
            .detail()
            .contains(
                corrupt.key() + " (taken 2025-11-30T08:00:00Z): its SHA-256 abc does not match"),
        identify.detail());
    assertTrue(
        identify
            .detail()
            .contains(
                undecryptable.key() + " (taken 2025-11-30T05:00:00Z): it is encrypted to key 1234"),
        identify.detail());
    var report =
        org.mockito.ArgumentCaptor.forClass(
            com.flowviz.dr.activities.incident.IncidentReport.class);
    verify(incident).writeIncidentReport(report.capture());
    assertEquals(BACKUP.uri(), report.getValue().backupUsed());
    HistoryRecorder.recordIfAsked(
        client, "incident-w", "handle-incident-v7-walk-back-past-invalid-backups");
  }

  @Test
  void theChecklistGivesUpWhenNoOlderBackupIsValidAndChangesNothing() {
    var newest =
        new com.flowviz.dr.activities.storage.BackupSelector(
            "flowviz-backups",
            "daily/",
            null,
            Instant.parse("2025-11-30T09:00:00Z"),
            null,
            "flowviz");
    when(storage.resolveBackup(newest)).thenReturn(BACKUP);
    when(storage.resolveBackup(newest.olderThan(BACKUP.takenAt())))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "No backup of flowviz under s3://flowviz-backups/daily/ was taken before ...",
                FailureTypes.BACKUP_NOT_FOUND));
    when(decryption.checkBackupValidity(any(), any()))
        .thenReturn(
            com.flowviz.dr.activities.crypto.BackupValidity.invalid(
                FailureTypes.BACKUP_INTEGRITY_FAILED, "the OpenPGP integrity check failed"));

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class, () -> stub("incident-none").handle(request("2.1")));

    ApplicationFailure cause = (ApplicationFailure) e.getCause();
    assertEquals(FailureTypes.BACKUP_INTEGRITY_FAILED, cause.getType());
    assertTrue(
        cause
            .getOriginalMessage()
            .contains("No valid backup of flowviz was found: passed over " + BACKUP.key()),
        cause.getOriginalMessage());
    assertTrue(
        cause
            .getOriginalMessage()
            .contains("the OpenPGP integrity check failed; no older backup can be chosen"),
        cause.getOriginalMessage());
    assertTrue(childRequests.isEmpty(), "no procedure started");
    verify(postgres, never()).swapIntoLive(any(), any());
  }

  @Test
  void corruptionRestoresTheNewestBackupTakenBeforeTheDamage() {
    stub("incident-c").handle(request("2.1"));

    verify(storage)
        .resolveBackup(
            new com.flowviz.dr.activities.storage.BackupSelector(
                "flowviz-backups",
                "daily/",
                null,
                Instant.parse("2025-11-30T09:00:00Z"),
                null,
                "flowviz"));
    verify(decryption).checkBackupValidity(BACKUP, null);
    RestoreRequest child = (RestoreRequest) childRequests.get(0);
    assertEquals(BACKUP.key(), child.backupKey(), "exactly the backup the checklist checked");
    assertEquals("2025-11-30T09:00:00Z", child.incidentAt());
    verify(postgres).compareDatabases("flowviz_replaced_x", "flowviz", null);
  }

  @Test
  void aBreachWithoutTrustedSignerKeysRefusesToStartHavingToldNoOneAndChangedNothing() {
    when(decryption.trustedSignersConfigured()).thenReturn(false);

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class, () -> stub("incident-b").handle(request("2.4")));

    ApplicationFailure failure = (ApplicationFailure) e.getCause();
    assertEquals(FailureTypes.CONFIGURATION, failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("no trusted signer keys"),
        failure.getOriginalMessage());
    assertTrue(childRequests.isEmpty(), "no restore started");
    verify(storage, never()).resolveBackup(any());
    verify(incident, never()).rotateCredentials(any());
    verifyNoInteractions(notify);
    HistoryRecorder.recordIfAsked(
        client, "incident-b", "handle-incident-v7-breach-without-signers");
  }

  @Test
  void aBreachRestoresOnlyFromTheIsolatedLocationWithStrictIntegrityThenRotatesAndRestarts() {
    IncidentResult result = stub("incident-b").handle(request("2.4"));

    RestoreRequest child = (RestoreRequest) childRequests.get(0);
    verify(storage)
        .resolveBackup(
            new com.flowviz.dr.activities.storage.BackupSelector(
                "flowviz-backups-isolated",
                "daily/",
                null,
                Instant.parse("2025-11-30T09:00:00Z"),
                "us-east-2",
                "flowviz"));
    verify(decryption, never()).checkBackupValidity(any(), any());
    assertEquals(Boolean.TRUE, child.strictIntegrity());
    assertEquals(
        Boolean.FALSE,
        child.applicationSteps(),
        "the application restarts after the rotation, not before");
    assertEquals(List.of("flowviz_app"), result.rotation().roles());
    org.mockito.InOrder order = org.mockito.Mockito.inOrder(incident, application);
    order.verify(incident).rotateCredentials(null);
    order.verify(application).restartApplication();
    HistoryRecorder.recordIfAsked(client, "incident-b", "handle-incident-v4-database-lease-breach");
  }

  @Test
  void withNoNotificationChannelTheNotifyStepsAreSkippedWithAFinding() {
    when(notify.configuredChannels()).thenReturn(List.of());

    IncidentResult result = stub("incident-n").handle(request("2.1"));

    StepRecord notified =
        result.steps().stream()
            .filter(s -> s.step().equals("notify-stakeholders"))
            .findFirst()
            .orElseThrow();
    assertEquals(StepRecord.SKIPPED, notified.outcome());
    assertTrue(notified.detail().startsWith("FINDING: no notification channel"), notified.detail());
    assertEquals(
        StepRecord.SKIPPED,
        result.steps().stream()
            .filter(s -> s.step().equals("notify-resolution"))
            .findFirst()
            .orElseThrow()
            .outcome());
    assertTrue(
        result
            .postRecoveryChecks()
            .contains(
                "stakeholders NOT notified of the resolution: no notification channel configured"),
        result.postRecoveryChecks().toString());
    assertTrue(
        audit.stream()
            .noneMatch(
                e ->
                    e.details() != null
                        && e.details().contains("notified on every configured channel")));
    HistoryRecorder.recordIfAsked(
        client, "incident-n", "handle-incident-v4-no-notification-channel");
  }

  @Test
  void criticalWorkflowsAreReadAsTheApplicationsRoleAndAPermissionProblemIsAFinding() {
    when(verification.checkLotTraceability(anyString(), any()))
        .thenAnswer(
            i ->
                new TraceabilityCheck(
                    i.getArgument(0),
                    false,
                    "flowviz_app",
                    true,
                    null,
                    0,
                    0,
                    "role flowviz_app may not read the traceability tables of flowviz (permission"
                        + " denied for table lots)"));

    IncidentResult result = stub("incident-p").handle(request("2.1"));

    assertEquals(IncidentResult.RECOVERED_WITH_FINDINGS, result.outcome());
    StepRecord critical =
        result.steps().stream()
            .filter(s -> s.step().equals("test-critical-workflows"))
            .findFirst()
            .orElseThrow();
    assertEquals(StepRecord.FAILED, critical.outcome());
    assertTrue(
        critical.detail().contains("as the application's role flowviz_app")
            && critical.detail().contains("permission denied"),
        critical.detail());
    verify(verification).checkLotTraceability("flowviz", null);
    HistoryRecorder.recordIfAsked(
        client, "incident-p", "handle-incident-v4-critical-workflows-denied");
  }

  @Test
  void theFailoverGetsTheIncidentsTimeAndOperator() {
    stub("incident-r").handle(request("2.5"));
    FailoverRequest child = (FailoverRequest) childRequests.get(0);
    assertEquals("failover", child.direction());
    assertEquals("alice", child.operator());
    assertEquals("2025-11-30T09:00:00Z", child.incidentAt());
  }

  @Test
  void accidentalDeletionWaitsForTheOperatorsChoiceThenPutsBackOnlyTheDeletedRows()
      throws Exception {
    DataGap gap =
        new DataGap(
            "flowviz",
            "flowviz_staging_x",
            List.of(
                new TableGap("lots", List.of("id"), 100, 100, 1, 1, 0, List.of("(x)"), true),
                new TableGap("qc_decisions", List.of("id"), 150, 148, 2, 0, 0, List.of(), true)));
    when(postgres.compareDatabases("flowviz", "flowviz_staging_x", null)).thenReturn(gap);
    when(postgres.reinsertMissingRows("flowviz", "flowviz_staging_x", "incident-d", null))
        .thenReturn(new UndeleteOutcome("flowviz", Map.of("lots", 1L, "qc_decisions", 2L), false));
    HandleIncidentWorkflow workflow = stub("incident-d");
    WorkflowClient.start(workflow::handle, request("2.3"));

    IncidentProgress progress = awaitChoice(workflow);
    assertEquals(3, progress.dataGap().missingFromLive());
    WorkflowUpdateException refused =
        assertThrows(
            WorkflowUpdateException.class,
            () -> workflow.chooseRecovery(RecoveryChoice.of("drop-everything", "mallory", null)));
    assertTrue(refused.getCause().getMessage().contains("surgical, full-restore or abandon"));
    String answer =
        workflow.chooseRecovery(RecoveryChoice.of("surgical", "carol", "keep new lots"));
    IncidentResult result =
        client.newUntypedWorkflowStub("incident-d").getResult(IncidentResult.class);

    assertTrue(answer.startsWith("Putting back the 3 deleted rows"), answer);
    assertEquals(3, result.undelete().total());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(postgres).dropStagingDatabase("flowviz_staging_x", null);
    assertTrue(
        audit.stream()
            .anyMatch(
                e ->
                    e.step().equals("surgical-undelete")
                        && e.details().contains("put back 3 deleted rows")));
    HistoryRecorder.recordIfAsked(
        client, "incident-d", "handle-incident-v5-live-fingerprint-surgical-undelete");
  }

  private static IncidentRequest automated(String scenario, Approvals approvals) {
    return IncidentRequest.builder()
        .scenario(scenario)
        .damageStartedAt("2025-11-30T09:00:00Z")
        .operator("alertmanager")
        .decisionTimeout("PT2H")
        .approvals(approvals)
        .trigger(
            new Trigger(
                "alertmanager",
                "FlowvizDatabaseCorrupted",
                "2025-11-30T09:01:00Z",
                "checksum failures on lots",
                "http://prometheus/graph"))
        .build();
  }

  private static final Approvals HOLD_ALL =
      new Approvals("required", "required", "required", "stage-then-approve");

  @Test
  void aPolicyThatHoldsTheSwapRestoresIntoStagingThenWaitsForAPersonBeforeReplacingLive()
      throws Exception {
    when(postgres.swapIntoLive(any(), any()))
        .thenReturn(new SwapOutcome("flowviz", "flowviz_replaced_x", 2, false));
    HandleIncidentWorkflow workflow = stub("incident-g");
    WorkflowClient.start(workflow::handle, automated("database-corruption", HOLD_ALL));

    IncidentProgress waiting = awaitStep(workflow, "approve-swap");
    RestoreRequest child = (RestoreRequest) childRequests.get(0);
    assertEquals(Boolean.TRUE, child.stageOnly(), "automation restores into staging only");
    assertTrue(waiting.awaiting().contains("--gate swap"), waiting.awaiting());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(notify, org.mockito.Mockito.timeout(10_000).atLeastOnce())
        .notify(
            org.mockito.ArgumentMatchers.argThat(n -> n.eventId().endsWith(":approval-needed")));
    WorkflowUpdateException anonymous =
        assertThrows(
            WorkflowUpdateException.class,
            () -> workflow.decide(Decision.approve("swap", " ", null)));
    assertTrue(anonymous.getCause().getMessage().contains("who made it"));

    String answer = workflow.decide(Decision.approve("swap", "carol", "checked the staged copy"));
    IncidentResult result =
        client.newUntypedWorkflowStub("incident-g").getResult(IncidentResult.class);

    assertTrue(answer.contains("replacing flowviz now"), answer);
    assertEquals(
        IncidentResult.RECOVERED, result.outcome(), result.postRecoveryChecks().toString());
    verify(postgres)
        .swapIntoLive(
            org.mockito.ArgumentMatchers.argThat(
                r ->
                    r.stagingDatabase().equals("flowviz_staging_x")
                        && r.expectedLive()
                            .equals(
                                new com.flowviz.dr.activities.postgres.LiveFingerprint(
                                    "flowviz", 16384, 42))),
            isNull());
    assertTrue(
        audit.stream().anyMatch(e -> e.step().equals("fingerprint-live-database")),
        "the database the approver judged is on record");
    verify(application).restartApplication();
    assertTrue(
        audit.stream()
            .anyMatch(
                e ->
                    e.step().equals("declared-by-trigger")
                        && e.details().contains("FlowvizDatabaseCorrupted")));
    assertTrue(
        audit.stream()
            .anyMatch(
                e -> e.step().equals("approve-swap") && e.details().contains("approved by carol")));
    HistoryRecorder.recordIfAsked(
        client, "incident-g", "handle-incident-v6-issue-14-swap-approved");
  }

  @Test
  void aRejectedSwapChangesNothingAndDropsTheStagedRestore() throws Exception {
    HandleIncidentWorkflow workflow = stub("incident-j");
    WorkflowClient.start(workflow::handle, automated("ransomware", HOLD_ALL));
    awaitStep(workflow, "approve-swap");

    workflow.decide(Decision.reject("swap", "carol", "restore from elsewhere"));
    IncidentResult result =
        client.newUntypedWorkflowStub("incident-j").getResult(IncidentResult.class);

    assertEquals(IncidentResult.ABANDONED, result.outcome());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(incident, never()).rotateCredentials(any());
    verify(postgres).dropStagingDatabase("flowviz_staging_x", null);
  }

  @Test
  void anUnansweredSwapGateCountsAsRejectedAfterTheDecisionTimeout() {
    IncidentResult result = stub("incident-u").handle(automated("2.1", HOLD_ALL));

    assertEquals(IncidentResult.ABANDONED, result.outcome());
    verify(postgres, never()).swapIntoLive(any(), any());
    assertTrue(
        audit.stream()
            .anyMatch(
                e ->
                    e.step().equals("approve-swap")
                        && e.details().contains("no decision before the timeout")));
  }

  @Test
  void theSwapGateIsRefusedWhenTheIncidentHasNone() throws Exception {
    HandleIncidentWorkflow workflow = stub("incident-none");
    WorkflowClient.start(workflow::handle, request("2.3"));
    awaitChoice(workflow);
    WorkflowUpdateException e =
        assertThrows(
            WorkflowUpdateException.class,
            () -> workflow.decide(Decision.approve("swap", "carol", null)));
    assertTrue(e.getCause().getMessage().contains("no swap gate"), e.getCause().getMessage());
    workflow.chooseRecovery(RecoveryChoice.of("abandon", "carol", null));
  }

  @Test
  void theDnsSwitchIsPreApprovedOnlyWhenThePolicySaysSoAndTheRepointIsHeldWhenItSaysSo() {
    stub("incident-auto-dns")
        .handle(
            automated(
                "2.5", new Approvals("required", "required", "automatic", "failover-at-night")));
    stub("incident-held-dns").handle(automated("2.5", HOLD_ALL));
    stub("incident-held-repoint").handle(automated("2.2", HOLD_ALL));

    assertEquals(
        new DnsApproval("pre-approved", "policy failover-at-night"),
        ((FailoverRequest) childRequests.get(0)).dnsApproval());
    assertNull(
        ((FailoverRequest) childRequests.get(1)).dnsApproval(),
        "the failover's own default: a person approves");
    NewInstanceRequest newInstance = (NewInstanceRequest) childRequests.get(2);
    assertEquals("required", newInstance.repointApproval());
    assertEquals("PT2H", newInstance.approvalTimeout());
  }

  @Test
  void anUnknownApprovalModeIsRefusedBeforeAnythingHappens() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("incident-bad-approval")
                    .handle(automated("2.1", new Approvals("maybe", null, null, null))));
    assertEquals(FailureTypes.INVALID_INPUT, ((ApplicationFailure) e.getCause()).getType());
    assertTrue(
        e.getCause().getMessage().contains("approvals.swap \"maybe\""), e.getCause().getMessage());
    verify(storage, never()).resolveBackup(any());
  }

  private static IncidentProgress awaitStep(HandleIncidentWorkflow workflow, String step)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      IncidentProgress p = workflow.progress();
      if (p != null && step.equals(p.currentStep())) {
        return p;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the incident never reached " + step);
  }

  @Test
  void aDeletionWithoutAChoiceInTimeChangesNothing() {
    when(postgres.compareDatabases(anyString(), anyString(), any()))
        .thenReturn(new DataGap("flowviz", "flowviz_staging_x", List.of()));
    IncidentResult result =
        stub("incident-t")
            .handle(
                IncidentRequest.builder()
                    .scenario("2.3")
                    .damageStartedAt("2025-11-30T09:00:00Z")
                    .operator("alice")
                    .decisionTimeout("PT1H")
                    .build());

    assertEquals(IncidentResult.ABANDONED, result.outcome());
    verify(postgres, never()).reinsertMissingRows(anyString(), anyString(), anyString(), any());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(postgres).dropStagingDatabase("flowviz_staging_x", null);
  }

  @Test
  void aNotificationThatKeepsFailingNeverHoldsUpTheRecoveryAndIsRecorded() {
    when(notify.notify(any()))
        .thenThrow(new IllegalStateException("Not delivered to [webhook:slack]: HTTP 503"));

    IncidentResult result = stub("incident-n").handle(request("2.1"));

    assertEquals(IncidentResult.RECOVERED, result.outcome());
    assertTrue(
        audit.stream()
            .anyMatch(
                e ->
                    e.step().equals("notification")
                        && e.outcome().equals("FAILED")
                        && e.details().contains("503")));
    assertTrue(
        audit.stream()
            .anyMatch(
                e ->
                    e.step().equals("notification")
                        && e.details().contains("still not delivered when the workflow closed")));
  }

  @Test
  void unreadyCredentialsStopTheIncidentBeforeAnyRestore() {
    when(incident.checkCredentials())
        .thenReturn(
            new CredentialCheck(
                false,
                "Secrets Manager",
                List.of(),
                true,
                List.of("backup key: the passphrase does not unlock it")));

    WorkflowFailedException failure =
        assertThrows(
            WorkflowFailedException.class, () -> stub("incident-k").handle(request("2.1")));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertEquals(FailureTypes.CREDENTIALS_UNAVAILABLE, cause.getType());
    assertTrue(cause.getOriginalMessage().contains("the passphrase does not unlock it"));
    assertTrue(childRequests.isEmpty());
  }

  @Test
  void anUnknownScenarioIsRefusedBeforeAnythingHappens() {
    WorkflowFailedException failure =
        assertThrows(
            WorkflowFailedException.class, () -> stub("incident-u").handle(request("2.9")));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertEquals(FailureTypes.INVALID_INPUT, cause.getType());
    assertTrue(
        cause.getOriginalMessage().contains("2.3 accidental-deletion"), cause.getOriginalMessage());
    verifyNoInteractions(notify, storage, postgres, incident);
  }

  @Test
  void damageAfterDetectionIsRefused() {
    WorkflowFailedException failure =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("incident-v")
                    .handle(
                        IncidentRequest.builder()
                            .scenario("2.1")
                            .detectedAt("2025-11-30T09:00:00Z")
                            .damageStartedAt("2025-11-30T10:00:00Z")
                            .operator("alice")
                            .build()));
    assertTrue(
        ((ApplicationFailure) failure.getCause())
            .getOriginalMessage()
            .contains("cannot begin after it was seen"));
  }

  private IncidentProgress awaitChoice(HandleIncidentWorkflow workflow)
      throws InterruptedException {
    for (int i = 0; i < 300; i++) {
      try {
        IncidentProgress p = workflow.progress();
        if (p.awaiting() != null) {
          return p;
        }
      } catch (RuntimeException notYet) {
        // not started
      }
      Thread.sleep(50);
    }
    throw new AssertionError("never awaited a choice");
  }
}
