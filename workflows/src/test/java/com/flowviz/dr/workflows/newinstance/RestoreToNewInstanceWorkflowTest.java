package com.flowviz.dr.workflows.newinstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.flowviz.dr.activities.app.ApplicationActivities;
import com.flowviz.dr.activities.app.PublishOutcome;
import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.audit.AuditActivities;
import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.crypto.ArchiveHeader;
import com.flowviz.dr.activities.crypto.BackupDecryptionActivities;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.postgres.ServerInfo;
import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.provision.ProvisionActivities;
import com.flowviz.dr.activities.provision.ProvisionedInstance;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.verify.ConnectivityReport;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.EnvironmentPerTest;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.RecordingAudit;
import com.flowviz.dr.workflows.RestoreStandIn;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runbook 4.3's logic with mocked activities and a stand-in for the child 4.1 restore. */
class RestoreToNewInstanceWorkflowTest extends EnvironmentPerTest {

  private static final BackupObject BACKUP =
      new BackupObject(
          "flowviz-backups",
          "daily/flowviz_daily_20250119_020000.dump.gpg",
          Instant.parse("2025-01-19T02:00:00Z"),
          Instant.parse("2025-01-19T02:01:00Z"),
          100,
          "STANDARD",
          "e");
  private static final PgServer NEW_SERVER =
      new PgServer("10.0.9.9", 5433, "admin", "flowviz/dr/instances/flowviz-db-x/admin-password");
  private static final List<RestoreRequest> childRequests = new CopyOnWriteArrayList<>();

  private final BackupStorageActivities storage =
      mock(BackupStorageActivities.class, withSettings().withoutAnnotations());
  private final BackupDecryptionActivities decryption =
      mock(BackupDecryptionActivities.class, withSettings().withoutAnnotations());
  private final PostgresActivities postgres =
      mock(PostgresActivities.class, withSettings().withoutAnnotations());
  private final VerificationActivities verification =
      mock(VerificationActivities.class, withSettings().withoutAnnotations());
  private final ApplicationActivities application =
      mock(ApplicationActivities.class, withSettings().withoutAnnotations());
  private final ProvisionActivities provisioning =
      mock(ProvisionActivities.class, withSettings().withoutAnnotations());
  private final List<AuditEntry> audit = new CopyOnWriteArrayList<>();

  public static class RecordingRestore extends RestoreStandIn {
    @Override
    public RestoreResult restore(RestoreRequest request) {
      childRequests.add(request);
      return restored(request, BACKUP)
          .verification(
              new VerificationReport("s", true, true, List.of(), List.of(), List.of(), Map.of()))
          .elapsed(Duration.ZERO)
          .build();
    }
  }

  @BeforeEach
  void setUp() {
    childRequests.clear();
    Worker worker = env.newWorker(TaskQueues.DR);
    worker.registerWorkflowImplementationTypes(
        RestoreToNewInstanceWorkflowImpl.class, RecordingRestore.class);
    AuditActivities recorder = new RecordingAudit(audit);
    worker.registerActivitiesImplementations(
        storage, decryption, postgres, verification, application, provisioning, recorder);
    when(storage.resolveBackup(any())).thenReturn(BACKUP);
    when(decryption.readArchiveHeader(any(), any()))
        .thenReturn(new ArchiveHeader("1.14", "15.8", "15.8", 15, "object head"));
    when(provisioning.provisionInstance(any()))
        .thenAnswer(
            call ->
                new ProvisionedInstance(
                    ((InstanceSpec) call.getArgument(0)).name(),
                    "local",
                    NEW_SERVER,
                    false,
                    "test"));
    when(postgres.awaitServerReady(any(), any())).thenReturn(new ServerInfo("15.18", 15, 800));
    when(application.publishDatabaseEndpoint(any(), anyString()))
        .thenReturn(new PublishOutcome(true, List.of("env file /etc/flowviz/db.env")));
    when(application.restartApplication())
        .thenReturn(new RestartOutcome(true, "docker compose restart api", 0, 1000, ""));
    when(verification.checkApplicationConnectivity())
        .thenReturn(new ConnectivityReport(true, true, List.of()));
    env.start();
  }

