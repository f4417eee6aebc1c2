package com.flowviz.dr.workflows.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import com.flowviz.dr.activities.storage.ArchiveActivities;
import com.flowviz.dr.activities.storage.ArchiveStatus;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.storage.RetrievalOutcome;
import com.flowviz.dr.activities.storage.RetrievalRequest;
import com.flowviz.dr.workflows.EnvironmentPerTest;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.RecordingAudit;
import com.flowviz.dr.workflows.RestoreStandIn;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.replay.HistoryRecorder;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.sdk.v1.WorkflowMetadata;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationErrorCategory;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Runbook 4.2's logic under the time-skipping test server, with mocked activities. */
class RestoreFromWeeklyBackupWorkflowTest extends EnvironmentPerTest {

  private static final String KEY = "weekly/flowviz_weekly_20250112.dump.gpg";
  private static final BackupObject BACKUP =
      new BackupObject(
          "flowviz-backups",
          KEY,
          Instant.parse("2025-01-12T00:00:00Z"),
          Instant.parse("2025-01-12T02:00:00Z"),
          5000,
          "DEEP_ARCHIVE",
          "e");
  private static final List<RestoreRequest> childRequests = new CopyOnWriteArrayList<>();
  private static volatile boolean failRestore;

  private final BackupStorageActivities storage =
      mock(BackupStorageActivities.class, withSettings().withoutAnnotations());
  private final ArchiveActivities archive =
      mock(ArchiveActivities.class, withSettings().withoutAnnotations());
  private final List<AuditEntry> audit = new CopyOnWriteArrayList<>();
  private volatile long readyAtMillis = Long.MAX_VALUE;

  /** Stands in for the 4.1 restore the weekly restore runs as a child workflow. */
  public static class RecordingRestore extends RestoreStandIn {
    @Override
    public RestoreResult restore(RestoreRequest request) {
      childRequests.add(request);
      if (failRestore) {
        throw ApplicationFailure.newNonRetryableFailure(
            "pg_restore exited 1: could not read the archive", "PgRestoreFailed");
      }
      return restored(request, BACKUP).elapsed(Duration.ZERO).build();
    }
  }

  @BeforeEach
  void setUp() {
    childRequests.clear();
    failRestore = false;
    Worker worker = env.newWorker(TaskQueues.DR);
    worker.registerWorkflowImplementationTypes(
        RestoreFromWeeklyBackupWorkflowImpl.class, RecordingRestore.class);
    AuditActivities recorder = new RecordingAudit(audit);
    worker.registerActivitiesImplementations(storage, archive, recorder);
    when(storage.resolveBackup(any())).thenReturn(BACKUP);
    when(archive.inspectArchive(any()))
        .thenAnswer(
            call ->
                readyAtMillis <= env.currentTimeMillis()
                    ? retrieved()
                    : status(ArchiveStatus.ARCHIVED));
    when(archive.requestRetrieval(any()))
        .thenReturn(
            new RetrievalOutcome(
                RetrievalOutcome.REQUESTED, status(ArchiveStatus.RETRIEVAL_IN_PROGRESS)));
    when(archive.checkRetrieval(any()))
        .thenAnswer(
            call -> {
              if (env.currentTimeMillis() < readyAtMillis) {
                throw ApplicationFailure.newBuilder()
                    .setMessage("still in progress")
                    .setType("RetrievalNotReady")
                    .setCategory(ApplicationErrorCategory.BENIGN)
                    .build();
              }
              return retrieved();
            });
    env.start();
  }

