package com.flowviz.dr.workflows.freshness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.notify.Notification;
import com.flowviz.dr.activities.notify.NotificationReceipt;
import com.flowviz.dr.activities.notify.NotifyActivities;
import com.flowviz.dr.activities.physical.ArchiveContents;
import com.flowviz.dr.activities.physical.ArchiveLocation;
import com.flowviz.dr.activities.physical.ArchiverStatus;
import com.flowviz.dr.activities.physical.WalExposureActivities;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.storage.BucketFreshness;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.RecordingAudit;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The freshness monitor's WAL exposure checks under time skipping: the server's archive lag, the
 * bucket's view while the server is down, one notification per change of state.
 */
class MonitorBackupFreshnessWalExposureTest {

  private static final String SERVER = "production";
  private static final String SYSTEM_ID = "7300000000000000001";

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final BackupStorageActivities storage =
      mock(BackupStorageActivities.class, withSettings().withoutAnnotations());
  private final WalExposureActivities wal =
      mock(WalExposureActivities.class, withSettings().withoutAnnotations());
  private final NotifyActivities notify =
      mock(NotifyActivities.class, withSettings().withoutAnnotations());
  private final List<Notification> sent = new CopyOnWriteArrayList<>();
  private final List<AuditEntry> audit = new CopyOnWriteArrayList<>();

  /** What the server answers at each check. */
  private final AtomicReference<ArchiverStatus> status = new AtomicReference<>();

  /** The newest WAL object's time in the bucket, or null for none. */
  private final AtomicReference<Instant> newestWal = new AtomicReference<>();

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    client = env.getWorkflowClient();
    Worker worker = env.newWorker(TaskQueues.DR);
    worker.registerWorkflowImplementationTypes(MonitorBackupFreshnessWorkflowImpl.class);
    worker.registerActivitiesImplementations(storage, wal, notify, new RecordingAudit(audit));
    // The daily dump is always fresh: these tests are about WAL.
    when(storage.newestBackup(anyString(), isNull(), anyString()))
        .thenAnswer(
            call -> {
              Instant taken = now().minus(Duration.ofMinutes(5));
              return new BucketFreshness(
                  call.getArgument(0),
                  null,
                  true,
                  new BackupObject(
                      call.getArgument(0),
                      "daily/flowviz_daily_" + taken.getEpochSecond() + ".dump.gpg",
                      taken,
                      taken,
                      1,
                      "STANDARD",
                      "e"),
                  null);
            });
    when(wal.archiverStatus(anyString())).thenAnswer(call -> status.get());
    when(wal.archiveContents(any()))
        .thenAnswer(
            call -> {
              ArchiveLocation at = call.getArgument(0);
              Instant newest = newestWal.get();
              return ArchiveContents.builder()
                  .bucket(at.bucket())
                  .systemIdentifier(at.systemIdentifier())
                  .reachable(true)
                  .newestWalKey(newest == null ? null : "wal/" + at.systemIdentifier() + "/0001")
                  .newestWalAt(newest)
                  .build();
            });
    when(notify.notify(any()))
        .thenAnswer(
            call -> {
              sent.add(call.getArgument(0));
              return new NotificationReceipt("e", List.of("webhook:generic"));
            });
    env.start();
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private Instant now() {
    return Instant.ofEpochMilli(env.currentTimeMillis());
  }

  private static ArchiverStatus archiving(double lagSeconds) {
    return ArchiverStatus.builder()
        .server(SERVER)
        .reachable(true)
        .archiving(true)
        .archiveMode("on")
        .systemIdentifier(SYSTEM_ID)
        .timeline(1)
        .lagSeconds(lagSeconds)
        .pendingBytes(lagSeconds == 0 ? 0L : 16L * 1024 * 1024)
        .build();
  }

  private static ArchiverStatus unreachable() {
    return ArchiverStatus.builder()
        .server(SERVER)
        .reachable(false)
        .problem("connection refused")
        .build();
  }

  /** WAL notifications of the production server with this event, e.g. "breach". */
  private List<Notification> walSent(String event) {
    String prefix = WalExposureCheck.notifierId(SERVER) + ":" + event + "-";
    return sent.stream().filter(n -> n.eventId().startsWith(prefix)).toList();
  }

  private long walNotifications() {
    return sent.stream()
        .filter(n -> n.eventId().startsWith(WalExposureCheck.notifierId(SERVER) + ":"))
        .count();
  }

