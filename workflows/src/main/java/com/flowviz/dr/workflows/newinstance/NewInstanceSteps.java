package com.flowviz.dr.workflows.newinstance;

import com.flowviz.dr.workflows.common.ApplicationRepoint;

/**
 * The steps of runbook 4.3 (restore to a new instance) and of a teardown, as they appear in
 * progress, the audit trail and the result.
 */
final class NewInstanceSteps {
  static final String RESOLVE_BACKUP = "resolve-backup";
  static final String READ_ARCHIVE_HEADER = "read-archive-header";
  static final String PROVISION = "provision-instance";
  static final String WAIT_READY = "wait-until-ready";
  static final String CHECK_VERSIONS = "check-versions";
  static final String CREATE_EXTENSIONS = "create-extensions";
  static final String RESTORE = "restore-with-runbook-4.1";
  static final String REPOINT = ApplicationRepoint.REPOINT;
  static final String RESTART = ApplicationRepoint.RESTART;
  static final String APPROVE_REPOINT = "approve-repoint";
  static final String CONNECTIVITY = ApplicationRepoint.CONNECTIVITY;
  static final String TEARDOWN = "teardown-instance";

  /** The audit entries of the procedure as a whole. */
  static final String PROCEDURE = "new-instance-restore";

  static final String REQUESTED = PROCEDURE + "-requested";

  private NewInstanceSteps() {}
}