  @Test
  void aFortyEightHourDeepArchiveWaitAddsThreeHistoryEventsAndShowsWhatItWaitsFor() {
    readyAtMillis = env.currentTimeMillis() + Duration.ofHours(48).toMillis();
    WorkflowStub stub = start("weekly-48h", request("Bulk", null));

    env.sleep(Duration.ofHours(10));
    WeeklyRestoreProgress progress = stub.query("progress", WeeklyRestoreProgress.class);
    RetrievalWait wait = progress.retrieval();
    assertEquals("wait-for-retrieval", progress.currentStep());
    assertEquals("Deep Archive: within 48 hours", wait.expectedWindow());
    assertEquals("Bulk", wait.tier());
    assertEquals(Duration.ofHours(2), wait.pollInterval());
    assertEquals(wait.since().plus(Duration.ofHours(48)), wait.expectedBy());
    String details =
        stub.query(WorkflowClient.QUERY_TYPE_WORKFLOW_METADATA, WorkflowMetadata.class)
            .getCurrentDetails();
    assertTrue(details.contains("Deep Archive: within 48 hours retrieval of " + KEY), details);
    assertTrue(details.contains("Tier Bulk"), details);
    assertTrue(details.contains("expected by " + wait.expectedBy()), details);

    WeeklyRestoreResult result = stub.getResult(WeeklyRestoreResult.class);

    assertTrue(result.waited().compareTo(Duration.ofHours(48)) >= 0, result.waited().toString());
    assertEquals("POLL", result.retrieval().completedBy());
    List<HistoryEvent> events = client.fetchHistory("weekly-48h").getHistory().getEventsList();
    // The poll ran about 24 times over the 48 hours; the server retried it without a trace.
    assertEquals(3, pollEvents(events), "scheduled, started, completed: nothing per retry");
    assertTrue(
        events.size() <= MAX_HISTORY_EVENTS,
        "the whole 4.2 history has " + events.size() + " events");
    System.out.println(
        "48-hour Deep Archive wait: "
            + events.size()
            + " history events in all, 3 of them the wait");
    HistoryRecorder.recordIfAsked(
        client, "weekly-48h", "restore-from-weekly-backup-v2-search-attributes-deep-archive-48h");
  }

  /**
   * A weekly restore that waits for a retrieval writes about 75 events (the audit entries are
   * written in parallel, so the workflow tasks that batch them vary a little): the same for a
   * 5-minute and a 48-hour wait. Polling with a workflow timer instead would add 5 events a look.
   */
  private static final int MAX_HISTORY_EVENTS = 90;

  @Test
  void aShortWaitHasTheSameHistoryAsALongOne() {
    readyAtMillis = env.currentTimeMillis() + Duration.ofMinutes(5).toMillis();
    start("weekly-5m", request("Standard", "PT1M")).getResult(WeeklyRestoreResult.class);
    List<HistoryEvent> events = client.fetchHistory("weekly-5m").getHistory().getEventsList();
    assertEquals(3, pollEvents(events));
    assertTrue(events.size() <= MAX_HISTORY_EVENTS, events.size() + " events");
  }

  @Test
  void anObjectRestoreCompletedNotificationEndsTheWaitAtOnce() {
    WorkflowStub stub = start("weekly-signal", request("Standard", null));
    env.sleep(Duration.ofMinutes(90));
    readyAtMillis = env.currentTimeMillis();

    stub.signal("archiveRetrieved", KEY);
    WeeklyRestoreResult result = stub.getResult(WeeklyRestoreResult.class);

    assertEquals("NOTIFICATION", result.retrieval().completedBy());
    assertTrue(
        result.waited().compareTo(Duration.ofHours(2)) < 0,
        "not the 30-minute poll nor 12 hours: " + result.waited());
  }

