package com.flowviz.dr.workflows.basebackup;

import com.flowviz.dr.workflows.common.StepRecord;
import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * Takes a base backup of a self-managed PostgreSQL server whose WAL is archived: {@code
 * pg_basebackup} streamed through OpenPGP encryption into the bucket, its flowviz manifest written
 * last; then expires the physical archive (older base backups and the WAL only they needed).
 */
@WorkflowInterface
public interface TakeBaseBackupWorkflow {

  @WorkflowMethod(name = "TakeBaseBackup")
  TakeBaseBackupResult takeBaseBackup(TakeBaseBackupRequest request);

  /** The steps so far, the one in progress last, for the starter and the UI. */
  @QueryMethod
  List<StepRecord> progress();
}
