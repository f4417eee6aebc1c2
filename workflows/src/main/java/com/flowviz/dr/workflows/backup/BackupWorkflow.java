package com.flowviz.dr.workflows.backup;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Takes a backup in the runbook's format: {@code pg_dump -Fc}, OpenPGP-encrypted to the backup key,
 * at {@code daily/<db>_daily_YYYYMMDD_HHMMSS.dump.gpg} with a manifest beside it.
 */
@WorkflowInterface
public interface BackupWorkflow {

  @WorkflowMethod(name = "TakeBackup")
  BackupResult backup(BackupRequest request);
}
