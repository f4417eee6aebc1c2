package com.flowviz.dr.workflows.restore;

/** The steps of runbook 4.1, in order, as they appear in progress, results and the audit trail. */
public final class RestoreSteps {
  /** Audit entry: the request as the plan understood it. */
  public static final String REQUESTED = "restore-requested";

  /** Audit entry: the lease on the target database was taken. */
  public static final String DATABASE_LEASE = "database-lease";

  public static final String RESOLVE_BACKUP = "resolve-backup";
  public static final String VERIFY_MANIFEST_SIGNATURE = "verify-manifest-signature";

  /** Audit entry: an unsigned backup was accepted for the operator's reason. */
  public static final String UNSIGNED_BACKUP_ACCEPTED = "unsigned-backup-accepted";

  public static final String DOWNLOAD = "download-backup";
  public static final String VERIFY_SIGNATURE = "verify-backup-signature";
  public static final String DECRYPT = "decrypt-backup";

  /** Since version 1 of the workflow: download and decryption overlapped, in one activity. */
  public static final String DOWNLOAD_AND_DECRYPT = "download-and-decrypt-backup";

  /** Audit entry: a work host did not pick up its work, another is claimed. */
  public static final String WORK_HOST_LOST = "work-host-lost";

  public static final String PREPARE_STAGING = "prepare-staging-database";
  public static final String PG_RESTORE = "pg-restore-into-staging";
  public static final String VERIFY = "verify-restored-data";

  /** The row-loss gate: a person approves a swap that loses rows the live database has. */
  public static final String APPROVE_ROW_LOSS = "approve-swap-despite-row-loss";

  public static final String SWAP = "swap-staging-into-live";
  public static final String RESTART_APPLICATION = "restart-application";
  public static final String CONNECTIVITY_TEST = "application-connectivity-test";
  public static final String CLEANUP = "cleanup";

  /** Audit entry: how the restore as a whole ended (succeeded, failed or cancelled). */
  public static final String RESTORE = "restore";

  private RestoreSteps() {}
}
