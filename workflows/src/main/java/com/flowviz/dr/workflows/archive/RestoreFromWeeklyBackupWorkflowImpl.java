package com.flowviz.dr.workflows.archive;

import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.storage.ArchiveActivities;
import com.flowviz.dr.activities.storage.ArchiveStatus;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.storage.RetrievalOutcome;
import com.flowviz.dr.activities.storage.RetrievalRequest;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.Failures;
import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.common.StepTracker;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

public class RestoreFromWeeklyBackupWorkflowImpl implements RestoreFromWeeklyBackupWorkflow {

  static final String RESOLVE_BACKUP = "resolve-backup";
  static final String INSPECT_ARCHIVE = "inspect-storage-class";
  static final String REQUEST_RETRIEVAL = "request-retrieval";
  static final String WAIT_FOR_RETRIEVAL = "wait-for-retrieval";
  static final String RESTORE = "restore-with-runbook-4.1";

  private final BackupStorageActivities storage =
      Workflow.newActivityStub(BackupStorageActivities.class, ActivityTimeouts.QUICK);
  private final ArchiveActivities archive =
      Workflow.newActivityStub(ArchiveActivities.class, ActivityTimeouts.QUICK);

  private WeeklyRestorePlan plan;
  private PgServer targetServer;
  private StepTracker steps;
  private BackupObject backup;
  private String target;
  private RetrievalWait retrieval;
  private String restoreWorkflowId;
  private boolean notified;

  @Override
  public WeeklyRestoreResult restore(WeeklyRestoreRequest request) {
    Instant startedAt = now();
    plan = WeeklyRestorePlan.from(request, startedAt);
    targetServer = request == null ? null : request.targetServer();
    AuditTrail trail = new AuditTrail(plan.operator());
    RunSearchAttributes.tag("4.2", plan.operator(), null);
    steps = new StepTracker(trail);
    trail.record(
        "weekly-restore-requested",
        StepRecord.RUNNING,
        "restore "
            + plan.selector().describe()
            + ", tier "
            + plan.tier().s3Name()
            + ", "
            + plan.days()
            + " days"
            + (plan.reason().isEmpty() ? "" : "; reason: " + plan.reason()));
    try {
      backup =
          steps.run(
              RESOLVE_BACKUP,
              () -> storage.resolveBackup(plan.selector()),
              b -> b.uri() + " taken " + b.takenAt() + " (" + b.storageClass() + ")");
      trail.backupKey(backup.key());
      target = plan.targetFor(backup.takenAt());
      RunSearchAttributes.backupKey(backup.key());
      RunSearchAttributes.targetDatabase(target);
      ArchiveStatus status =
          steps.run(
              INSPECT_ARCHIVE,
              () -> archive.inspectArchive(backup),
              s -> s.storageClass() + ": " + s.state());
      Instant waitStarted = now();
      if (!status.canBeRead()) {
        status = retrieve(status);
      } else {
        steps.skip(WAIT_FOR_RETRIEVAL, status.storageClass() + " is readable without a retrieval");
      }
      Duration waited = Duration.between(waitStarted, now());
      RestoreResult restored =
          steps.run(
              RESTORE,
              this::restoreWithRunbook41,
              r -> r.outcome() + " into " + r.targetDatabase());
      trail.record(
          "weekly-restore",
          StepRecord.SUCCEEDED,
          "restored " + backup.key() + " into " + target + " after waiting " + waited);
      return WeeklyRestoreResult.builder()
          .targetDatabase(target)
          .retrieval(retrieval)
          .waited(waited)
          .restore(restored)
          .steps(steps.steps())
          .elapsed(Duration.between(startedAt, now()))
          .build();
    } catch (RuntimeException e) {
      boolean cancelled = StepTracker.isCancellation(e);
      String detail = Failures.rootMessage(e);
      if (cancelled && retrieval != null && retrieval.completedAt() == null) {
        detail =
            "cancelled while waiting; the retrieval requested from S3 cannot be withdrawn and"
                + " completes (and is billed) anyway; its copy expires after "
                + plan.days()
                + " days";
      }
      trail.record("weekly-restore", cancelled ? StepRecord.CANCELLED : StepRecord.FAILED, detail);
      if (cancelled || e instanceof ApplicationFailure) {
        throw e;
      }
      String type = Failures.rootType(e);
      throw ApplicationFailure.newNonRetryableFailureWithCause(
          Failures.rootMessage(e), type == null ? "WeeklyRestoreFailed" : type, e);
    } finally {
      trail.awaitAll();
    }
  }

  private ArchiveStatus retrieve(ArchiveStatus status) {
    String archiveClass = status.archiveClass();
    if (!plan.tier().availableFor(archiveClass)) {
      throw InputValidation.invalid(
          "retrievalTier "
              + plan.tier().s3Name()
              + " is not available for "
              + archiveClass
              + "; use Standard (within 12 hours) or Bulk (within 48 hours). No retrieval was"
              + " requested.");
    }
    RetrievalOutcome outcome =
        steps.run(
            REQUEST_RETRIEVAL,
            () ->
                archive.requestRetrieval(
                    new RetrievalRequest(
                        backup.bucket(), backup.key(), plan.tier().s3Name(), plan.days())),
            o -> o.outcome() + " (" + plan.tier().s3Name() + ", " + plan.days() + " days)");
    Instant since = now();
    retrieval =
        new RetrievalWait(
            backup.key(),
            archiveClass,
            plan.tier().s3Name(),
            plan.days(),
            outcome.outcome(),
            since,
            plan.tier().expectedWindow(archiveClass),
            since.plus(plan.tier().latest(archiveClass)),
            plan.pollIntervalFor(archiveClass),
            null,
            null);
    if (outcome.status().canBeRead()) {
      retrieval = retrieval.completed(now(), "REQUEST");
      steps.skip(WAIT_FOR_RETRIEVAL, "the copy is already readable");
      return outcome.status();
    }
    return steps.run(
        WAIT_FOR_RETRIEVAL,
        () -> awaitRetrieval(archiveClass),
        s ->
            "readable after "
                + Duration.between(retrieval.since(), retrieval.completedAt())
                + " ("
                + retrieval.completedBy()
                + ")");
  }

