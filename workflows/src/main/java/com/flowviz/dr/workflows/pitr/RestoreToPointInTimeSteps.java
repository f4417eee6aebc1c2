package com.flowviz.dr.workflows.pitr;

/** The steps of a point-in-time recovery, as they appear in progress and the audit trail. */
final class RestoreToPointInTimeSteps {
  static final String CHOOSE_BASE_BACKUP = "choose-base-backup";
  static final String RESTORE_BASE_BACKUP = "restore-base-backup-and-spool-wal";
  static final String RECOVER = "recover-to-target-and-promote";
  static final String VERIFY = "verify-recovered-database";
  static final String CHECK_RESTORABLE_WINDOW = "check-restorable-window";
  static final String START_MANAGED_RESTORE = "start-managed-restore";
  static final String AWAIT_AVAILABLE = "await-restored-database";
  static final String APPROVE_REPOINT = "approve-repoint";

  /** The audit entry of a recovery that failed or was cancelled, as a whole. */
  static final String POINT_IN_TIME_RECOVERY = "restore-to-point-in-time";

  private RestoreToPointInTimeSteps() {}
}
