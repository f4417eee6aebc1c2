package com.flowviz.dr.workflows.incident;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * The 24-hour and 7-day tasks of runbook 6.2 and 6.3 as durable deadlines: a reminder before each
 * deadline, escalations after it, until someone acknowledges each task.
 */
@WorkflowInterface
public interface IncidentFollowUpWorkflow {

  @WorkflowMethod(name = "IncidentFollowUp")
  List<FollowUpTask> followUp(FollowUpRequest request);

  /** Marks a task done; answers which tasks remain. */
  @UpdateMethod
  String acknowledge(Acknowledgement acknowledgement);

  @UpdateValidatorMethod(updateName = "acknowledge")
  void validateAcknowledgement(Acknowledgement acknowledgement);

  /** The same as {@link #acknowledge}, for senders that cannot wait for an answer. */
  @SignalMethod
  void acknowledged(Acknowledgement acknowledgement);

  @QueryMethod
  List<FollowUpTask> tasks();
}
