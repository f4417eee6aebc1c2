package com.flowviz.dr.workflows.freshness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.flowviz.dr.activities.notify.Notification;
import com.flowviz.dr.activities.notify.NotificationReceipt;
import com.flowviz.dr.activities.notify.NotifyActivities;
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
 * The freshness monitor under time skipping: days pass in seconds, the backups age, alerts are
 * counted.
 */
class MonitorBackupFreshnessWorkflowTest {

  private TestWorkflowEnvironment env;
  private WorkflowClient client;
  private final BackupStorageActivities storage =
      mock(BackupStorageActivities.class, withSettings().withoutAnnotations());

  /** Production answers as an idle archiving server: the dump tests are not about WAL. */
  private final WalExposureActivities wal =
      mock(WalExposureActivities.class, withSettings().withoutAnnotations());

  private final NotifyActivities notify =
      mock(NotifyActivities.class, withSettings().withoutAnnotations());
  private final List<Notification> sent = new CopyOnWriteArrayList<>();

  /** The newest backup's time, or null for an empty bucket; what "S3" answers at each check. */
  private final AtomicReference<Instant> newest = new AtomicReference<>();

  private volatile boolean unreadable;

  @BeforeEach
  void setUp() {
    env = TestWorkflowEnvironment.newInstance();
    client = env.getWorkflowClient();
    Worker worker = env.newWorker(TaskQueues.DR);
    worker.registerWorkflowImplementationTypes(MonitorBackupFreshnessWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        storage, wal, notify, new RecordingAudit(new CopyOnWriteArrayList<>()));
    when(wal.archiverStatus(anyString()))
        .thenAnswer(
            call ->
                ArchiverStatus.builder()
                    .server(call.getArgument(0))
                    .reachable(true)
                    .archiving(true)
                    .systemIdentifier("7300000000000000001")
                    .lagSeconds(0.0)
                    .build());
    when(storage.newestBackup(anyString(), isNull(), anyString()))
        .thenAnswer(
            call -> {
              if (unreadable) {
                return new BucketFreshness(call.getArgument(0), null, false, null, "Access Denied");
              }
              Instant taken = newest.get();
              return new BucketFreshness(
                  call.getArgument(0),
                  null,
                  true,
                  taken == null
                      ? null
                      : new BackupObject(
                          call.getArgument(0),
                          "daily/flowviz_daily_" + taken.getEpochSecond() + ".dump.gpg",
                          taken,
                          taken,
                          1,
                          "STANDARD",
                          "e"),
                  null);
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

  private long sentOf(String event) {
    return sent.stream().filter(n -> n.eventId().contains(":" + event + "-")).count();
  }

  private MonitorBackupFreshnessWorkflow start(String id) {
    MonitorBackupFreshnessWorkflow monitor =
        client.newWorkflowStub(
            MonitorBackupFreshnessWorkflow.class,
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
    // Ten checks a run: the test crosses several continue-as-new boundaries with a breach open.
    WorkflowClient.start(
        monitor::monitor,
        FreshnessMonitorRequest.builder()
            .locations(List.of("flowviz-backups/daily/"))
            .checkInterval("PT10M")
            .operator("monitor")
            .checksPerRun(10)
            .build());
    return monitor;
  }

  @Test
  void aBreachIsToldOnceAndAgainOnlyAfterARecoveryAndANewBreach() {
    newest.set(now().minus(Duration.ofMinutes(30)));
    MonitorBackupFreshnessWorkflow monitor = start("freshness-1");

    env.sleep(Duration.ofMinutes(80));
    assertEquals(0, sentOf("breach"), "the backup is 1 h 50 min old: within the 2 h target");
    env.sleep(Duration.ofMinutes(30));
    assertEquals(1, sentOf("breach"), "past 2 h: one alert");
    env.sleep(Duration.ofHours(6));
    assertEquals(
        1,
        sentOf("breach"),
        "the same breach, 36 checks and three new runs later: still one alert");
    assertEquals(LocationFreshness.ABOVE_TARGET, monitor.status().get(0).level());

    newest.set(now());
    env.sleep(Duration.ofMinutes(15));
    assertEquals(1, sentOf("recovered"), "a fresh backup ends the breach, once");
    assertEquals(LocationFreshness.OK, monitor.status().get(0).level());
    env.sleep(Duration.ofMinutes(100));
    assertEquals(1, sentOf("breach"));
    env.sleep(Duration.ofMinutes(40));
    assertEquals(2, sentOf("breach"), "the new backup aged past 2 h: a new breach, a new alert");
    assertEquals(0, sentOf("maximum"));
    Notification first =
        sent.stream().filter(n -> n.eventId().contains(":breach-")).findFirst().orElseThrow();
    assertEquals("warning", first.severity());
    assertTrue(first.summary().contains("beyond the RPO target"), first.summary());
    assertEquals(3, monitor.status().get(0).alerts());
    WorkflowStub.fromTyped(monitor).cancel();
    assertThrows(
        WorkflowFailedException.class, () -> WorkflowStub.fromTyped(monitor).getResult(Void.class));
    HistoryRecorder.recordIfAsked(
        client, "freshness-1", "monitor-backup-freshness-v1-breach-recovered-breach");
  }

  @Test
  void aBreachPastTheMaximumIsEscalatedOnceAndAnUnreadableBucketIsToldOnce() {
    newest.set(now().minus(Duration.ofHours(23)));
    MonitorBackupFreshnessWorkflow monitor = start("freshness-2");

    env.sleep(Duration.ofMinutes(5));
    assertEquals(1, sentOf("breach"));
    env.sleep(Duration.ofHours(2));
    assertEquals(1, sentOf("maximum"), "past 24 h: escalated once");
    env.sleep(Duration.ofHours(2));
    assertEquals(1, sentOf("maximum"));
    assertEquals(
        "critical",
        sent.stream()
            .filter(n -> n.eventId().contains(":maximum-"))
            .findFirst()
            .orElseThrow()
            .severity());

    unreadable = true;
    env.sleep(Duration.ofHours(1));
    assertEquals(1, sentOf("unreadable"), "six failed looks, one alert");
    assertEquals(
        LocationFreshness.ABOVE_MAXIMUM,
        monitor.status().get(0).level(),
        "what was known of the breach stays");
    unreadable = false;
    newest.set(now());
    monitor.checkNow();
    env.sleep(Duration.ofMinutes(1));
    assertEquals(1, sentOf("recovered"));
    WorkflowStub.fromTyped(monitor).cancel();
  }

  @Test
  void anEmptyBucketIsABreachOfTheMaximum() {
    newest.set(null);
    MonitorBackupFreshnessWorkflow monitor = start("freshness-3");
    env.sleep(Duration.ofMinutes(30));

    assertEquals(1, sentOf("breach"));
    assertTrue(sent.get(0).summary().contains("no backup at all"), sent.get(0).summary());
    assertEquals("critical", sent.get(0).severity());
    WorkflowStub.fromTyped(monitor).cancel();
  }

  @Test
  void aLocationThatIsNotBucketSlashPrefixIsRefused() {
    MonitorBackupFreshnessWorkflow monitor =
        client.newWorkflowStub(
            MonitorBackupFreshnessWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId("freshness-bad")
                .build());
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                monitor.monitor(
                    FreshnessMonitorRequest.builder()
                        .locations(List.of("flowviz-backups"))
                        .build()));
    assertEquals(FailureTypes.INVALID_INPUT, ((ApplicationFailure) e.getCause()).getType());
    assertTrue(
        e.getCause().getMessage().contains("is not bucket/prefix"), e.getCause().getMessage());
  }

  // ---- Issue 16: the monitor's one failure branch is its input ----

  @Test
  void pathChecksPerRunOutOfRangeIsRefusedBeforeAnyCommand() {
    MonitorBackupFreshnessWorkflow monitor =
        client.newWorkflowStub(
            MonitorBackupFreshnessWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId("freshness-input-refused")
                .build());
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                monitor.monitor(
                    FreshnessMonitorRequest.builder()
                        .locations(List.of("flowviz-backups/daily/"))
                        .checksPerRun(0)
                        .build()));

    assertEquals(FailureTypes.INVALID_INPUT, ((ApplicationFailure) e.getCause()).getType());
    assertTrue(e.getCause().getMessage().contains("checksPerRun 0"), e.getCause().getMessage());
    com.flowviz.dr.workflows.replay.HistoryRecorder.recordIfAsked(
        client, "freshness-input-refused", "monitor-backup-freshness-v8-paths-input-refused");
  }
}
