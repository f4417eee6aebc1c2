package com.flowviz.dr.workflows.pitr;

import com.flowviz.dr.workflows.common.StepRecord;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * Recovers a self-managed cluster to a point in time onto a new local instance, from its physical
 * archive (base backups and WAL in S3): choose the base backup, lay it down with its WAL spooled
 * beside it, recover to the target and promote. The server being recovered is never read.
 */
@WorkflowInterface
public interface RestoreToPointInTimeWorkflow {

  @WorkflowMethod(name = "RestoreToPointInTime")
  RestoreToPointInTimeResult restoreToPointInTime(RestoreToPointInTimeRequest request);

  /** The steps so far, the one in progress last, for the starter and the UI. */
  @QueryMethod
  List<StepRecord> progress();
}
