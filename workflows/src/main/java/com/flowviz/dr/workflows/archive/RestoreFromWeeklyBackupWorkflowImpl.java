package com.flowviz.dr.workflows.archive;

import static com.flowviz.dr.workflows.archive.WeeklyRestoreSteps.*;

import com.flowviz.dr.activities.storage.ArchiveActivities;
import com.flowviz.dr.activities.storage.ArchiveStatus;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.storage.RetrievalOutcome;
import com.flowviz.dr.activities.storage.RetrievalRequest;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.ProcedureEnvelope;
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

  /** The failure type of a weekly restore whose root cause carries none. */
  private static final String WEEKLY_RESTORE_FAILED = "WeeklyRestoreFailed";

  private final BackupStorageActivities storage =
      Workflow.newActivityStub(BackupStorageActivities.class, ActivityTimeouts.QUICK);
  private final ArchiveActivities archive =
      Workflow.newActivityStub(ArchiveActivities.class, ActivityTimeouts.QUICK);

  private WeeklyRestorePlan plan;
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
    AuditTrail trail = new AuditTrail(plan.operator());
    RunSearchAttributes.tag("4.2", plan.operator(), null);
    steps = new StepTracker(trail);
    trail.record(
        REQUESTED,
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
      return ProcedureEnvelope.run(
          WEEKLY_RESTORE_FAILED,
          () -> retrieveAndRestore(trail, startedAt),
          failure -> trail.record(WEEKLY_RESTORE, failure.stepStatus(), describe(failure)));
    } finally {
      trail.awaitAll();
    }
  }

  /** Runbook 4.2: find the backup, have it retrieved from the archive if need be, restore it. */
  private WeeklyRestoreResult retrieveAndRestore(AuditTrail trail, Instant startedAt) {
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
            RESTORE, this::restoreWithRunbook41, r -> r.outcome() + " into " + r.targetDatabase());
    trail.record(
        WEEKLY_RESTORE,
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
  }

  /**
   * What the audit trail says of a failure; a cancelled retrieval still completes and is billed.
   */
  private String describe(ProcedureEnvelope.Failure failure) {
    if (failure.cancelled() && retrieval != null && retrieval.completedAt() == null) {
      return "cancelled while waiting; the retrieval requested from S3 cannot be withdrawn and"
          + " completes (and is billed) anyway; its copy expires after "
          + plan.days()
          + " days";
    }
    return failure.message();
  }

  private ArchiveStatus retrieve(ArchiveStatus status) {
    String archiveClass = status.archiveClass();
    plan.checkTierAvailableFor(archiveClass);
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
            .targetServer(plan.targetServer())
            .applicationSteps(plan.targetServer() == null ? null : Boolean.FALSE)
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
