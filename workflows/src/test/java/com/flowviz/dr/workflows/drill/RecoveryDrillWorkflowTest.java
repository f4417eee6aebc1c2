package com.flowviz.dr.workflows.drill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.flowviz.dr.activities.crypto.BackupDecryptionActivities;
import com.flowviz.dr.activities.drill.DrillActivities;
import com.flowviz.dr.activities.drill.DrillReport;
import com.flowviz.dr.activities.drill.DrillStep;
import com.flowviz.dr.activities.notify.NotificationReceipt;
import com.flowviz.dr.activities.notify.NotifyActivities;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.physical.BaseBackupRestored;
import com.flowviz.dr.activities.physical.RecoveryChoice;
import com.flowviz.dr.activities.physical.RecoveryReached;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.postgres.ServerInfo;
import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.provision.ProvisionActivities;
import com.flowviz.dr.activities.provision.ProvisionedInstance;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupSelector;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.EnvironmentPerTest;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.RecordingAudit;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.archive.RestoreFromWeeklyBackupWorkflow;
import com.flowviz.dr.workflows.archive.WeeklyRestoreProgress;
import com.flowviz.dr.workflows.archive.WeeklyRestoreRequest;
import com.flowviz.dr.workflows.archive.WeeklyRestoreResult;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeRequest;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeResult;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeWorkflow;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreProgress;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The drill's logic: mocked activities, and stand-ins for the restore workflows it starts. */
class RecoveryDrillWorkflowTest extends EnvironmentPerTest {

  static final PgServer SCRATCH =
      new PgServer(
          "127.0.0.1", 55432, "admin", "flowviz/dr/instances/flowviz-drill-x/admin-password");
  static final List<Object> childRequests = new CopyOnWriteArrayList<>();
  static final long BACKUP_BYTES = 400_000_000L;
  static final long DUMP_BYTES = 1_200_000_000L;

  private final BackupStorageActivities storage =
      mock(BackupStorageActivities.class, withSettings().withoutAnnotations());
  private final BackupDecryptionActivities decryption =
      mock(BackupDecryptionActivities.class, withSettings().withoutAnnotations());
  private final PostgresActivities postgres =
      mock(PostgresActivities.class, withSettings().withoutAnnotations());
  private final ProvisionActivities provisioning =
      mock(ProvisionActivities.class, withSettings().withoutAnnotations());
  private final DrillActivities drills =
      mock(DrillActivities.class, withSettings().withoutAnnotations());
  private final NotifyActivities notify =
      mock(NotifyActivities.class, withSettings().withoutAnnotations());
  private Instant backupTakenAt;

  /**
   * What 4.1 returns after restoring onto the scratch instance: timed steps, as the real one
   * records them.
   */
  public static class FakeRestore implements RestoreFromBackupWorkflow {
    @Override
    public RestoreResult restore(RestoreRequest r) {
      childRequests.add(r);
      if (r.backupKey().contains("corrupt")) {
        throw ApplicationFailure.newNonRetryableFailure(
            "The backup is corrupt: the MDC does not match", FailureTypes.BACKUP_CORRUPT);
      }
      return result(r.backupKey(), r.targetDatabase());
    }

    static RestoreResult result(String key, String database) {
      Instant t = Instant.parse("2026-11-30T02:00:00Z");
      List<StepRecord> steps =
          List.of(
              new StepRecord(
                  "download-and-decrypt-backup",
                  StepRecord.SUCCEEDED,
                  t,
                  t.plusSeconds(10),
                  "downloaded"),
              new StepRecord(
                  "pg-restore-into-staging",
                  StepRecord.SUCCEEDED,
                  t.plusSeconds(10),
                  t.plusSeconds(30),
                  "pg_restore -j 2"),
              new StepRecord(
                  "verify-restored-data",
                  StepRecord.SUCCEEDED,
                  t.plusSeconds(30),
                  t.plusSeconds(33),
                  "passed"));
      return RestoreResult.builder()
          .outcome(RestoreResult.RESTORED)
          .targetDatabase(database)
          .verification(
              new VerificationReport(
                  database, true, true, List.of(), List.of(), List.of(), Map.of()))
          .steps(steps)
          .elapsed(Duration.ofSeconds(33))
          .dumpBytes(DUMP_BYTES)
          .build();
    }