  @Test
  void provisionsRestoresThenRepointsRestartsAndTestsTheApplication() {
    NewInstanceResult result =
        start("new-1", NewInstanceRequest.latest("flowviz", "dave", "instance lost"));

    assertEquals(RestoreResult.RESTORED, result.outcome());
    assertEquals(
        List.of(
            "resolve-backup",
            "read-archive-header",
            "provision-instance",
            "wait-until-ready",
            "check-versions",
            "create-extensions",
            "restore-with-runbook-4.1",
            "repoint-application",
            "restart-application",
            "application-connectivity-test"),
        result.steps().stream().map(StepRecord::step).toList());
    RestoreRequest child = childRequests.get(0);
    assertEquals(NEW_SERVER, child.targetServer(), "the 4.1 restore goes into the new instance");
    assertEquals(
        Boolean.FALSE,
        child.applicationSteps(),
        "the application is restarted after it is repointed, not before");
    assertEquals(BACKUP.key(), child.backupKey());
    verify(application).publishDatabaseEndpoint(NEW_SERVER, "flowviz");
    verify(postgres).createDatabaseWithExtensions("template1", NEW_SERVER);
    verify(provisioning, never()).teardownInstance(any());
    verify(storage)
        .resolveBackup(
            org.mockito.ArgumentMatchers.argThat(
                s -> s.key() == null && "flowviz".equals(s.database())));
    HistoryRecorder.recordIfAsked(
        client, "new-1", "restore-to-new-instance-v2-search-attributes-restored");
  }

  @Test
  void latestIsChosenAmongTheSourceDatabasesBackupsOnly() {
    start(
        "new-source",
        NewInstanceRequest.builder()
            .databaseName("flowviz")
            .operator("dave")
            .sourceDatabase("appdb")
            .build());

    verify(storage)
        .resolveBackup(
            org.mockito.ArgumentMatchers.argThat(
                s -> s.key() == null && "appdb".equals(s.database())));
  }

  @Test
  void theInstanceNameComesFromTheWorkflowIdSoARerunFindsIt() {
    start("new-rerun", NewInstanceRequest.builder().build());
    start("new-rerun-2", NewInstanceRequest.builder().build());
    org.mockito.ArgumentCaptor<InstanceSpec> specs =
        org.mockito.ArgumentCaptor.forClass(InstanceSpec.class);
    verify(provisioning, org.mockito.Mockito.times(2)).provisionInstance(specs.capture());
    assertTrue(specs.getAllValues().get(0).name().startsWith("flowviz-db-"));
    assertFalse(specs.getAllValues().get(0).equals(specs.getAllValues().get(1)));
  }