  @Test
  void expeditedIsRefusedForDeepArchiveBeforeAnyRequestIsSent() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                start("weekly-expedited", request("Expedited", null))
                    .getResult(WeeklyRestoreResult.class));
    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
    assertTrue(
        failure
            .getOriginalMessage()
            .contains("Standard (within 12 hours) or Bulk (within 48 hours)"),
        failure.getOriginalMessage());
    verify(archive, never()).requestRetrieval(any());
  }

  @Test
  void cancellingTheWaitStopsEverythingAndRecordsIt() {
    WorkflowStub stub = start("weekly-cancel", request("Standard", null));
    env.sleep(Duration.ofHours(2));

    stub.cancel();

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class, () -> stub.getResult(WeeklyRestoreResult.class));
    assertInstanceOf(CanceledFailure.class, e.getCause());
    assertTrue(childRequests.isEmpty());
    AuditEntry last =
        audit.stream().filter(a -> a.step().equals("weekly-restore")).findFirst().orElseThrow();
    assertEquals("CANCELLED", last.outcome());
    assertTrue(last.details().contains("cannot be withdrawn"), last.details());
  }

  @Test
  void aRetrievalAlreadyUnderWayIsJoinedNotRequestedAgain() {
    when(archive.requestRetrieval(any()))
        .thenReturn(
            new RetrievalOutcome(
                RetrievalOutcome.JOINED, status(ArchiveStatus.RETRIEVAL_IN_PROGRESS)));
    readyAtMillis = env.currentTimeMillis() + Duration.ofHours(3).toMillis();

    WeeklyRestoreResult result =
        start("weekly-join", request("Standard", null)).getResult(WeeklyRestoreResult.class);

    assertEquals(RetrievalOutcome.JOINED, result.retrieval().outcome());
    assertEquals(1, childRequests.size());
  }

  @Test
  void aWeeklyRestoreLandsInADatedAuditDatabaseByDefault() {
    readyAtMillis = 0;
    when(archive.inspectArchive(any()))
        .thenReturn(
            new ArchiveStatus(
                "flowviz-backups", KEY, "STANDARD", null, ArchiveStatus.READABLE, null));

    WeeklyRestoreResult result =
        start("weekly-audit", request("Standard", null)).getResult(WeeklyRestoreResult.class);

    assertEquals("flowviz_audit_20250112", result.targetDatabase());
    assertEquals("flowviz_audit_20250112", childRequests.get(0).targetDatabase());
    assertEquals(KEY, childRequests.get(0).backupKey());
    verify(archive, never()).requestRetrieval(any());
  }

  @Test
  void replacingProductionNeedsAnExplicitChoice() {
    WeeklyRestoreRequest overProduction =
        WeeklyRestoreRequest.builder()
            .backupKey(KEY)
            .targetDatabase("flowviz")
            .operator("dave")
            .build();
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> start("weekly-prod", overProduction).getResult(WeeklyRestoreResult.class));
    assertTrue(
        assertInstanceOf(ApplicationFailure.class, e.getCause())
            .getOriginalMessage()
            .contains("set replaceProduction to true"));
    verify(storage, never()).resolveBackup(any());

    readyAtMillis = 0;
    WeeklyRestoreRequest chosen =
        WeeklyRestoreRequest.builder()
            .backupKey(KEY)
            .replaceProduction(true)
            .operator("dave")
            .build();
    assertEquals(
        "flowviz",
        start("weekly-prod-ok", chosen).getResult(WeeklyRestoreResult.class).targetDatabase());
  }

  @ParameterizedTest(name = "tier={0} days={1}")
  @CsvSource({
    "Fast,7,is not a retrieval tier",
    "Standard,0,out of range",
    "Bulk,366,out of range",
    "Standard,-5,out of range"
  })
  void badTiersAndDaysAreRefusedBeforeAnythingRuns(String tier, int days, String message) {
    WeeklyRestoreRequest bad =
        WeeklyRestoreRequest.builder()
            .backupKey(KEY)
            .retrievalTier(tier)
            .retrievalDays(days)
            .operator("erin")
            .build();
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> start("weekly-bad-" + tier + days, bad).getResult(WeeklyRestoreResult.class));
    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
    assertTrue(failure.getOriginalMessage().contains(message), failure.getOriginalMessage());
    verify(storage, never()).resolveBackup(any());
  }

  @Test
  void acceptingAnUnsignedBackupWithoutAReasonIsRefusedBeforeAnythingRuns() {
    WeeklyRestoreRequest bad =
        WeeklyRestoreRequest.builder()
            .backupKey(KEY)
            .operator("erin")
            .acceptUnsigned(true)
            .unsignedReason("")
            .build();
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () -> start("weekly-unsigned-bad", bad).getResult(WeeklyRestoreResult.class));
    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(FailureTypes.INVALID_INPUT, failure.getType());
    assertTrue(
        failure.getOriginalMessage().contains("unsignedReason"), failure.getOriginalMessage());
    verify(storage, never()).resolveBackup(any());
  }

  @Test
  void theRequestAsksForTheTierAndDaysGiven() {
    readyAtMillis = env.currentTimeMillis() + Duration.ofHours(6).toMillis();
    start(
            "weekly-shape",
            WeeklyRestoreRequest.builder()
                .backupKey(KEY)
                .retrievalTier("bulk")
                .retrievalDays(3)
                .operator("fay")
                .build())
        .getResult(WeeklyRestoreResult.class);
    verify(archive).requestRetrieval(new RetrievalRequest("flowviz-backups", KEY, "Bulk", 3));
  }

  private WorkflowStub start(String id, WeeklyRestoreRequest request) {
    WorkflowStub stub =
        client.newUntypedWorkflowStub(
            "RestoreFromWeeklyBackup",
            WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build());
    stub.start(request);
    return stub;
  }

  private static WeeklyRestoreRequest request(String tier, String pollInterval) {
    return WeeklyRestoreRequest.builder()
        .backupKey(KEY)
        .retrievalTier(tier)
        .operator("carol")
        .reason("HACCP audit")
        .pollInterval(pollInterval)
        .build();
  }

  private static long pollEvents(List<HistoryEvent> events) {
    List<Long> pollScheduled =
        events.stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED)
            .filter(
                e ->
                    e.getActivityTaskScheduledEventAttributes()
                        .getActivityType()
                        .getName()
                        .equals("CheckRetrieval"))
            .map(HistoryEvent::getEventId)
            .toList();
    assertEquals(1, pollScheduled.size());
    long id = pollScheduled.get(0);
    return 1
        + events.stream()
            .filter(
                e ->
                    (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
                            && e.getActivityTaskStartedEventAttributes().getScheduledEventId()
                                == id)
                        || (e.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED
                            && e.getActivityTaskCompletedEventAttributes().getScheduledEventId()
                                == id))
            .count();
  }

  private static ArchiveStatus status(String state) {
    return new ArchiveStatus("flowviz-backups", KEY, "DEEP_ARCHIVE", "DEEP_ARCHIVE", state, null);
  }

  private static ArchiveStatus retrieved() {
    return new ArchiveStatus(
        "flowviz-backups",
        KEY,
        "DEEP_ARCHIVE",
        "DEEP_ARCHIVE",
        ArchiveStatus.RETRIEVED,
        Instant.parse("2025-02-01T00:00:00Z"));
  }

  static {
    assertNotNull(BACKUP);
  }

  // ---- Issue 16: the failure envelope's paths (failure, cancellation, refused input) ----

  @Test
  void pathARestoreFailingAfterTheRetrievalIsRecordedAndFails() {
    readyAtMillis = env.currentTimeMillis() + Duration.ofHours(3).toMillis();
    failRestore = true;

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                start("weekly-restore-failed", request("Standard", null))
                    .getResult(WeeklyRestoreResult.class));

    assertEquals(1, childRequests.size(), "the restore ran after the retrieval");
    assertInstanceOf(ApplicationFailure.class, e.getCause());
    AuditEntry last =
        audit.stream().filter(a -> a.step().equals("weekly-restore")).findFirst().orElseThrow();
    assertEquals("FAILED", last.outcome());
    assertTrue(last.details().contains("pg_restore exited 1"), last.details());
    HistoryRecorder.recordIfAsked(
        client, "weekly-restore-failed", "restore-from-weekly-backup-v8-paths-restore-failed");
  }

  @Test
  void pathCancelledWhileWaitingForTheRetrievalIsRecorded() {
    WorkflowStub stub = start("weekly-cancelled", request("Standard", null));
    env.sleep(Duration.ofHours(2));

    stub.cancel();

    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class, () -> stub.getResult(WeeklyRestoreResult.class));
    assertInstanceOf(CanceledFailure.class, e.getCause());
    assertTrue(childRequests.isEmpty());
    AuditEntry last =
        audit.stream().filter(a -> a.step().equals("weekly-restore")).findFirst().orElseThrow();
    assertEquals("CANCELLED", last.outcome());
    assertTrue(last.details().contains("cannot be withdrawn"), last.details());
    HistoryRecorder.recordIfAsked(
        client, "weekly-cancelled", "restore-from-weekly-backup-v8-paths-cancelled-while-waiting");
  }

  @Test
  void pathExpeditedForDeepArchiveIsRefusedBeforeAnyCommand() {
    WorkflowFailedException e =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                start("weekly-input-refused", request("Expedited", null))
                    .getResult(WeeklyRestoreResult.class));

    assertEquals(
        FailureTypes.INVALID_INPUT,
        assertInstanceOf(ApplicationFailure.class, e.getCause()).getType());
    verify(archive, never()).requestRetrieval(any());
    HistoryRecorder.recordIfAsked(
        client, "weekly-input-refused", "restore-from-weekly-backup-v8-paths-input-refused");
  }
}
