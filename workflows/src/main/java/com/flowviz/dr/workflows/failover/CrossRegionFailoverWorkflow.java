package com.flowviz.dr.workflows.failover;

import com.flowviz.dr.workflows.common.Decision;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Runbook 4.4 (scenario 2.5), and failback: check the backups in the bucket to restore from,
 * provision the region's stack with terraform, restore the newest backup into it with runbook 4.1,
 * wait for a person's approval, switch DNS in Route53, wait until the change is in sync, and probe
 * the public health URL.
 */
@WorkflowInterface
public interface CrossRegionFailoverWorkflow {

  @WorkflowMethod(name = "CrossRegionFailover")
  FailoverResult failover(FailoverRequest request);

  /**
   * Approve or reject at a gate; answers what the workflow will do. A DNS approval may come early.
   */
  @UpdateMethod
  String decide(Decision decision);

  @UpdateValidatorMethod(updateName = "decide")
  void validateDecision(Decision decision);

  /** The same as {@link #decide}, for senders that cannot wait for an answer. */
  @SignalMethod
  void decision(Decision decision);

  @QueryMethod
  FailoverProgress progress();
}
