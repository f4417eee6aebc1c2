package com.flowviz.dr.workflows.archive;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Runbook 4.2, restore from a weekly backup: find it, ask S3 to retrieve it from Glacier or Deep
 * Archive when it is archived (or join a retrieval already under way), wait for hours or days at no
 * cost, then restore it with runbook 4.1 into a dated audit database (or, when asked, production).
 */
@WorkflowInterface
public interface RestoreFromWeeklyBackupWorkflow {

  @WorkflowMethod(name = "RestoreFromWeeklyBackup")
  WeeklyRestoreResult restore(WeeklyRestoreRequest request);

  /**
   * The retrieval may be done (an S3 ObjectRestore:Completed notification): look now instead of at
   * the next poll. A key other than this workflow's backup is ignored; null means "mine".
   */
  @SignalMethod
  void archiveRetrieved(String key);

  @QueryMethod
  WeeklyRestoreProgress progress();
}
