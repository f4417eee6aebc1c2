package com.flowviz.dr.workflows.newinstance;

import com.flowviz.dr.workflows.common.Decision;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Runbook 4.3, restore to a new instance: provision a PostgreSQL instance, wait until it is ready,
 * create the extensions, restore the backup into it with runbook 4.1, point the application at it,
 * restart it and test its connectivity. A failed run tears down the instance it made, unless asked
 * to keep it.
 */
@WorkflowInterface
public interface RestoreToNewInstanceWorkflow {

  @WorkflowMethod(name = "RestoreToNewInstance")
  NewInstanceResult restore(NewInstanceRequest request);

  /** A person's answer at the "repoint" gate, when the request holds the repoint for one. */
  @UpdateMethod
  String decide(Decision decision);

  @UpdateValidatorMethod(updateName = "decide")
  void validateDecision(Decision decision);

  @SignalMethod
  void decision(Decision decision);

  @QueryMethod
  NewInstanceProgress progress();
}
