package com.flowviz.dr.workflows.pitr;

import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.StepRecord;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.UpdateMethod;
import io.temporal.workflow.UpdateValidatorMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * Recovers a self-managed cluster to a point in time onto a new local instance, from its physical
 * archive (base backups and WAL in S3): choose the base backup, lay it down with its WAL spooled
 * beside it, recover to the target and promote; verify it as runbook 5.1/5.2 do and, when asked,
 * point the application at it once a person approves (runbook 4.3). The server being recovered is
 * never read.
 */
@WorkflowInterface
public interface RestoreToPointInTimeWorkflow {

  @WorkflowMethod(name = "RestoreToPointInTime")
  RestoreToPointInTimeResult restoreToPointInTime(RestoreToPointInTimeRequest request);

  /** A person's answer at the "repoint" gate, when the request asks for the repoint. */
  @UpdateMethod
  String decide(Decision decision);

  @UpdateValidatorMethod(updateName = "decide")
  void validateDecision(Decision decision);

  @SignalMethod
  void decision(Decision decision);

  /** The steps so far, the one in progress last, for the starter and the UI. */
  @QueryMethod
  List<StepRecord> progress();
}
