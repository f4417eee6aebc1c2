package com.flowviz.dr.workflows.pitr;

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

import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.physical.BaseBackupRestoreSpec;
import com.flowviz.dr.activities.physical.BaseBackupRestored;
import com.flowviz.dr.activities.physical.PointInTimeActivities;
import com.flowviz.dr.activities.physical.RecoveryChoice;
import com.flowviz.dr.activities.physical.RecoveryChoiceSpec;
import com.flowviz.dr.activities.physical.RecoveryReached;
import com.flowviz.dr.activities.physical.RecoverySpec;
import com.flowviz.dr.activities.physical.RecoveryTarget;
import com.flowviz.dr.activities.workhost.WorkHostActivities;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.RecordingAudit;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.TestEnvironments;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
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

class RestoreToPointInTimeWorkflowTest {

  private static final String HOST_QUEUE = TaskQueues.forHost("pitr-host");
  private static final String PREFIX = "base/7441208855555555555/20261203T020000Z/";
  private static final Instant TARGET = Instant.parse("2026-12-03T06:12:00Z");

  /** The shared queue's copy: only chooseBaseBackup may run there. */
  private final PointInTimeActivities shared =
      mock(PointInTimeActivities.class, withSettings().withoutAnnotations());

  /** The instance's host: restore and recovery must run here, where its data directory is. */
  private final PointInTimeActivities onHost =
      mock(PointInTimeActivities.class, withSettings().withoutAnnotations());

  private final WorkHostActivities workHost =
      mock(WorkHostActivities.class, withSettings().withoutAnnotations());
  private final List<AuditEntry> audit = new CopyOnWriteArrayList<>();
  private TestWorkflowEnvironment env;
  private WorkflowClient client;

  @BeforeEach
  void setUp() {
    env = TestEnvironments.withSearchAttributes();
    Worker dr = env.newWorker(TaskQueues.DR);
    dr.registerWorkflowImplementationTypes(RestoreToPointInTimeWorkflowImpl.class);
    dr.registerActivitiesImplementations(shared, workHost, new RecordingAudit(audit));
    Worker host = env.newWorker(HOST_QUEUE);
    host.registerActivitiesImplementations(onHost);
    env.start();
    client = env.getWorkflowClient();
    when(workHost.claimWorkHost()).thenReturn(HOST_QUEUE);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void choosesTheBackupThenRestoresAndRecoversOnTheHostThatHoldsTheInstance() {
    BaseBackupManifest manifest =
        BaseBackupManifest.builder()
            .backupId("20261203T020000Z")
            .systemIdentifier("7441208855555555555")
            .startWalFile("000000010000000000000010")
            .stopWalFile("000000010000000000000010")
            .stopTime(Instant.parse("2026-12-03T02:00:09Z"))
            .build();
    when(shared.chooseBaseBackup(any()))
        .thenReturn(
            RecoveryChoice.builder()
                .systemIdentifier("7441208855555555555")
                .backupPrefix(PREFIX)
                .manifest(manifest)
                .earliestReachable(Instant.parse("2026-11-26T02:00:09Z"))
                .newestWalFile("000000010000000000000031")
                .newestWalArchivedAt(Instant.parse("2026-12-03T06:20:00Z"))
                .build());
    when(onHost.restoreBaseBackup(any()))
        .thenReturn(
            BaseBackupRestored.builder()
                .instance("pitr-0612")
                .dataDirectory("/var/lib/flowviz-dr/instances/pitr-0612/data")
                .tarBytes(1000)
                .tarSha256("ab")
                .walFilesSpooled(34)
                .newestSpooledWal("000000010000000000000031")
                .verifyBackup("backup successfully verified")
                .build());
    when(onHost.recover(any()))
        .thenReturn(
            RecoveryReached.builder()
                .instance("pitr-0612")
                .host("127.0.0.1")
                .port(55432)
                .timeline(2)
                .stoppedAt("recovery stopping before commit of transaction 746, time ...")
                .clusterState("in production")
                .build());

    RestoreToPointInTimeResult result =
        stub("pitr-ok")
            .restoreToPointInTime(
                RestoreToPointInTimeRequest.builder()
                    .instance("pitr-0612")
                    .targetTime("2026-12-03T07:12:00+01:00")
                    .inclusive(false)
                    .operator("alice")
                    .build());

    ArgumentCaptor<RecoveryChoiceSpec> choice = ArgumentCaptor.forClass(RecoveryChoiceSpec.class);
    verify(shared).chooseBaseBackup(choice.capture());
    assertEquals(
        RecoveryChoiceSpec.builder()
            .bucket("flowviz-backups")
            .target(RecoveryTarget.at(TARGET, false))
            .build(),
        choice.getValue(),
        "the zone is read, the instant kept; no system named: the bucket's only cluster");
    verify(onHost)
        .restoreBaseBackup(
            BaseBackupRestoreSpec.builder()
                .bucket("flowviz-backups")
                .instance("pitr-0612")
                .backupPrefix(PREFIX)
                .manifest(manifest)
                .build());
    verify(onHost)
        .recover(
            RecoverySpec.builder()
                .instance("pitr-0612")
                .target(RecoveryTarget.at(TARGET, false))
                .build());
    verify(shared, never()).restoreBaseBackup(any());
    verify(shared, never()).recover(any());
    assertEquals(55432, result.reached().port());
    assertEquals("time 2026-12-03T06:12:00Z (exclusive)", result.target());
    assertEquals(
        List.of(
            "choose-base-backup SUCCEEDED",
            "restore-base-backup-and-spool-wal SUCCEEDED",
            "recover-to-target-and-promote SUCCEEDED"),
        audit.stream().map(a -> a.step() + " " + a.outcome()).toList());
    HistoryRecorder.recordIfAsked(client, "pitr-ok", "restore-to-point-in-time-v1-recovered");
  }

  @Test
  void aTargetOutsideTheArchiveFailsAtOnceAndNothingIsRestored() {
    when(shared.chooseBaseBackup(any()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "The recovery target time 2026-12-03T06:12:00Z (inclusive) is after the newest"
                    + " archived WAL.",
                FailureTypes.INVALID_INPUT));

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("pitr-late")
                    .restoreToPointInTime(
                        RestoreToPointInTimeRequest.builder()
                            .instance("pitr-late")
                            .targetTime("2026-12-03T06:12:00Z")
                            .build()));

    assertTrue(rootMessage(e).contains("after the newest archived WAL"), rootMessage(e));
    verify(workHost, never()).claimWorkHost();
    verify(onHost, never()).restoreBaseBackup(any());
  }

  @Test
  void aRequestWithoutExactlyOneTargetIsRefusedBeforeAnythingRuns() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("pitr-two-targets")
                    .restoreToPointInTime(
                        RestoreToPointInTimeRequest.builder()
                            .instance("pitr-two")
                            .targetTime("2026-12-03T06:12:00Z")
                            .latest(true)
                            .build()));
    assertTrue(rootMessage(e).contains("exactly one recovery target"), rootMessage(e));
    verify(shared, never()).chooseBaseBackup(any());
  }

  private RestoreToPointInTimeWorkflow stub(String id) {
    return TestEnvironments.onTheDrQueue(client, RestoreToPointInTimeWorkflow.class, id);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    assertInstanceOf(ApplicationFailure.class, t);
    return ((ApplicationFailure) t).getOriginalMessage();
  }
}