  @Test
  void aVersionMismatchFailsBeforeTheDownloadAndTearsTheInstanceDown() {
    doThrow(
            ApplicationFailure.newNonRetryableFailure(
                "The backup comes from PostgreSQL 17.2 but the target server runs 15.18",
                FailureTypes.PG_VERSION_MISMATCH))
        .when(postgres)
        .checkRestoreCompatibility(any(), any());

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> start("new-old", NewInstanceRequest.latest("flowviz", "dave", null)));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.PG_VERSION_MISMATCH, failure.getType());
    assertTrue(childRequests.isEmpty(), "no restore, no download");
    verify(provisioning).teardownInstance(any());
  }

  @Test
  void aFailedRunKeepsItsInstanceWhenAsked() {
    doThrow(ApplicationFailure.newNonRetryableFailure("boom", "Boom"))
        .when(postgres)
        .createDatabaseWithExtensions(anyString(), any());
    NewInstanceRequest keep =
        NewInstanceRequest.builder()
            .databaseName("flowviz")
            .operator("dave")
            .keepOnFailure(true)
            .build();

    assertThrows(WorkflowFailedException.class, () -> start("new-keep", keep));

    verify(provisioning, never()).teardownInstance(any());
    assertTrue(
        audit.stream()
            .anyMatch(a -> a.step().equals("teardown-instance") && a.outcome().equals("SKIPPED")));
  }

  @Test
  void
      anUnsignedBackupAcceptedWithAReasonIsPassedToTheRestoreAndWithoutAReasonRefusedBeforeAnythingIsProvisioned() {
    NewInstanceRequest accepted =
        NewInstanceRequest.builder()
            .databaseName("flowviz")
            .operator("dave")
            .reason("instance lost")
            .acceptUnsigned(true)
            .unsignedReason("hand-made dump from the old host, ticket OPS-7")
            .build();
    start("new-unsigned", accepted);
    assertEquals(Boolean.TRUE, childRequests.get(0).acceptUnsigned());
    assertEquals(
        "hand-made dump from the old host, ticket OPS-7", childRequests.get(0).unsignedReason());

    NewInstanceRequest noReason =
        NewInstanceRequest.builder()
            .databaseName("flowviz")
            .operator("dave")
            .acceptUnsigned(true)
            .build();
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> start("new-unsigned-bad", noReason));
    assertEquals(
        FailureTypes.INVALID_INPUT,
        assertInstanceOf(ApplicationFailure.class, e.getCause()).getType());
    verify(provisioning, org.mockito.Mockito.times(1)).provisionInstance(any());
  }

  @Test
  void aBadInstanceNameIsRefusedBeforeAnythingIsProvisioned() {
    NewInstanceRequest bad = NewInstanceRequest.builder().instanceName("Prod DB; rm -rf /").build();
    WorkflowFailedException e =
        assertThrows(WorkflowFailedException.class, () -> start("new-bad", bad));
    assertEquals(
        FailureTypes.INVALID_INPUT,
        assertInstanceOf(ApplicationFailure.class, e.getCause()).getType());
    verify(provisioning, never()).provisionInstance(any());
    verify(provisioning, never()).teardownInstance(eq(null));
  }

  @Test
  void aHeldRepointWaitsForAPersonAndARejectionLeavesTheApplicationAndTheInstanceAsTheyAre()
      throws Exception {
    NewInstanceRequest held =
        NewInstanceRequest.builder()
            .databaseName("flowviz")
            .operator("policy stage-then-approve")
            .reason("alert")
            .repointApproval("required")
            .approvalTimeout("PT2H")
            .build();
    RestoreToNewInstanceWorkflow workflow =
        client.newWorkflowStub(
            RestoreToNewInstanceWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId("new-held")
                .build());
    WorkflowClient.start(workflow::restore, held);
    awaitStep(workflow, "approve-repoint");
    verify(application, never()).publishDatabaseEndpoint(any(), anyString());
    WorkflowUpdateException wrongGate =
        assertThrows(
            WorkflowUpdateException.class,
            () -> workflow.decide(Decision.approve("dns-switch", "erin", null)));
    assertTrue(
        wrongGate.getCause().getMessage().contains("gates are repoint"),
        wrongGate.getCause().getMessage());

    String answer = workflow.decide(Decision.reject("repoint", "erin", "not this one"));
    NewInstanceResult result =
        client.newUntypedWorkflowStub("new-held").getResult(NewInstanceResult.class);

    assertTrue(answer.startsWith("Rejected repoint by erin"), answer);
    assertEquals(NewInstanceResult.NOT_REPOINTED, result.outcome());
    assertEquals("erin", result.repointDecision().by());
    verify(application, never()).publishDatabaseEndpoint(any(), anyString());
    verify(application, never()).restartApplication();
    verify(provisioning, never()).teardownInstance(any());
  }

  @Test
  void anApprovedRepointGoesOnToRepointRestartAndTest() {
    NewInstanceRequest held =
        NewInstanceRequest.builder()
            .databaseName("flowviz")
            .operator("dave")
            .repointApproval("required")
            .build();
    RestoreToNewInstanceWorkflow workflow =
        client.newWorkflowStub(
            RestoreToNewInstanceWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId("new-approved")
                .build());
    WorkflowClient.start(workflow::restore, held);
    awaitStep(workflow, "approve-repoint");

    workflow.decide(Decision.approve("repoint", "erin", null));
    NewInstanceResult result =
        client.newUntypedWorkflowStub("new-approved").getResult(NewInstanceResult.class);

    assertEquals(RestoreResult.RESTORED, result.outcome());
    verify(application).publishDatabaseEndpoint(NEW_SERVER, "flowviz");
    verify(application).restartApplication();
  }

  private static void awaitStep(RestoreToNewInstanceWorkflow workflow, String step) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (System.currentTimeMillis() < deadline) {
      NewInstanceProgress p = workflow.progress();
      if (p != null && step.equals(p.currentStep())) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new AssertionError("the workflow never reached " + step);
  }

  private NewInstanceResult start(String id, NewInstanceRequest request) {
    return client
        .newWorkflowStub(
            RestoreToNewInstanceWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build())
        .restore(request);
  }

  // ---- Issue 16: one recorded history per path through 4.3's repoint gate ----

  private RestoreToNewInstanceWorkflow startHeld(String id) {
    RestoreToNewInstanceWorkflow workflow =
        client.newWorkflowStub(
            RestoreToNewInstanceWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
    WorkflowClient.start(
        workflow::restore,
        NewInstanceRequest.builder()
            .databaseName("flowviz")
            .operator("dave")
            .reason("instance lost")
            .repointApproval("required")
            .approvalTimeout("PT2H")
            .build());
    return workflow;
  }

  @Test
  void pathAnApprovedRepointIsRecorded() {
    RestoreToNewInstanceWorkflow workflow = startHeld("new-repoint-approved");
    awaitStep(workflow, "approve-repoint");

    String answer = workflow.decide(Decision.approve("repoint", "erin", "checked"));
    NewInstanceResult result =
        client.newUntypedWorkflowStub("new-repoint-approved").getResult(NewInstanceResult.class);

    assertTrue(answer.startsWith("Approved repoint by erin"), answer);
    assertEquals(RestoreResult.RESTORED, result.outcome());
    assertEquals("erin", result.repointDecision().by());
    verify(application).publishDatabaseEndpoint(NEW_SERVER, "flowviz");
    verify(application).restartApplication();
    HistoryRecorder.recordIfAsked(
        client, "new-repoint-approved", "restore-to-new-instance-v8-paths-repoint-approved");
  }

  @Test
  void pathARejectedRepointIsRecorded() {
    RestoreToNewInstanceWorkflow workflow = startHeld("new-repoint-rejected");
    awaitStep(workflow, "approve-repoint");

    workflow.decide(Decision.reject("repoint", "erin", "not this one"));
    NewInstanceResult result =
        client.newUntypedWorkflowStub("new-repoint-rejected").getResult(NewInstanceResult.class);

    assertEquals(NewInstanceResult.NOT_REPOINTED, result.outcome());
    assertEquals("erin", result.repointDecision().by());
    verify(application, never()).publishDatabaseEndpoint(any(), anyString());
    verify(application, never()).restartApplication();
    verify(provisioning, never()).teardownInstance(any());
    HistoryRecorder.recordIfAsked(
        client, "new-repoint-rejected", "restore-to-new-instance-v8-paths-repoint-rejected");
  }

  @Test
  void pathAnUnansweredRepointLeavesTheApplicationAsItIs() {
    startHeld("new-repoint-unanswered");

    NewInstanceResult result =
        client.newUntypedWorkflowStub("new-repoint-unanswered").getResult(NewInstanceResult.class);

    assertEquals(NewInstanceResult.NOT_REPOINTED, result.outcome());
    assertEquals(null, result.repointDecision());
    verify(application, never()).publishDatabaseEndpoint(any(), anyString());
    HistoryRecorder.recordIfAsked(
        client, "new-repoint-unanswered", "restore-to-new-instance-v8-paths-repoint-unanswered");
  }

  @Test
  void pathAVersionMismatchTearsTheNewInstanceDownAndIsRecorded() {
    doThrow(
            ApplicationFailure.newNonRetryableFailure(
                "The backup comes from PostgreSQL 17.2 but the target server runs 15.18",
                FailureTypes.PG_VERSION_MISMATCH))
        .when(postgres)
        .checkRestoreCompatibility(any(), any());

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                start("new-version-mismatch", NewInstanceRequest.latest("flowviz", "dave", null)));

    assertEquals(
        FailureTypes.PG_VERSION_MISMATCH,
        assertInstanceOf(ApplicationFailure.class, e.getCause()).getType());
    verify(provisioning).teardownInstance(any());
    HistoryRecorder.recordIfAsked(
        client, "new-version-mismatch", "restore-to-new-instance-v8-paths-version-mismatch");
  }

  @Test
  void pathCancelledAtTheRepointGateTearsTheNewInstanceDown() {
    RestoreToNewInstanceWorkflow workflow = startHeld("new-cancelled");
    awaitStep(workflow, "approve-repoint");

    client.newUntypedWorkflowStub("new-cancelled").cancel();

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                client.newUntypedWorkflowStub("new-cancelled").getResult(NewInstanceResult.class));
    assertInstanceOf(io.temporal.failure.CanceledFailure.class, e.getCause());
    verify(provisioning).teardownInstance(any());
    assertTrue(
        audit.stream()
            .anyMatch(
                a -> a.step().equals("new-instance-restore") && a.outcome().equals("CANCELLED")),
        audit.toString());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "new-cancelled", "restore-to-new-instance-v8-paths-cancelled");
  }

  @Test
  void pathAFailureWithTheInstanceKeptSkipsTheTeardownOnRecord() {
    doThrow(ApplicationFailure.newNonRetryableFailure("extension missing", "ExtensionMissing"))
        .when(postgres)
        .createDatabaseWithExtensions(anyString(), any());

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                start(
                    "new-kept-on-failure",
                    NewInstanceRequest.builder()
                        .databaseName("flowviz")
                        .operator("dave")
                        .keepOnFailure(true)
                        .build()));

    assertEquals(
        "ExtensionMissing", assertInstanceOf(ApplicationFailure.class, e.getCause()).getType());
    verify(provisioning, never()).teardownInstance(any());
    assertTrue(
        audit.stream()
            .anyMatch(a -> a.step().equals("new-instance-restore") && a.outcome().equals("FAILED")),
        audit.toString());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "new-kept-on-failure", "restore-to-new-instance-v8-paths-failed-instance-kept");
  }

  @Test
  void pathABadInstanceNameIsRefusedBeforeAnyCommand() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                start(
                    "new-input-refused",
                    NewInstanceRequest.builder()
                        .instanceName("Prod DB; rm -rf /")
                        .databaseName("flowviz")
                        .operator("dave")
                        .build()));

    assertEquals(
        FailureTypes.INVALID_INPUT,
        assertInstanceOf(ApplicationFailure.class, e.getCause()).getType());
    verify(provisioning, never()).provisionInstance(any());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "new-input-refused", "restore-to-new-instance-v8-paths-input-refused");
  }
}
