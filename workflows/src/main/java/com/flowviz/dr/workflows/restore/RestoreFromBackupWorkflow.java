package com.flowviz.dr.workflows.restore;

import com.flowviz.dr.workflows.common.Decision;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Runbook 4.1, restore from a daily backup: resolve the backup, download and decrypt it, restore it
 * into a staging database, verify, and only then swap it in for the live database, keeping the
 * replaced one under a dated name.
 */
@WorkflowInterface
public interface RestoreFromBackupWorkflow {

  @WorkflowMethod(name = "RestoreFromBackup")
  RestoreResult restore(RestoreRequest request);

  @QueryMethod
  RestoreProgress progress();

  /**
   * A person's answer at the row-loss gate, where a restore without a manifest waits when the swap
   * would lose more than the worker's share of a live table's rows. Answers what happens next.
   */
  @UpdateMethod
  default String decide(Decision decision) {
    throw new UnsupportedOperationException("this restore has no gates");
  }

  /** Defaults (for stand-ins of this workflow in tests): no gate takes a decision. */
  @UpdateValidatorMethod(updateName = "decide")
  default void validateDecision(Decision decision) {
    throw new IllegalArgumentException("This restore has no gates.");
  }

  /** The same as {@link #decide}, for senders that cannot wait for an answer. */
  @SignalMethod
  default void decision(Decision decision) {}
}
