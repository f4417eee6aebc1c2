package com.flowviz.dr.activities.backup;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Taking a backup in the runbook's format. */
@ActivityInterface
public interface BackupActivities {

  /**
   * {@code pg_dump -Fc} of the source database, OpenPGP-encrypted to the backup public key and
   * streamed to the store in parts, then its manifest beside it. Row counts come from the same
   * snapshot as the dump.
   */
  @ActivityMethod
  BackupTaken takeBackup(BackupSpec spec);
}
