package com.flowviz.dr.workflows.common;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Moves one workflow run's audit entries from their copy in the compliance bucket into the audit
 * database once that is reachable again: started, abandoned, by a recovery that could not reach the
 * audit database, so the recovery ends without waiting for it.
 *
 * <p>Beside {@link AuditTrail}, which starts it, so that common does not depend on compliance (the
 * implementation stays there).
 */
@WorkflowInterface
public interface ForwardAuditEntriesWorkflow {

  @WorkflowMethod(name = "ForwardAuditEntries")
  int forward(AuditForwarding request);

  /**
   * @param fromSequence the run's first entry the database did not take; every later one is
   *     forwarded too, in order, so the chain keeps the run's order
   */
  record AuditForwarding(String workflowId, String runId, int fromSequence) {}

  /**
   * One forwarder per run and first pending entry: a second start of the same is refused by
   * Temporal, not run twice.
   */
  static String workflowId(String workflowId, String runId, int fromSequence) {
    return "audit-forward-" + workflowId + "-" + runId + "-" + fromSequence;
  }
}
