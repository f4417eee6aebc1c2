package com.flowviz.dr.workflows;

import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreProgress;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import com.flowviz.dr.workflows.restore.RestoreResultBuilder;
import java.util.List;

/**
 * A stand-in for the 4.1 restore, for the tests of the procedures that run it as a child: each test
 * says what its restore records and returns; the stand-in reports no progress.
 */
public abstract class RestoreStandIn implements RestoreFromBackupWorkflow {

  /** A restore of {@code backup} into the requested database, with no steps of its own. */
  public static RestoreResultBuilder restored(RestoreRequest request, BackupObject backup) {
    return RestoreResult.builder()
        .outcome(RestoreResult.RESTORED)
        .backup(backup)
        .targetDatabase(request.targetDatabase())
        .steps(List.of());
  }

  @Override
  public RestoreProgress progress() {
    return null;
  }
}
