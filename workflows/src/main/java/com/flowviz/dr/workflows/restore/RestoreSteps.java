package com.flowviz.dr.workflows.restore;

/** The steps of runbook 4.1, in order, as they appear in progress, results and the audit trail. */
public final class RestoreSteps {
  public static final String RESOLVE_BACKUP = "resolve-backup";
  public static final String DOWNLOAD = "download-backup";
  public static final String VERIFY_SIGNATURE = "verify-backup-signature";
  public static final String DECRYPT = "decrypt-backup";

  /** Since version 1 of the workflow: download and decryption overlapped, in one activity. */
  public static final String DOWNLOAD_AND_DECRYPT = "download-and-decrypt-backup";

  public static final String PREPARE_STAGING = "prepare-staging-database";
  public static final String PG_RESTORE = "pg-restore-into-staging";
  public static final String VERIFY = "verify-restored-data";
  public static final String SWAP = "swap-staging-into-live";
  public static final String RESTART_APPLICATION = "restart-application";
  public static final String CONNECTIVITY_TEST = "application-connectivity-test";
  public static final String CLEANUP = "cleanup";

  private RestoreSteps() {}
}