  /**
   * Temporal's pattern for infrequent polling: one activity, retried by the server at a constant
   * interval. Nothing runs and nothing is written to history between looks; a signal looks at once.
   */
  private ArchiveStatus awaitRetrieval(String archiveClass) {
    Duration interval = plan.pollIntervalFor(archiveClass);
    Duration maxWait = plan.maxWaitFor(archiveClass);
    ArchiveActivities poller =
        Workflow.newActivityStub(
            ArchiveActivities.class,
            ActivityOptions.newBuilder()
                // One HeadObject: a look that takes longer is a lost worker, and the next look is
                // due anyway.
                .setStartToCloseTimeout(Duration.ofSeconds(20))
                .setScheduleToCloseTimeout(maxWait)
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(interval)
                        .setBackoffCoefficient(1.0)
                        .setMaximumInterval(interval)
                        .setDoNotRetry(
                            FailureTypes.BACKUP_NOT_FOUND, FailureTypes.BACKUP_ACCESS_DENIED)
                        .build())
                .setSummary("Wait for " + archiveClass + " retrieval of " + backup.key())
                .build());
    Workflow.setCurrentDetails(
        "Waiting for the "
            + retrieval.expectedWindow()
            + " retrieval of "
            + backup.key()
            + "\n"
            + "Tier "
            + retrieval.tier()
            + ", "
            + retrieval.outcome().toLowerCase()
            + " at "
            + retrieval.since()
            + "; expected by "
            + retrieval.expectedBy()
            + "\n"
            + "Looking every "
            + interval
            + " (at most "
            + maxWait
            + "); signal archiveRetrieved to look now.");
    while (true) {
      Promise<ArchiveStatus>[] poll = newPromiseHolder();
      CancellationScope polling =
          Workflow.newCancellationScope(
              () -> poll[0] = Async.function(poller::checkRetrieval, backup));
      polling.run();
      Workflow.await(() -> poll[0].isCompleted() || notified);
      if (poll[0].isCompleted()) {
        try {
          ArchiveStatus ready = poll[0].get();
          retrieval = retrieval.completed(now(), "POLL");
          return ready;
        } catch (ActivityFailure e) {
          if (e.getCause() instanceof TimeoutFailure) {
            throw ApplicationFailure.newNonRetryableFailure(
                "The "
                    + archiveClass
                    + " retrieval of "
                    + backup.uri()
                    + " did not finish within "
                    + maxWait
                    + " ("
                    + retrieval.expectedWindow()
                    + " was expected). It may still complete: check with aws s3api head-object,"
                    + " then start the weekly restore again, which joins the retrieval.",
                FailureTypes.RETRIEVAL_TIMED_OUT);
          }
          throw e;
        }
      }
      notified = false;
      polling.cancel();
      ArchiveStatus now = archive.inspectArchive(backup);
      if (now.canBeRead()) {
        retrieval = retrieval.completed(now(), "NOTIFICATION");
        return now;
      }
    }
  }

  private RestoreResult restoreWithRunbook41() {
    restoreWorkflowId = Workflow.getInfo().getWorkflowId() + "-restore";
    RestoreFromBackupWorkflow child =
        Workflow.newChildWorkflowStub(
            RestoreFromBackupWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(restoreWorkflowId)
                .setTaskQueue(TaskQueues.DR)
                .setStaticSummary("Restore " + backup.key() + " into " + target)
                .build());
    return child.restore(
        RestoreRequest.builder()
            .backupKey(backup.key())
            .bucket(backup.bucket())
            .targetDatabase(target)
            .operator(plan.operator())
            .reason(plan.reason().isEmpty() ? "weekly restore" : plan.reason())
            .targetServer(targetServer)
            .applicationSteps(targetServer == null ? null : Boolean.FALSE)
            .acceptUnsigned(plan.acceptUnsigned() ? Boolean.TRUE : null)
            .unsignedReason(plan.unsignedReason())
            .build());
  }

  @Override
  public void archiveRetrieved(String key) {
    if (key == null || key.isBlank() || backup == null || key.equals(backup.key())) {
      notified = true;
    }
  }

  @Override
  public WeeklyRestoreProgress progress() {
    return new WeeklyRestoreProgress(
        steps == null ? null : steps.current(),
        backup == null ? null : backup.key(),
        target,
        retrieval,
        restoreWorkflowId,
        steps == null ? List.of() : steps.steps());
  }

  @SuppressWarnings("unchecked")
  private static Promise<ArchiveStatus>[] newPromiseHolder() {
    return new Promise[1];
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
