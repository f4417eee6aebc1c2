package com.flowviz.dr.activities.physical;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Base backups of a self-managed PostgreSQL server and the retention of its physical archive. */
@ActivityInterface
public interface BaseBackupActivities {

  /**
   * Reads the cluster's identity and archiving settings. Fails non-retryable, naming the setting,
   * when a base backup cannot work: {@code wal_level=minimal}, {@code archive_mode=off}, or a role
   * without the REPLICATION attribute.
   */
  @ActivityMethod
  ArchivingCluster checkArchiving(ArchivingCheck check);

  /**
   * {@code pg_basebackup -Ft -X none} streamed through OpenPGP encryption into a multipart upload,
   * then PostgreSQL's backup manifest, then the flowviz manifest, last. Waits until the WAL the
   * backup needs is archived (PostgreSQL's own wait at backup stop). Every attempt is a new backup
   * under a new id; a killed attempt leaves no flowviz manifest and is never chosen.
   */
  @ActivityMethod
  BaseBackupTaken takeBaseBackup(BaseBackupSpec spec);

  /**
   * Deletes base backups beyond the retention, incomplete ones past {@code incompleteAfter}, and
   * WAL older than the oldest kept base backup's start. Safe to run twice.
   */
  @ActivityMethod
  ArchiveExpiry expireArchive(ArchiveExpirySpec spec);
}
