package com.flowviz.dr.activities.verify;

import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.storage.BackupManifest;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.time.Duration;

/** Checks a restored database and the application that uses it. */
@ActivityInterface
public interface VerificationActivities {

  /** Runbook 5.1 and 5.2 on the given database; compares with the manifest when not null. */
  @ActivityMethod
  VerificationReport verifyRestoredDatabase(
      String database, BackupManifest manifest, PgServer server);

  /**
   * Runbook 5.3: GETs the configured application endpoints until each answers 2xx or the configured
   * deadline passes. Reports; never throws for an unhealthy application.
   */
  @ActivityMethod
  ConnectivityReport checkApplicationConnectivity();

  /**
   * Judges runbook 5.2's results on a restore (no lots, or a newest lot far older than the backup,
   * fails) and, when the request names the live database, which of its tables the swap would empty
   * beyond the worker's limit. A live database that cannot be counted is a finding, not an error.
   */
  @ActivityMethod
  RestoreJudgement judgeRestoredDatabase(JudgementRequest request);

  /**
   * Runbook 6.1: reads the newest lot's traceability (lot, QC decisions, temperature readings) in
   * {@code database} logged in as the application's configured role. Reports a permission or schema
   * problem as a failed check; throws only for a server that cannot be reached (retried).
   */
  @ActivityMethod
  TraceabilityCheck checkLotTraceability(String database, PgServer server);

  /**
   * GETs the URL until it answers 2xx or the deadline passes, each probe with a short timeout.
   * Reports what it saw; never throws for an unhealthy service.
   */
  @ActivityMethod
  HealthReport probeHealth(String url, Duration deadline);

  /**
   * A health URL from a workflow input, checked against the worker's rules before a failover
   * changes anything (see HealthUrlRules); refused non-retryably with InvalidInput.
   */
  @ActivityMethod
  void checkHealthUrl(String url);
}