    @Override
    public RestoreProgress progress() {
      return null;
    }
  }

  public static class FakeWeeklyRestore implements RestoreFromWeeklyBackupWorkflow {
    @Override
    public WeeklyRestoreResult restore(WeeklyRestoreRequest r) {
      childRequests.add(r);
      return WeeklyRestoreResult.builder()
          .targetDatabase("flowviz_weekly_20261129")
          .waited(Duration.ofHours(12))
          .restore(FakeRestore.result(r.backupKey(), "flowviz_weekly_20261129"))
          .steps(List.of())
          .elapsed(Duration.ofHours(12))
          .build();
    }

    @Override
    public void archiveRetrieved(String key) {}

    @Override
    public WeeklyRestoreProgress progress() {
      return null;
    }
  }

  /** What RestoreToPointInTime returns after recovering and verifying the scratch instance. */
  public static class FakePitr implements RestoreToPointInTimeWorkflow {
    static Instant newestWalArchivedAt;

    @Override
    public RestoreToPointInTimeResult restoreToPointInTime(RestoreToPointInTimeRequest r) {
      childRequests.add(r);
      Workflow.sleep(Duration.ofSeconds(40));
      return RestoreToPointInTimeResult.builder()
          .instance(r.instance())
          .target("latest")
          .choice(
              RecoveryChoice.builder()
                  .backupPrefix("base/7441208855555555555/20261203T020000Z/")
                  .manifest(
                      BaseBackupManifest.builder()
                          .stopTime(Instant.parse("2026-12-03T02:00:09Z"))
                          .build())
                  .newestWalArchivedAt(newestWalArchivedAt)
                  .build())
          .restored(BaseBackupRestored.builder().tarBytes(1_660_000_000L).build())
          .reached(
              RecoveryReached.builder().stoppedAt("the end of the archive").timeline(2).build())
          .verification(
              new VerificationReport(
                  r.databaseName(), true, false, List.of(), List.of(), List.of(), Map.of()))
          .outcome(RestoreToPointInTimeResult.RECOVERED)
          .build();
    }

    @Override
    public String decide(com.flowviz.dr.workflows.common.Decision decision) {
      return "";
    }

    @Override
    public void validateDecision(com.flowviz.dr.workflows.common.Decision decision) {}

    @Override
    public void decision(com.flowviz.dr.workflows.common.Decision decision) {}

    @Override
    public List<StepRecord> progress() {
      return List.of();
    }
  }

  @BeforeEach
  void setUp() {
    childRequests.clear();
    Worker worker = env.newWorker(TaskQueues.DR);
    worker.registerWorkflowImplementationTypes(
        RecoveryDrillWorkflowImpl.class,
        FakeRestore.class,
        FakeWeeklyRestore.class,
        FakePitr.class);
    worker.registerActivitiesImplementations(
        storage,
        decryption,
        postgres,
        provisioning,
        drills,
        notify,
        new RecordingAudit(new CopyOnWriteArrayList<>()));
    backupTakenAt = Instant.ofEpochMilli(env.currentTimeMillis()).minus(Duration.ofMinutes(90));
    FakePitr.newestWalArchivedAt =
        Instant.ofEpochMilli(env.currentTimeMillis()).minus(Duration.ofSeconds(30));
    when(storage.resolveBackup(any()))
        .thenAnswer(
            call -> {
              var selector = (BackupSelector) call.getArgument(0);
              String key =
                  selector.key() != null
                      ? selector.key()
                      : "daily/flowviz_daily_20261130_020000.dump.gpg";
              return new BackupObject(
                  selector.bucket(),
                  key,
                  backupTakenAt,
                  backupTakenAt,
                  BACKUP_BYTES,
                  key.startsWith("weekly/") ? "DEEP_ARCHIVE" : "STANDARD",
                  "e");
            });
    when(provisioning.provisionInstance(any()))
        .thenAnswer(
            call ->
                new ProvisionedInstance(
                    ((InstanceSpec) call.getArgument(0)).name(), "local", SCRATCH, false, "test"));
    when(provisioning.teardownInstance(any())).thenReturn(true);
    when(postgres.awaitServerReady(any(), any())).thenReturn(new ServerInfo("15.8", 15, 700));
    when(notify.notify(any()))
        .thenAnswer(call -> new NotificationReceipt("e", List.of("webhook:generic")));
    env.start();
  }

