package com.flowviz.dr.workflows.failover;

/**
 * The steps of runbook 4.4, failover and failback, as they appear in progress, the audit trail and
 * the result.
 */
final class FailoverSteps {
  static final String CHECK_FRESHNESS = "check-backup-freshness";
  static final String COMPARE_REPLICATION = "compare-replication-lag";
  static final String APPROVE_STALE_BACKUP = "approve-stale-backup";
  static final String APPROVE_FAILBACK_DATA_LOSS = "approve-failback-data-loss";
  static final String PROVISION = "provision-region-stack";
  static final String RESTORE = "restore-with-runbook-4.1";
  static final String APPROVE_DNS = "approve-dns-switch";
  static final String SWITCH_DNS = "switch-dns";
  static final String WAIT_IN_SYNC = "wait-dns-in-sync";
  static final String PROBE_HEALTH = "probe-public-health";

  private FailoverSteps() {}
}
