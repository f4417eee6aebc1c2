package com.flowviz.dr.workflows.drill;

/** The steps of a drill, as they appear in progress, the audit trail and the report. */
final class DrillSteps {
  static final String RESOLVE_BACKUP = "resolve-backup";
  static final String READ_ARCHIVE_HEADER = "read-archive-header";
  static final String PROVISION = "provision-scratch-instance";
  static final String WAIT_READY = "wait-until-ready";
  static final String CHECK_VERSIONS = "check-versions";
  static final String CREATE_EXTENSIONS = "create-extensions";
  static final String RESTORE = "restore-and-verify";
  static final String RECOVER_TO_POINT_IN_TIME = "recover-to-point-in-time-and-verify";
  static final String TEARDOWN = "teardown-scratch-instance";
  static final String RECORD_REPORT = "record-drill-report";

  /** The audit entries of the drill as a whole. */
  static final String PROCEDURE = "drill";

  static final String REQUESTED = PROCEDURE + "-requested";

  /** The prefix of the restore's own steps in the report. */
  static final String RESTORE_STEP_PREFIX = "restore/";

  private DrillSteps() {}
}
