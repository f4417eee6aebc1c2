package com.flowviz.dr.workflows.freshness;

/** The audit trail's step for every freshness check, breach and recovery. */
final class FreshnessSteps {
  static final String CHECK = "backup-freshness";

  /** A location's notifier, followed by its bucket and prefix. */
  static final String NOTIFIER_PREFIX = CHECK + "-";

  private FreshnessSteps() {}
}
