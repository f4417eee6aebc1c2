package com.flowviz.dr.workflows.pitr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.flowviz.dr.activities.app.ApplicationActivities;
import com.flowviz.dr.activities.app.PublishOutcome;
import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.managed.ManagedPointInTimeActivities;
import com.flowviz.dr.activities.managed.ManagedRestoreSpec;
import com.flowviz.dr.activities.managed.ManagedRestoreWindow;
import com.flowviz.dr.activities.managed.ManagedRestored;
import com.flowviz.dr.activities.managed.ManagedSource;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.physical.BaseBackupRestoreSpec;
import com.flowviz.dr.activities.physical.BaseBackupRestored;
import com.flowviz.dr.activities.physical.PointInTimeActivities;
import com.flowviz.dr.activities.physical.RecoveryChoice;
import com.flowviz.dr.activities.physical.RecoveryChoiceSpec;
import com.flowviz.dr.activities.physical.RecoveryReached;
import com.flowviz.dr.activities.physical.RecoverySpec;
import com.flowviz.dr.activities.physical.RecoveryTarget;
import com.flowviz.dr.activities.postgres.PgRestoreOutcome;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.postgres.SwapOutcome;
import com.flowviz.dr.activities.postgres.SwapRequest;
import com.flowviz.dr.activities.verify.ConnectivityReport;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.activities.verify.VerificationCheck;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.activities.workhost.WorkHostActivities;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.RecordingAudit;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.TestEnvironments;
import com.flowviz.dr.workflows.TestLeases;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.Names;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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

  /** Runbook 5.1/5.2 on the recovered instance, from its host (it listens on loopback). */
  private final VerificationActivities verifyOnHost =
      mock(VerificationActivities.class, withSettings().withoutAnnotations());

  /** The application's endpoint, restart and connectivity, from any worker. */
  private final ApplicationActivities application =
      mock(ApplicationActivities.class, withSettings().withoutAnnotations());

  private final VerificationActivities connectivity =
      mock(VerificationActivities.class, withSettings().withoutAnnotations());

  /** RDS/Aurora's own restore, from any worker. */
  private final ManagedPointInTimeActivities managed =
      mock(ManagedPointInTimeActivities.class, withSettings().withoutAnnotations());

  /** 4.1's database steps: dump and staging restore near the copy, swap and drop anywhere. */
  private final PostgresActivities postgresOnHost =
      mock(PostgresActivities.class, withSettings().withoutAnnotations());

  private final PostgresActivities postgres =
      mock(PostgresActivities.class, withSettings().withoutAnnotations());

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
    dr.registerActivitiesImplementations(
        shared, workHost, application, connectivity, managed, postgres, new RecordingAudit(audit));
    TestLeases.register(dr, env.getWorkflowClient());
    Worker host = env.newWorker(HOST_QUEUE);
    host.registerActivitiesImplementations(onHost, verifyOnHost, postgresOnHost, workHost);
    env.start();
    client = env.getWorkflowClient();
    when(workHost.claimWorkHost()).thenReturn(HOST_QUEUE);
    when(verifyOnHost.verifyRestoredDatabase(any(), any(), any())).thenReturn(verified(true));
    when(application.publishDatabaseEndpoint(any(), anyString()))
        .thenReturn(new PublishOutcome(true, List.of("/etc/flowviz/database.env")));
    when(application.restartApplication())
        .thenReturn(new RestartOutcome(true, "systemctl restart flowviz", 0, 1200, ""));
    when(connectivity.checkApplicationConnectivity())
        .thenReturn(new ConnectivityReport(true, true, List.of()));
  }

  private static final PgServer RECOVERED =
      new PgServer("127.0.0.1", 55432, "admin", null, "instance:pitr-0612");

  private static VerificationReport verified(boolean passed) {
    return new VerificationReport(
        "flowviz",
        passed,
        false,
        List.of(
            new VerificationCheck("lots has rows", passed, "> 0", passed ? "1000" : "0"),
            new VerificationCheck("qc_decisions readable", true, "readable", "readable")),
        List.of(),
        List.of(),
        Map.of(),
        List.of());
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  /** The archive holds a base backup before the target; restore and recovery succeed. */
  private BaseBackupManifest archiveAndInstanceSucceed() {
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
                .server(RECOVERED)
                .build());
    return manifest;
  }

  @Test
  void choosesTheBackupThenRestoresRecoversAndVerifiesOnTheHostThatHoldsTheInstance() {
    BaseBackupManifest manifest = archiveAndInstanceSucceed();
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
                .sourceServer("production")
                .build());
    verify(shared, never()).restoreBaseBackup(any());
    verify(shared, never()).recover(any());
    assertEquals(55432, result.reached().port());
    assertEquals("time 2026-12-03T06:12:00Z (exclusive)", result.target());
    verify(verifyOnHost).verifyRestoredDatabase("flowviz", null, RECOVERED);
    assertEquals(RestoreToPointInTimeResult.RECOVERED, result.outcome());
    assertTrue(result.verification().passed());
    verify(application, never()).publishDatabaseEndpoint(any(), anyString());
    assertEquals(
        List.of(
            "choose-base-backup SUCCEEDED",
            "restore-base-backup-and-spool-wal SUCCEEDED",
            "recover-to-target-and-promote SUCCEEDED",
            "verify-recovered-database SUCCEEDED"),
        audit.stream().map(a -> a.step() + " " + a.outcome()).toList());
    HistoryRecorder.recordIfAsked(client, "pitr-ok", "restore-to-point-in-time-v2-verified");
  }

  @Test
  void aManagedSourceIsRestoredByTheServiceThenVerifiedOverTheNetworkAndNothingIsDownloaded() {
    PgServer restoredServer =
        new PgServer(
            "flowviz-pitr.abc.us-east-1.rds.amazonaws.com",
            5432,
            "flowviz_admin",
            null,
            "instance:flowviz-pitr");
    when(managed.restorableWindow(any()))
        .thenReturn(
            ManagedRestoreWindow.builder()
                .identifier("flowviz-prod")
                .engine("postgres")
                .engineVersion("15.8")
                .earliest(Instant.parse("2026-11-26T00:00:00Z"))
                .latest(Instant.parse("2026-12-03T06:20:00Z"))
                .build());
    when(managed.startRestore(any()))
        .thenReturn(
            ManagedRestored.builder()
                .identifier("flowviz-pitr")
                .kind("instance")
                .restoredTo(TARGET)
                .status("creating")
                .build());
    when(managed.awaitAvailable(any()))
        .thenReturn(
            ManagedRestored.builder()
                .identifier("flowviz-pitr")
                .kind("instance")
                .status("available")
                .host(restoredServer.host())
                .port(5432)
                .server(restoredServer)
                .build());
    when(connectivity.verifyRestoredDatabase(any(), any(), any())).thenReturn(verified(true));

    RestoreToPointInTimeResult result =
        stub("pitr-managed")
            .restoreToPointInTime(
                RestoreToPointInTimeRequest.builder()
                    .instance("flowviz-pitr")
                    .targetTime("2026-12-03T06:12:00Z")
                    .managedSource(
                        ManagedSource.builder().kind("instance").identifier("flowviz-prod").build())
                    .operator("alice")
                    .build());

    ManagedRestoreSpec expected =
        ManagedRestoreSpec.builder()
            .source(new ManagedSource("instance", "flowviz-prod", null))
            .target("flowviz-pitr")
            .recoveryTarget(RecoveryTarget.at(TARGET, true))
            .sourceServer("production")
            .build();
    verify(managed).startRestore(expected);
    verify(managed).awaitAvailable(expected);
    verify(connectivity).verifyRestoredDatabase("flowviz", null, restoredServer);
    verify(shared, never()).chooseBaseBackup(any());
    verify(workHost, never()).claimWorkHost();
    assertEquals(RestoreToPointInTimeResult.RECOVERED, result.outcome());
    assertEquals(TARGET, result.managed().restoredTo());
    assertEquals(
        List.of(
            "check-restorable-window SUCCEEDED",
            "start-managed-restore SUCCEEDED",
            "await-restored-database SUCCEEDED",
            "verify-recovered-database SUCCEEDED"),
        audit.stream().map(a -> a.step() + " " + a.outcome()).toList());
    HistoryRecorder.recordIfAsked(client, "pitr-managed", "restore-to-point-in-time-v2-managed");
  }

  @Test
  void aManagedSourceWithAnLsnTargetIsRefusedBeforeAnythingRuns() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("pitr-managed-lsn")
                    .restoreToPointInTime(
                        RestoreToPointInTimeRequest.builder()
                            .instance("flowviz-pitr")
                            .targetLsn("0/3000060")
                            .managedSource(
                                ManagedSource.builder()
                                    .kind("instance")
                                    .identifier("flowviz-prod")
                                    .build())
                            .build()));
    assertTrue(rootMessage(e).contains("not to an LSN"), rootMessage(e));
    verify(managed, never()).startRestore(any());
  }

  @Test
  void aRepointIsHeldForAPersonAndOnApprovalTheApplicationMovesToTheRecoveredInstance() {
    archiveAndInstanceSucceed();
    RestoreToPointInTimeWorkflow workflow = startRepointing("pitr-repoint");
    awaitStep(workflow, "approve-repoint");
    verify(application, never()).publishDatabaseEndpoint(any(), anyString());

    String answer = workflow.decide(Decision.approve("repoint", "erin", "rows checked"));
    RestoreToPointInTimeResult result =
        client.newUntypedWorkflowStub("pitr-repoint").getResult(RestoreToPointInTimeResult.class);

    assertTrue(answer.startsWith("Approved repoint by erin"), answer);
    assertEquals(RestoreResult.RESTORED, result.outcome());
    assertEquals("erin", result.repointDecision().by());
    verify(application).publishDatabaseEndpoint(RECOVERED, "flowviz");
    verify(application).restartApplication();
    assertEquals(
        List.of(
            "verify-recovered-database SUCCEEDED",
            "approve-repoint SUCCEEDED",
            "repoint-application SUCCEEDED",
            "restart-application SUCCEEDED",
            "application-connectivity-test SUCCEEDED"),
        audit.stream().map(a -> a.step() + " " + a.outcome()).toList().subList(3, 8));
    HistoryRecorder.recordIfAsked(
        client, "pitr-repoint", "restore-to-point-in-time-v2-repoint-approved");
  }

  private RestoreToPointInTimeWorkflow startIntoLive(String id) {
    archiveAndInstanceSucceed();
    when(postgresOnHost.dumpForStaging(any(), anyString()))
        .thenReturn("/var/lib/flowviz-dr/work/" + id + "/recovered-copy.dump");
    when(postgresOnHost.restoreIntoStaging(anyString(), anyString(), any()))
        .thenAnswer(
            call ->
                new PgRestoreOutcome(
                    call.getArgument(1), 2, 1500, "15.8", 120, "plenty", List.of()));
    when(connectivity.verifyRestoredDatabase(any(), any(), any())).thenReturn(verified(true));
    when(postgres.swapIntoLive(any(), any()))
        .thenAnswer(
            call ->
                new SwapOutcome(
                    "flowviz", ((SwapRequest) call.getArgument(0)).retiredDatabase(), 3, false));
    RestoreToPointInTimeWorkflow workflow =
        client.newWorkflowStub(
            RestoreToPointInTimeWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
    WorkflowClient.start(
        workflow::restoreToPointInTime,
        RestoreToPointInTimeRequest.builder()
            .instance("pitr-0612")
            .targetTime("2026-12-03T06:12:00Z")
            .intoLive(true)
            .approvalTimeout("PT2H")
            .operator("alice")
            .reason("lots corrupted from 06:12 (runbook 2.1)")
            .build());
    return workflow;
  }

  @Test
  void aCopyIntoTheLiveDatabaseIsStagedNearTheCopyVerifiedAndSwappedOnlyAfterApproval() {
    RestoreToPointInTimeWorkflow workflow = startIntoLive("pitr-into-live");
    awaitStep(workflow, "approve-swap");
    verify(postgres, never()).swapIntoLive(any(), any());

    String answer = workflow.decide(Decision.approve("swap", "erin", "staging checked"));
    RestoreToPointInTimeResult result =
        client.newUntypedWorkflowStub("pitr-into-live").getResult(RestoreToPointInTimeResult.class);

    assertTrue(answer.startsWith("Approved swap by erin"), answer);
    assertEquals("COPIED_INTO_LIVE", result.outcome());
    String staging = Names.stagingDatabase("flowviz", "pitr-into-live");
    PgServer live = null; // production: the worker's own server, as 4.1 names it
    verify(postgresOnHost).dumpForStaging(RECOVERED, "flowviz");
    verify(postgresOnHost)
        .restoreIntoStaging(
            "/var/lib/flowviz-dr/work/pitr-into-live/recovered-copy.dump", staging, live);
    verify(connectivity).verifyRestoredDatabase(staging, null, live);
    verify(postgres)
        .swapIntoLive(
            argThat(r -> r.stagingDatabase().equals(staging) && r.liveDatabase().equals("flowviz")),
            any());
    verify(postgres, never()).dropStagingDatabase(any(), any());
    verify(workHost).discardWorkFiles("pitr-into-live");
    verify(application, never()).publishDatabaseEndpoint(any(), anyString());
    HistoryRecorder.recordIfAsked(
        client, "pitr-into-live", "restore-to-point-in-time-v3-into-live-shared-lease");
  }

  @Test
  void aRejectedSwapDropsStagingAndLeavesTheLiveDatabaseAlone() {
    RestoreToPointInTimeWorkflow workflow = startIntoLive("pitr-into-live-no");
    awaitStep(workflow, "approve-swap");

    workflow.decide(Decision.reject("swap", "erin", "not this point"));
    RestoreToPointInTimeResult result =
        client
            .newUntypedWorkflowStub("pitr-into-live-no")
            .getResult(RestoreToPointInTimeResult.class);

    assertEquals(RestoreToPointInTimeResult.RECOVERED, result.outcome());
    verify(postgres, never()).swapIntoLive(any(), any());
    verify(postgres)
        .dropStagingDatabase(Names.stagingDatabase("flowviz", "pitr-into-live-no"), null);
  }

  @Test
  void aRejectedRepointLeavesTheApplicationWhereItIsAndTheInstanceRecovered() {
    archiveAndInstanceSucceed();
    RestoreToPointInTimeWorkflow workflow = startRepointing("pitr-repoint-no");
    awaitStep(workflow, "approve-repoint");

    workflow.decide(Decision.reject("repoint", "erin", "not this point"));
    RestoreToPointInTimeResult result =
        client
            .newUntypedWorkflowStub("pitr-repoint-no")
            .getResult(RestoreToPointInTimeResult.class);

    assertEquals(RestoreToPointInTimeResult.RECOVERED, result.outcome());
    assertEquals(false, result.repointDecision().approve());
    verify(application, never()).publishDatabaseEndpoint(any(), anyString());
    verify(application, never()).restartApplication();
  }

  @Test
  void aFailedVerificationStopsBeforeTheGateAndKeepsTheInstance() {
    archiveAndInstanceSucceed();
    when(verifyOnHost.verifyRestoredDatabase(any(), any(), any())).thenReturn(verified(false));

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                stub("pitr-unverified")
                    .restoreToPointInTime(
                        RestoreToPointInTimeRequest.builder()
                            .instance("pitr-0612")
                            .latest(true)
                            .repoint(true)
                            .operator("alice")
                            .build()));

    assertTrue(rootMessage(e).contains("lots has rows (expected > 0, found 0)"), rootMessage(e));
    assertTrue(rootMessage(e).contains("kept for inspection"), rootMessage(e));
    verify(application, never()).publishDatabaseEndpoint(any(), anyString());
    assertTrue(
        audit.stream()
            .anyMatch(
                a -> a.step().equals("verify-recovered-database") && a.outcome().equals("FAILED")));
  }

  @Test
  void aDecisionForARecoveryThatDoesNotRepointIsRefused() {
    archiveAndInstanceSucceed();
    when(onHost.recover(any()))
        .thenAnswer(
            i -> {
              Thread.sleep(2000);
              return RecoveryReached.builder()
                  .instance("pitr-0612")
                  .host("127.0.0.1")
                  .port(55432)
                  .server(RECOVERED)
                  .build();
            });
    RestoreToPointInTimeWorkflow workflow =
        client.newWorkflowStub(
            RestoreToPointInTimeWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId("pitr-no-gate")
                .build());
    WorkflowClient.start(
        workflow::restoreToPointInTime,
        RestoreToPointInTimeRequest.builder().instance("pitr-0612").latest(true).build());
    WorkflowUpdateException refused =
        assertThrows(
            WorkflowUpdateException.class,
            () -> workflow.decide(Decision.approve("repoint", "erin", null)));
    assertTrue(
        String.valueOf(refused.getCause().getMessage()).contains("not asked to repoint"),
        String.valueOf(refused.getCause().getMessage()));
  }

  private RestoreToPointInTimeWorkflow startRepointing(String id) {
    RestoreToPointInTimeWorkflow workflow =
        client.newWorkflowStub(
            RestoreToPointInTimeWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
    WorkflowClient.start(
        workflow::restoreToPointInTime,
        RestoreToPointInTimeRequest.builder()
            .instance("pitr-0612")
            .latest(true)
            .repoint(true)
            .approvalTimeout("PT2H")
            .operator("alice")
            .reason("rows deleted at 06:12 (runbook 2.3)")
            .build());
    return workflow;
  }

  private static void awaitStep(RestoreToPointInTimeWorkflow workflow, String step) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (workflow.progress().stream()
        .noneMatch(r -> r.step().equals(step) && r.outcome().equals("RUNNING"))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the recovery never reached " + step + ": " + workflow.progress());
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
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
