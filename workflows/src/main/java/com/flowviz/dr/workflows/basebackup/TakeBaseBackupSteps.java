package com.flowviz.dr.workflows.basebackup;

/** The steps of a base backup, as they appear in progress and the audit trail. */
final class TakeBaseBackupSteps {
  static final String CHECK_ARCHIVING = "check-archiving";
  static final String TAKE_BASE_BACKUP = "basebackup-encrypt-upload";
  static final String EXPIRE_ARCHIVE = "expire-archive";

  /** The audit entry of a base backup that failed or was cancelled, as a whole. */
  static final String BASE_BACKUP = "take-base-backup";

  private TakeBaseBackupSteps() {}
}
