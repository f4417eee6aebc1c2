package com.flowviz.dr.workflows.incident;

/** The steps of an incident, as they appear in progress, the audit trail and the report. */
public final class IncidentSteps {
  // Runbook section 3, the pre-recovery checklist.
  public static final String ASSESS = "assess-situation";
  public static final String NOTIFY = "notify-stakeholders";
  public static final String INCIDENT_LOG = "start-incident-log";
  public static final String IDENTIFY_BACKUP = "identify-latest-backup";
  public static final String PREPARE_TARGET = "prepare-target-environment";
  public static final String CHECK_CREDENTIALS = "check-credentials";
  // The procedure.
  public static final String PROCEDURE = "recovery-procedure";
  public static final String COMPARE_DATA = "compute-data-gap";
  public static final String AWAIT_CHOICE = "await-recovery-choice";
  public static final String SURGICAL_UNDELETE = "surgical-undelete";
  public static final String APPROVE_SWAP = "approve-swap";
  public static final String SWAP = "swap-staging-into-live";
  public static final String DROP_STAGING = "drop-staging-database";
  public static final String ROTATE_CREDENTIALS = "rotate-credentials";
  public static final String RESTART_APPLICATION = "restart-application";
  // Runbook 6.1, immediately after.
  public static final String SERVICES_OPERATIONAL = "confirm-services-operational";
  public static final String CRITICAL_WORKFLOWS = "test-critical-workflows";
  public static final String NOTIFY_RESOLUTION = "notify-resolution";
  public static final String REVIEW_DATA_GAP = "review-data-gap";
  public static final String VERIFY_AUDIT_TRAIL = "verify-audit-trail";
  public static final String WRITE_REPORT = "write-incident-report";
  public static final String SCHEDULE_FOLLOW_UP = "schedule-follow-up";

  private IncidentSteps() {}
}
