package com.flowviz.dr.activities.physical.retention;

import com.flowviz.dr.activities.physical.ArchiveExpiry;
import com.flowviz.dr.activities.physical.ArchiveExpirySpec;
import com.flowviz.dr.activities.storage.BackupStore;

/** The retention of one cluster's physical archive (base backups and WAL). */
public final class ArchiveRetention {

  private final BackupStore store;

  public ArchiveRetention(BackupStore store) {
    this.store = store;
  }

  /** See {@link com.flowviz.dr.activities.physical.BaseBackupActivities#expireArchive}. */
  public ArchiveExpiry expire(ArchiveExpirySpec spec) {
    // Placeholder of the issue-17 groundwork: replaced by the retention work before it lands.
    throw new IllegalStateException(
        "archive retention is not built yet (" + store.describe() + ")");
  }
}
