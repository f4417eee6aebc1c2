package com.flowviz.dr.workflows.common;

import com.flowviz.dr.activities.audit.AuditActivities;
import com.flowviz.dr.activities.audit.AuditEntry;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Appends audit entries without holding up the recovery: entries are written asynchronously,
 * retried until the audit store takes them, and the workflow waits for all of them before it
 * ends, so a recovery never completes with its trail missing.
 */
public final class AuditTrail {

  private static final ActivityOptions OPTIONS =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setScheduleToCloseTimeout(Duration.ofDays(1))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(2.0)
                  .setMaximumInterval(Duration.ofMinutes(1))
                  .build())
          .build();

  private final AuditActivities audit = Workflow.newActivityStub(AuditActivities.class, OPTIONS);
  private final List<Promise<Void>> pending = new ArrayList<>();
  private final String operator;
  private final String workflowType;
  private int sequence;
  private String backupKey;

  public AuditTrail(String operator) {
    this.operator = operator;
    this.workflowType = Workflow.getInfo().getWorkflowType();
  }

  public void backupKey(String backupKey) {
    this.backupKey = backupKey;
  }

  public void record(String step, String outcome, String details) {
    WorkflowInfo info = Workflow.getInfo();
    AuditEntry entry =
        new AuditEntry(
            Instant.ofEpochMilli(Workflow.currentTimeMillis()),
            operator,
            info.getWorkflowId(),
            info.getRunId(),
            workflowType,
            ++sequence,
            step,
            backupKey,
            outcome,
            details);
    // Detached: a cancelled recovery still records that it was cancelled, and why.
    Workflow.newDetachedCancellationScope(() -> pending.add(Async.procedure(audit::recordAuditEntry, entry)))
        .run();
  }

  /** Blocks until every entry is stored. Call from a detached scope on the way out. */
  public void awaitAll() {
    Workflow.newDetachedCancellationScope(() -> Promise.allOf(pending).get()).run();
  }
}
