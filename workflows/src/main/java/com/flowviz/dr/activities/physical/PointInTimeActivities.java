package com.flowviz.dr.activities.physical;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Point-in-time recovery of a self-managed cluster from its physical archive (base backups and WAL
 * in S3) onto a new local instance. Nothing here reads or changes the server being recovered.
 */
@ActivityInterface
public interface PointInTimeActivities {

  /**
   * The newest complete, signed base backup that ends at or before the target. Fails non-retryable,
   * naming both bounds, when the target is before the oldest base backup's end or after the newest
   * archived WAL.
   */
  @ActivityMethod
  RecoveryChoice chooseBaseBackup(RecoveryChoiceSpec spec);

  /**
   * Streams the base backup from S3 through its SHA-256, decryption and decompression into {@code
   * tar -x} in a staging directory, while the WAL it will replay is fetched, checked and decrypted
   * into the instance's spool in parallel; then {@code pg_verifybackup} and the rename of the
   * staging directory into place. A killed attempt leaves only the staging directory, which the
   * next attempt removes.
   */
  @ActivityMethod
  BaseBackupRestored restoreBaseBackup(BaseBackupRestoreSpec spec);

  /**
   * Writes the recovery settings (restore_command reading the spool, the target, promote at the
   * end, archiving off), starts the instance and waits until it has promoted. Run again on an
   * instance that already promoted, it reports it without changing anything.
   */
  @ActivityMethod
  RecoveryReached recover(RecoverySpec spec);
}
