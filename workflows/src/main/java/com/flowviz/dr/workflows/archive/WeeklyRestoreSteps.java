package com.flowviz.dr.workflows.archive;

/** The steps of runbook 4.2, in order, as they appear in progress, results and the audit trail. */
final class WeeklyRestoreSteps {
  /** Audit entry: the request as the plan understood it. */
  static final String REQUESTED = "weekly-restore-requested";

  static final String RESOLVE_BACKUP = "resolve-backup";
  static final String INSPECT_ARCHIVE = "inspect-storage-class";
  static final String REQUEST_RETRIEVAL = "request-retrieval";
  static final String WAIT_FOR_RETRIEVAL = "wait-for-retrieval";
  static final String RESTORE = "restore-with-runbook-4.1";

  /** Audit entry: how the weekly restore as a whole ended (succeeded, failed or cancelled). */
  static final String WEEKLY_RESTORE = "weekly-restore";

  private WeeklyRestoreSteps() {}
}
