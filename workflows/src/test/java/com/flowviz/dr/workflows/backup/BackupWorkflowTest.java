package com.flowviz.dr.workflows.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.flowviz.dr.activities.audit.AuditActivities;
import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.backup.BackupActivities;
import com.flowviz.dr.activities.backup.BackupSpec;
import com.flowviz.dr.activities.backup.BackupTaken;
import com.flowviz.dr.activities.storage.ArchiveActivities;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.RetentionFinding;
import com.flowviz.dr.activities.storage.RetentionReport;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.RecordingAudit;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.TestEnvironments;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class BackupWorkflowTest {

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final BackupActivities backups =
      mock(BackupActivities.class, withSettings().withoutAnnotations());
  private final ArchiveActivities archive =
      mock(ArchiveActivities.class, withSettings().withoutAnnotations());
  private final List<AuditEntry> audit = new CopyOnWriteArrayList<>();

  @BeforeEach
  void setUp() {
    env = TestEnvironments.withSearchAttributes();
    client = env.getWorkflowClient();
    Worker worker = env.newWorker(TaskQueues.DR);
    worker.registerWorkflowImplementationTypes(BackupWorkflowImpl.class);
    AuditActivities recorder = new RecordingAudit(audit);
    worker.registerActivitiesImplementations(backups, archive, recorder);
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  /** The backup activity takes what it is asked for, under the key and at the time it is given. */
  private void backupsAreTakenAsSpecified() {
    when(backups.takeBackup(any()))
        .thenAnswer(
            call -> {
              BackupSpec spec = call.getArgument(0);
              BackupManifest manifest =
                  new BackupManifest(
                      1,
                      spec.key(),
                      spec.takenAt(),
                      "flowviz",
                      "15.8",
                      "15.8",
                      10,
                      20,
                      "abc",
                      "FP",
                      List.of());
              return new BackupTaken(
                  spec.bucket(), spec.key(), spec.key() + ".manifest.json", manifest, 5);
            });
  }

  @Test
  void namesTheBackupAfterItsStartTimeInTheRunbookLayout() {
    backupsAreTakenAsSpecified();
    long start = env.currentTimeMillis();

    BackupResult result =
        stub("backup-test").backup(BackupRequest.builder().operator("scheduler").build());

    ArgumentCaptor<BackupSpec> spec = ArgumentCaptor.forClass(BackupSpec.class);
    verify(backups).takeBackup(spec.capture());
    assertTrue(
        result.key().matches("daily/flowviz_daily_\\d{8}_\\d{6}\\.dump\\.gpg"), result.key());
    assertEquals("flowviz-backups", result.bucket());
    assertEquals(
        Instant.ofEpochMilli(start).getEpochSecond(),
        spec.getValue().takenAt().getEpochSecond(),
        1);
    assertEquals("scheduler", audit.get(0).operator());
    HistoryRecorder.recordIfAsked(client, "backup-test", "take-backup-v2-search-attributes-daily");
  }

  @Test
  void aWeeklyBackupGoesToDeepArchiveAndChecksTheBucketsRetention() {
    backupsAreTakenAsSpecified();
    RetentionReport violation =
        new RetentionReport(
            "flowviz-backups",
            false,
            List.of(),
            List.of(
                new RetentionFinding(
                    "weekly/",
                    "VIOLATION",
                    "7 years",
                    "weekly/ backups are deleted after 365 days",
                    "r1")));
    when(archive.checkRetention("flowviz-backups")).thenReturn(violation);

    BackupResult result =
        stub("weekly-test")
            .backup(BackupRequest.builder().operator("scheduler").kind("weekly").build());

    ArgumentCaptor<BackupSpec> spec = ArgumentCaptor.forClass(BackupSpec.class);
    verify(backups).takeBackup(spec.capture());
    assertEquals("DEEP_ARCHIVE", spec.getValue().storageClass());
    assertTrue(result.key().matches("weekly/flowviz_weekly_\\d{8}\\.dump\\.gpg"), result.key());
    assertEquals(violation, result.retention(), "a finding for compliance, not a failure");
    HistoryRecorder.recordIfAsked(client, "weekly-test", "take-backup-v2-search-attributes-weekly");
  }

  @Test
  void refusesAStorageClassThatIsNotOne() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("weekly-bad")
                    .backup(BackupRequest.builder().kind("weekly").storageClass("COLD").build()));
    assertTrue(
        assertInstanceOf(ApplicationFailure.class, e.getCause())
            .getOriginalMessage()
            .contains("is not an S3 storage class"));
    verify(backups, never()).takeBackup(any());
  }

  @Test
  void refusesAnUnsafeSourceDatabaseNameBeforeDumping() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("backup-bad")
                    .backup(
                        BackupRequest.builder()
                            .sourceDatabase("flowviz --file=/etc/passwd")
                            .build()));
    assertEquals(
        FailureTypes.INVALID_INPUT,
        assertInstanceOf(ApplicationFailure.class, e.getCause()).getType());
    verify(backups, never()).takeBackup(any());
  }

  @Test
  void pathTakeBackupFailingAtUploadFailsTheBackupOnRecord() {
    when(backups.takeBackup(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "upload of the encrypted dump was refused: AccessDenied", "UploadFailed"));

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("backup-upload-failed")
                    .backup(BackupRequest.builder().operator("scheduler").build()));

    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause().getCause());
    assertEquals("UploadFailed", cause.getType());
    assertTrue(
        audit.stream()
            .anyMatch(
                a ->
                    a.step().equals(BackupSteps.TAKE_BACKUP)
                        && a.outcome().equals("FAILED")
                        && a.details().contains("AccessDenied")),
        audit.toString());
    verify(archive, never()).checkRetention(any());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "backup-upload-failed", "take-backup-v8-paths-upload-failed");
  }

  @Test
  void pathUnsafeDatabaseNameIsRefusedBeforeAnyCommand() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("backup-input-refused")
                    .backup(
                        BackupRequest.builder()
                            .sourceDatabase("flowviz; drop")
                            .operator("scheduler")
                            .build()));

    assertEquals(
        FailureTypes.INVALID_INPUT,
        assertInstanceOf(ApplicationFailure.class, e.getCause()).getType());
    verify(backups, never()).takeBackup(any());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "backup-input-refused", "take-backup-v8-paths-input-refused");
  }

  private BackupWorkflow stub(String id) {
    return client.newWorkflowStub(
        BackupWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
  }
}
