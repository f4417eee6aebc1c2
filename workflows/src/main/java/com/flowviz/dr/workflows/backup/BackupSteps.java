package com.flowviz.dr.workflows.backup;

/** The steps of a backup (runbook section 3), as they appear in progress and the audit trail. */
final class BackupSteps {
  static final String TAKE_BACKUP = "dump-encrypt-upload";
  static final String CHECK_RETENTION = "check-retention";

  private BackupSteps() {}
}