  private MonitorBackupFreshnessWorkflow start(String id, int checksPerRun) {
    MonitorBackupFreshnessWorkflow monitor =
        client.newWorkflowStub(
            MonitorBackupFreshnessWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
    WorkflowClient.start(
        monitor::monitor,
        FreshnessMonitorRequest.builder()
            .locations(List.of("flowviz-backups/daily/"))
            .checkInterval("PT10M")
            .operator("monitor")
            .checksPerRun(checksPerRun)
            .build());
    return monitor;
  }

  private ServerExposure exposure(MonitorBackupFreshnessWorkflow monitor) {
    return monitor.walExposure().get(0);
  }

  @Test
  void lagPastTheTargetWarnsPastTheMaximumEscalatesAndBackResolvesEachOnce() {
    status.set(archiving(30));
    MonitorBackupFreshnessWorkflow monitor = start("freshness-wal-1", 1000);

    env.sleep(Duration.ofMinutes(35));
    assertEquals(0, walNotifications(), "30 s of lag is within the 2 h target");
    assertEquals(LocationFreshness.OK, exposure(monitor).level());
    assertEquals(ServerExposure.CONTINUOUS, exposure(monitor).protection());

    status.set(archiving(3 * 3600).toBuilder().failing(true).lastFailedWal("0001").build());
    env.sleep(Duration.ofHours(1));
    assertEquals(1, walSent("breach").size(), "past the target: one warning in six checks");
    assertEquals("warning", walSent("breach").get(0).severity());
    String summary = walSent("breach").get(0).summary();
    assertTrue(summary.contains("3 h") && summary.contains("archiving is failing"), summary);
    assertEquals(LocationFreshness.ABOVE_TARGET, exposure(monitor).level());
    assertTrue(exposure(monitor).failing());

    status.set(archiving(25 * 3600));
    env.sleep(Duration.ofHours(1));
    assertEquals(1, walSent("maximum").size(), "past the maximum: one critical");
    assertEquals("critical", walSent("maximum").get(0).severity());
    assertEquals(1, walSent("breach").size());

    status.set(archiving(5));
    env.sleep(Duration.ofHours(1));
    assertEquals(1, walSent("recovered").size(), "back under the target: one resolve");
    assertEquals("resolve", walSent("recovered").get(0).action());
    assertEquals(3, walNotifications());
    assertEquals(LocationFreshness.OK, exposure(monitor).level());
    assertEquals(3, exposure(monitor).alerts());
    assertEquals(
        0,
        sent.stream().filter(n -> !n.eventId().contains("-wal-")).count(),
        "the fresh dump raised nothing");

    WorkflowStub.fromTyped(monitor).cancel();
    HistoryRecorder.recordIfAsked(
        client, "freshness-wal-1", "monitor-backup-freshness-v2-wal-breach-recovered");
  }

  @Test
  void anIdleArchivingServerAndANonArchivingServerNeverAlert() {
    status.set(archiving(0));
    MonitorBackupFreshnessWorkflow monitor = start("freshness-wal-idle", 10);
    env.sleep(Duration.ofHours(30));
    assertEquals(0, walNotifications(), "no writes, nothing at risk: lag 0 for 30 h");

    status.set(
        ArchiverStatus.builder()
            .server(SERVER)
            .reachable(true)
            .archiving(false)
            .archiveMode("off")
            .systemIdentifier(SYSTEM_ID)
            .build());
    env.sleep(Duration.ofHours(5));
    assertEquals(0, walNotifications(), "not archiving is no WAL breach");
    assertEquals(ServerExposure.DAILY_DUMP, exposure(monitor).protection());
    assertEquals(
        1,
        audit.stream().filter(e -> e.details().contains("not continuously protected")).count(),
        "recorded once over 30 checks and three runs");
    WorkflowStub.fromTyped(monitor).cancel();
  }

  @Test
  void anUnreachableServerIsJudgedByTheBucketUnderItsLastKnownSystemIdentifier() {
    status.set(archiving(2));
    // Ten checks a run: the server goes down in a later run than the one that read its identity.
    MonitorBackupFreshnessWorkflow monitor = start("freshness-wal-down", 10);
    env.sleep(Duration.ofHours(2));

    status.set(unreachable());
    newestWal.set(now().minus(Duration.ofMinutes(20)));
    env.sleep(Duration.ofMinutes(15));
    assertEquals(0, walNotifications(), "the newest WAL in the bucket is 35 min old");
    assertEquals(ServerExposure.BUCKET, exposure(monitor).source());
    verify(wal, atLeastOnce())
        .archiveContents(
            ArchiveLocation.builder()
                .bucket("flowviz-backups")
                .systemIdentifier(SYSTEM_ID)
                .build());

    env.sleep(Duration.ofHours(2));
    assertEquals(1, walSent("breach").size(), "the bucket's WAL aged past 2 h: one warning");
    assertTrue(
        walSent("breach").get(0).summary().contains("cannot be read"),
        walSent("breach").get(0).summary());
    env.sleep(Duration.ofHours(3));
    assertEquals(1, walNotifications(), "the same breach across runs: still one");

    status.set(archiving(1));
    monitor.checkNow();
    env.sleep(Duration.ofMinutes(1));
    assertEquals(1, walSent("recovered").size());
    assertEquals(ServerExposure.SERVER, exposure(monitor).source());
    WorkflowStub.fromTyped(monitor).cancel();
  }

  @Test
  void aServerNeverReadHasAnUnknownExposureToldOnce() {
    status.set(unreachable());
    MonitorBackupFreshnessWorkflow monitor = start("freshness-wal-unknown", 10);
    env.sleep(Duration.ofHours(3));

    assertEquals(1, walSent("unknown").size(), "18 failed looks across runs, one notification");
    assertTrue(
        walSent("unknown").get(0).summary().contains("exposure is unknown"),
        walSent("unknown").get(0).summary());
    assertEquals(1, walNotifications());
    assertNotNull(exposure(monitor).unknownSince());
    verify(wal, never()).archiveContents(any());
    WorkflowStub.fromTyped(monitor).cancel();
  }

  @Test
  void anOpenBreachSurvivesContinueAsNew() {
    status.set(archiving(3 * 3600));
    MonitorBackupFreshnessWorkflow monitor = start("freshness-wal-runs", 10);
    env.sleep(Duration.ofMinutes(5));
    assertEquals(1, walSent("breach").size());
    Instant since = exposure(monitor).breachSince();

    env.sleep(Duration.ofHours(6));
    assertEquals(1, walNotifications(), "36 checks, three new runs: the breach is told once");
    assertEquals(since, exposure(monitor).breachSince(), "the breach carried across runs");
    assertEquals(SYSTEM_ID, exposure(monitor).systemIdentifier());
    assertEquals(1, exposure(monitor).alerts());
    WorkflowStub.fromTyped(monitor).cancel();
  }

  @Test
  void anArchivingServerThatIsNotAServerNameIsRefusedBeforeAnyCommand() {
    MonitorBackupFreshnessWorkflow monitor =
        client.newWorkflowStub(
            MonitorBackupFreshnessWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId("freshness-wal-bad")
                .build());
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                monitor.monitor(
                    FreshnessMonitorRequest.builder()
                        .archivingServers(List.of("db.example.com:5432"))
                        .build()));
    assertEquals(FailureTypes.INVALID_INPUT, ((ApplicationFailure) e.getCause()).getType());
    assertTrue(
        e.getCause().getMessage().contains("is not a server name"), e.getCause().getMessage());
    verify(wal, never()).archiverStatus(anyString());
  }

  @Test
  void anArchiverTheRoleMayNotReadIsToldOnceAndTheDumpChecksGoOn() {
    when(wal.archiverStatus(anyString()))
        .thenThrow(
            ApplicationFailure.newNonRetryableFailure(
                "permission denied for pg_ls_archive_statusdir: grant pg_monitor", "Refused"));
    MonitorBackupFreshnessWorkflow monitor = start("freshness-wal-refused", 10);
    env.sleep(Duration.ofHours(2));

    assertEquals(1, walSent("unknown").size(), "12 refused looks, one notification");
    assertTrue(
        walSent("unknown").get(0).summary().contains("pg_monitor"),
        walSent("unknown").get(0).summary());
    assertEquals(
        LocationFreshness.OK, monitor.status().get(0).level(), "the dump is still watched");
    assertNotNull(monitor.status().get(0).checkedAt());
    WorkflowStub.fromTyped(monitor).cancel();
  }
}
