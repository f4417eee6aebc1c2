package com.flowviz.dr.workflows.common;

import com.flowviz.dr.activities.audit.AuditActivities;
import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.ForwardAuditEntriesWorkflow.AuditForwarding;
import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The workflow's audit trail. Each entry is durable before the step that records it goes on: kept
 * in the compliance bucket's append-only copy and, while it is reachable, in the audit database.
 * When the audit database cannot take an entry (it may live on the very server being recovered),
 * that entry and every later one of the run stay in the copy only, and on the way out the trail
 * starts a forwarding workflow, abandoned, that moves them into the database in order once it
 * answers; the recovery does not wait for it.
 *
 * <p>Runs started before that change (no {@value #CHANGE} marker) keep the old behaviour: entries
 * written asynchronously to the database, and {@link #awaitAll} waiting for all of them.
 */
public final class AuditTrail {

  static final String CHANGE = "audit-entry-durable-outside-the-audit-database";

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
  private final boolean keptOutside;
  private int sequence;
  private String backupKey;

  /** The run's first entry the database did not take; 0 while it has taken them all. */
  private int firstPending;

  /** The last entry a forwarder was started for. */
  private int forwardedThrough;

  public AuditTrail(String operator) {
    this.operator = operator;
    this.workflowType = Workflow.getInfo().getWorkflowType();
    this.keptOutside = Workflow.getVersion(CHANGE, Workflow.DEFAULT_VERSION, 1) >= 1;
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
    if (keptOutside) {
      // Detached: a cancelled recovery still records that it was cancelled, and why.
      Workflow.newDetachedCancellationScope(
              () -> {
                boolean inDatabase = audit.keepAuditEntry(entry, firstPending == 0);
                if (!inDatabase && firstPending == 0) {
                  firstPending = entry.sequence();
                }
              })
          .run();
      return;
    }
    Workflow.newDetachedCancellationScope(
            () -> pending.add(Async.procedure(audit::recordAuditEntry, entry)))
        .run();
  }

  /** Entries kept in the bucket copy only, waiting for the audit database (0 when none). */
  public int pendingEntries() {
    return firstPending == 0 ? 0 : sequence - firstPending + 1;
  }

  /**
   * On the way out (from a detached scope): old runs wait until every entry is stored; new ones
   * hand the entries the database did not take to a forwarder and wait only for it to start.
   */
  public void awaitAll() {
    if (!keptOutside) {
      Workflow.newDetachedCancellationScope(() -> Promise.allOf(pending).get()).run();
      return;
    }
    if (firstPending == 0 || forwardedThrough == sequence) {
      return;
    }
    forwardedThrough = sequence;
    WorkflowInfo info = Workflow.getInfo();
    Workflow.newDetachedCancellationScope(
            () -> {
              ForwardAuditEntriesWorkflow forwarder =
                  Workflow.newChildWorkflowStub(
                      ForwardAuditEntriesWorkflow.class,
                      ChildWorkflowOptions.newBuilder()
                          // Each forwarder starts at the first pending entry: one that starts later
                          // forwards the
                          // earlier ones again (skipped by their key) before its own, so the order
                          // holds.
                          .setWorkflowId(
                              ForwardAuditEntriesWorkflow.workflowId(
                                      info.getWorkflowId(), info.getRunId(), firstPending)
                                  + "-"
                                  + sequence)
                          .setTaskQueue(TaskQueues.DR)
                          .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                          .setStaticSummary(
                              pendingEntries()
                                  + " audit entries of "
                                  + info.getWorkflowId()
                                  + " to forward")
                          .build());
              Async.function(
                  forwarder::forward,
                  new AuditForwarding(info.getWorkflowId(), info.getRunId(), firstPending));
              Workflow.getWorkflowExecution(forwarder).get(); // started: it outlives this run
            })
        .run();
  }
}