  private RecoveryDrillWorkflow stub(String id) {
    return client.newWorkflowStub(
        RecoveryDrillWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
  }

  @Test
  void aPitrDrillRecoversTheArchiveOntoTheScratchInstanceAndReportsItsRtoAndTheWalAge() {
    DrillReport report =
        stub("drill-pitr")
            .drill(
                DrillRequest.builder()
                    .bucket("flowviz-backups")
                    .operator("scheduled-drill")
                    .path("pitr")
                    .build());

    assertEquals(DrillReport.PASSED, report.outcome());
    assertEquals("pitr", report.path());
    RestoreToPointInTimeRequest child = (RestoreToPointInTimeRequest) childRequests.get(0);
    assertEquals(report.scratchInstance(), child.instance(), "onto the scratch instance");
    assertEquals(Boolean.TRUE, child.latest());
    assertEquals(null, child.repoint(), "a drill never repoints the application");
    assertEquals("flowviz", child.databaseName());
    assertEquals("production", child.sourceServer());
    assertTrue(
        report.rto().compareTo(Duration.ofSeconds(40)) >= 0
            && report.rto().compareTo(Duration.ofSeconds(41)) < 0,
        "drill start to verified recovery: " + report.rto());
    assertTrue(
        report.backupAge().compareTo(Duration.ofSeconds(30)) >= 0
            && report.backupAge().compareTo(Duration.ofSeconds(31)) < 0,
        "the data at risk is the newest WAL's age, not the base backup's: " + report.backupAge());
    assertEquals(
        "s3://flowviz-backups/base/7441208855555555555/20261203T020000Z/", report.backupUri());
    assertEquals(Boolean.TRUE, report.verificationPassed());
    assertEquals(
        List.of("recover-to-point-in-time-and-verify", "teardown-scratch-instance"),
        report.steps().stream().map(DrillStep::step).toList());
    verify(provisioning).teardownInstance(argThat(s -> s.name().equals(child.instance())));
    verify(provisioning, never()).provisionInstance(any());
    verify(storage, never()).resolveBackup(any());
    verify(drills).recordDrillReport(argThat(r -> "pitr".equals(r.path())));
    HistoryRecorder.recordIfAsked(client, "drill-pitr", "recovery-drill-v2-pitr-passed");
  }

  @Test
  void aDrillPathThatIsNeitherDumpNorPitrIsRefusedBeforeAnythingRuns() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> stub("drill-bad-path").drill(DrillRequest.builder().path("snapshot").build()));
    assertTrue(
        String.valueOf(e.getCause().getMessage()).contains("neither \"dump\""),
        String.valueOf(e.getCause().getMessage()));
    verify(provisioning, never()).teardownInstance(any());
  }

  @Test
  void aDrillRestoresTheNewestBackupOntoAScratchInstanceTimesEveryStepAndTearsItDown() {
    DrillReport report =
        stub("drill-1").drill(DrillRequest.latest("flowviz-backups", "scheduled-drill"));

    assertEquals(DrillReport.PASSED, report.outcome());
    RestoreRequest child = (RestoreRequest) childRequests.get(0);
    assertEquals(
        SCRATCH,
        child.targetServer(),
        "the restore goes onto the scratch instance, never the live server");
    assertEquals(
        Boolean.FALSE,
        child.applicationSteps(),
        "a drill never restarts or repoints the application");
    assertTrue(
        report.backupAge().compareTo(Duration.ofMinutes(90)) >= 0
            && report.backupAge().compareTo(Duration.ofMinutes(91)) < 0,
        "the backup was 90 minutes old when the drill began: " + report.backupAge());
    assertEquals("WITHIN_TARGET", report.rpoVerdict());
    assertNotNull(report.rto());
    assertEquals("WITHIN_TARGET", report.rtoVerdict());
    DrillStep transfer = step(report, "restore/download-and-decrypt-backup");
    assertEquals(BACKUP_BYTES, transfer.bytes());
    assertEquals(BACKUP_BYTES / 10.0, transfer.bytesPerSecond(), 0.001);
    DrillStep pgRestore = step(report, "restore/pg-restore-into-staging");
    assertEquals(DUMP_BYTES / 20.0, pgRestore.bytesPerSecond(), 0.001);
    assertEquals(
        List.of(
            "resolve-backup",
            "read-archive-header",
            "provision-scratch-instance",
            "wait-until-ready",
            "check-versions",
            "create-extensions",
            "restore/download-and-decrypt-backup",
            "restore/pg-restore-into-staging",
            "restore/verify-restored-data",
            "restore-and-verify",
            "teardown-scratch-instance"),
        report.steps().stream().map(DrillStep::step).toList());
    assertTrue(report.scratchTornDown());
    verify(provisioning).teardownInstance(argThat(s -> s.name().startsWith("flowviz-drill-")));
    verify(drills)
        .recordDrillReport(
            argThat(r -> r.drillId().equals("drill-1") && r.outcome().equals(DrillReport.PASSED)));
    verify(notify, never()).notify(any());
    verify(storage).resolveBackup(argThat(s -> s.key() == null && "flowviz".equals(s.database())));
    HistoryRecorder.recordIfAsked(client, "drill-1", "recovery-drill-v1-passed");
  }

  @Test
  void latestIsChosenAmongTheSourceDatabasesBackupsOnly() {
    stub("drill-source")
        .drill(
            DrillRequest.builder()
                .bucket("flowviz-backups")
                .databaseName("drill_copy")
                .operator("drill")
                .sourceDatabase("appdb")
                .build());
    stub("drill-default-source")
        .drill(
            DrillRequest.builder()
                .bucket("flowviz-backups")
                .databaseName("drill_copy")
                .operator("drill")
                .build());

    verify(storage).resolveBackup(argThat(s -> s.key() == null && "appdb".equals(s.database())));
    verify(storage)
        .resolveBackup(argThat(s -> s.key() == null && "drill_copy".equals(s.database())));
  }

  @Test
  void aBadSourceDatabaseIsRefusedBeforeAnythingIsProvisioned() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("drill-bad-source")
                    .drill(
                        DrillRequest.builder().sourceDatabase("x; DROP DATABASE flowviz").build()));
    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("sourceDatabase"), failure.getOriginalMessage());
    verify(provisioning, never()).provisionInstance(any());
  }

  @Test
  void aDrillOnACorruptBackupFailsNotifiesKeepsItsReportAndStillTearsDown() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("drill-corrupt")
                    .drill(
                        DrillRequest.builder()
                            .backupKey("daily/flowviz_daily_20261130_020000_corrupt.dump.gpg")
                            .bucket("flowviz-backups")
                            .operator("drill")
                            .build()));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals("DrillFailed", failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("MDC does not match")
            && failure.getOriginalMessage().contains("scratch instance was removed"),
        failure.getOriginalMessage());
    DrillReport report = failure.getDetails().get(DrillReport.class);
    assertEquals(DrillReport.FAILED, report.outcome());
    assertEquals(null, report.rto(), "a failed restore has no RTO");
    verify(provisioning).teardownInstance(any());
    verify(drills)
        .recordDrillReport(
            argThat(r -> r.outcome().equals(DrillReport.FAILED) && r.failure().contains("MDC")));
    verify(notify)
        .notify(
            argThat(
                n ->
                    n.eventId().equals("drill-corrupt:failed") && n.severity().equals("critical")));
  }

  @Test
  void aScratchInstanceAskedForIsKeptAfterAFailure() {
    assertThrows(
        WorkflowFailedException.class,
        () ->
            stub("drill-keep")
                .drill(
                    DrillRequest.builder()
                        .backupKey("daily/flowviz_daily_20261130_020000_corrupt.dump.gpg")
                        .instanceName("flowviz-drill-look")
                        .keepScratch(true)
                        .build()));

    verify(provisioning, never()).teardownInstance(any());
    verify(drills)
        .recordDrillReport(
            argThat(r -> !r.scratchTornDown() && r.scratchInstance().equals("flowviz-drill-look")));
  }

  @Test
  void aWeeklyBackupIsRetrievedFromTheArchiveAndTheWaitCountsInTheRto() {
    DrillReport report =
        stub("drill-weekly")
            .drill(
                DrillRequest.builder()
                    .backupKey("weekly/flowviz_weekly_20261129.dump.gpg")
                    .build());

    WeeklyRestoreRequest child = (WeeklyRestoreRequest) childRequests.get(0);
    assertEquals(SCRATCH, child.targetServer());
    assertEquals("weekly/flowviz_weekly_20261129.dump.gpg", child.backupKey());
    assertEquals(DrillReport.PASSED, report.outcome());
  }

  @Test
  void badInputProvisionsNothing() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("drill-bad")
                    .drill(DrillRequest.builder().instanceName("Scratch; rm -rf /").build()));

    assertEquals(
        FailureTypes.INVALID_INPUT,
        assertInstanceOf(ApplicationFailure.class, e.getCause()).getType());
    verify(provisioning, never()).provisionInstance(any());
    verify(provisioning, never()).teardownInstance(any());
  }

  private static DrillStep step(DrillReport report, String name) {
    return report.steps().stream()
        .filter(s -> s.step().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " in " + report.steps()));
  }

  // ---- Issue 16: the failure envelope's paths (failure, cancellation, refused input) ----

  private static DrillRequest drillOf(String key) {
    return DrillRequest.builder()
        .backupKey(key)
        .bucket("flowviz-backups")
        .operator("drill")
        .build();
  }

  @Test
  void pathAFailingRestoreChildIsReportedTornDownAndFails() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("drill-restore-failed")
                    .drill(drillOf("daily/flowviz_daily_20261130_020000_corrupt.dump.gpg")));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals("DrillFailed", failure.getType());
    verify(provisioning).teardownInstance(any());
    verify(drills).recordDrillReport(argThat(r -> r.outcome().equals(DrillReport.FAILED)));
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "drill-restore-failed", "recovery-drill-v8-paths-restore-failed");
  }

  @Test
  void pathAFailingActivityIsReportedTornDownAndFails() {
    when(postgres.awaitServerReady(any(), any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "scratch server never accepted connections", "ServerNotReady"));

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> stub("drill-activity-failed").drill(drillOf(null)));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals("DrillFailed", failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("never accepted connections"),
        failure.getOriginalMessage());
    assertTrue(childRequests.isEmpty(), "no restore on a server that is not ready");
    verify(provisioning).teardownInstance(any());
    verify(drills).recordDrillReport(argThat(r -> r.outcome().equals(DrillReport.FAILED)));
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "drill-activity-failed", "recovery-drill-v8-paths-activity-failed");
  }

  @Test
  void pathACancelledDrillStillTearsDownAndReports() throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    when(postgres.awaitServerReady(any(), any()))
        .thenAnswer(
            call -> {
              waiting.countDown();
              Thread.sleep(3_000);
              return new ServerInfo("15.8", 15, 700);
            });
    RecoveryDrillWorkflow drill = stub("drill-cancelled");
    WorkflowClient.start(drill::drill, drillOf(null));
    assertTrue(waiting.await(20, TimeUnit.SECONDS));

    client.newUntypedWorkflowStub("drill-cancelled").cancel();

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> client.newUntypedWorkflowStub("drill-cancelled").getResult(DrillReport.class));
    assertInstanceOf(io.temporal.failure.CanceledFailure.class, e.getCause());
    assertTrue(childRequests.isEmpty());
    verify(provisioning).teardownInstance(any());
    verify(drills).recordDrillReport(any());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "drill-cancelled", "recovery-drill-v8-paths-cancelled");
  }

  @Test
  void pathABadScratchInstanceNameIsRefusedBeforeAnyCommand() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("drill-input-refused")
                    .drill(DrillRequest.builder().instanceName("Scratch; rm -rf /").build()));

    assertEquals(
        FailureTypes.INVALID_INPUT,
        assertInstanceOf(ApplicationFailure.class, e.getCause()).getType());
    verify(provisioning, never()).provisionInstance(any());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "drill-input-refused", "recovery-drill-v8-paths-input-refused");
  }
}
