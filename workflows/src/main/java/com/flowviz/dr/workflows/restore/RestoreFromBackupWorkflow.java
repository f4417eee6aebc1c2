package com.flowviz.dr.workflows.restore;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Runbook 4.1, restore from a daily backup: resolve the backup, download and decrypt it, restore
 * it into a staging database, verify, and only then swap it in for the live database, keeping the
 * replaced one under a dated name.
 */
@WorkflowInterface
public interface RestoreFromBackupWorkflow {

  @WorkflowMethod(name = "RestoreFromBackup")
  RestoreResult restore(RestoreRequest request);

  @QueryMethod
  RestoreProgress progress();
}
