package com.flowviz.dr.workflows.catalog;

import com.flowviz.dr.activities.storage.BackupObject;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * Runbook 4.1 step 1, {@code aws s3 ls ... | sort -r | head}: lists backups through the worker,
 * which holds the storage credentials, so the starter needs none.
 */
@WorkflowInterface
public interface ListBackupsWorkflow {

  @WorkflowMethod(name = "ListBackups")
  List<BackupObject> list(ListBackupsRequest request);
}
